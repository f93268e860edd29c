/* SPDX-License-Identifier: MIT */
/*
 * The range lines of a handover: every range of the reservation map libkho fills
 * while protecting it, named by kind, plus one line per sub-blob telling where its
 * bytes are. show, ranges, diff and map all read a handover through these.
 */
#include "khotool.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int cmp_line(const void *pa, const void *pb)
{
	const struct khotool_line *a = pa, *b = pb;
	int c;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	c = strcmp(a->prefix, b->prefix);
	return c ? c : strcmp(a->name, b->name);
}

/*
 * libkho labels a blob's unpreserved bytes with the blob's own name (a pointer into
 * the KHO FDT), and its own records with "kho-fdt" and "scratch-array": compare
 * pointers first, so a blob named "kho-fdt" still prints as meta.
 */
static int is_blob_label(const struct khotool_handover *h, const char *label)
{
	for (unsigned int i = 0; i < h->nr_blobs; i++)
		if (h->blobs[i].name == label)
			return 1;
	return 0;
}

static void range_line(const struct khotool_handover *h, struct khotool_line *l,
		       const struct kho_range *r)
{
	l->start = r->start;
	l->end = r->end;
	l->prefix = "";
	l->label = NULL;
	l->kind = r->kind;
	if (r->kind != KHO_KIND_META) {
		l->name = kho_kind_name(r->kind);
	} else if (r->label && !is_blob_label(h, r->label) &&
		   (!strcmp(r->label, "kho-fdt") || !strcmp(r->label, "scratch-array"))) {
		l->name = r->label;
	} else {
		l->name = "meta";
		l->label = r->label;
	}
}

struct khotool_line *khotool_lines(const struct khotool_handover *h, size_t *n)
{
	struct khotool_line *lines =
		calloc((size_t)h->rm.nr + h->nr_blobs + 1, sizeof(*lines));

	*n = 0;
	if (!lines)
		return NULL;
	for (unsigned int i = 0; i < h->rm.nr; i++)
		range_line(h, &lines[(*n)++], &h->rm.r[i]);
	for (unsigned int i = 0; i < h->nr_blobs; i++) {
		const struct kho_blob *b = &h->blobs[i];
		struct khotool_line *l = &lines[(*n)++];

		l->start = b->phys;
		l->end = b->phys + b->size;
		l->prefix = "blob:";
		l->name = b->name;
	}
	qsort(lines, *n, sizeof(*lines), cmp_line);
	return lines;
}

void khotool_lines_text(const struct khotool_line *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		printf("0x%" PRIx64 " 0x%" PRIx64 " %s", l[i].start, l[i].end,
		       l[i].prefix);
		khotool_text_str(stdout, l[i].name);
		putchar('\n');
	}
}

void khotool_lines_json(const struct khotool_line *l, size_t n, int indent)
{
	for (size_t i = 0; i < n; i++) {
		printf("%s\n%*s{\"start\": \"0x%" PRIx64 "\", \"end\": \"0x%" PRIx64
		       "\", \"kind\": \"",
		       i ? "," : "", indent, "", l[i].start, l[i].end);
		khotool_json_chars(stdout, l[i].prefix);
		khotool_json_chars(stdout, l[i].name);
		putchar('"');
		if (l[i].label) {
			fputs(", \"label\": ", stdout);
			khotool_json_str(stdout, l[i].label);
		}
		putchar('}');
	}
}
