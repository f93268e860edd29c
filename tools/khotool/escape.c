/* SPDX-License-Identifier: MIT */
/*
 * Printing strings that come from handover data (node names, labels). They are
 * untrusted bytes: JSON output escapes them into plain ASCII, and text output
 * keeps each range on one line of whitespace-separated fields.
 */
#include "khotool.h"

void khotool_json_chars(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
}

void khotool_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	khotool_json_chars(f, s);
	fputc('"', f);
}

void khotool_text_str(FILE *f, const char *s)
{
	khotool_text_strn(f, s, (size_t)-1);
}

void khotool_text_strn(FILE *f, const char *s, size_t n)
{
	for (const unsigned char *p = (const unsigned char *)s; n && *p; p++, n--) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '\\')
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}
