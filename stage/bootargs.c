/* SPDX-License-Identifier: MIT */
/*
 * key=value words of /chosen/bootargs (QEMU puts -append there; the previous
 * kernel's kexec command line arrives the same way). The DT is untrusted:
 * bootargs need not be NUL terminated within its length.
 */
#include "stage.h"

#include <kho/err.h>
#include <libfdt.h>
#include <string.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

const char *stage_bootarg(const struct stage_dt *dt, const char *key, int *len)
{
	size_t klen = strlen(key);
	const char *p, *end;
	int blen;

	p = fdt_getprop(dt->fdt, dt->chosen, "bootargs", &blen);
	if (!p || blen <= 0)
		return NULL;
	end = p + strnlen(p, (size_t)blen);
	while (p < end) {
		const char *w = p;
		size_t wlen;

		while (p < end && !is_space(*p))
			p++;
		wlen = (size_t)(p - w);
		if (wlen >= klen && !memcmp(w, key, klen)) {
			if (wlen == klen) {
				*len = 0;
				return w + klen;
			}
			if (w[klen] == '=') {
				*len = (int)(wlen - klen - 1);
				return w + klen + 1;
			}
		}
		while (p < end && is_space(*p))
			p++;
	}
	return NULL;
}

static int digit(char c, unsigned int base)
{
	unsigned int d;

	if (c >= '0' && c <= '9')
		d = (unsigned int)(c - '0');
	else if (c >= 'a' && c <= 'f')
		d = (unsigned int)(c - 'a' + 10);
	else if (c >= 'A' && c <= 'F')
		d = (unsigned int)(c - 'A' + 10);
	else
		return -1;
	return d < base ? (int)d : -1;
}

int stage_bootarg_u64(const struct stage_dt *dt, const char *key, u64 *val)
{
	unsigned int base = 10;
	u64 v = 0;
	int len, i = 0;
	const char *s = stage_bootarg(dt, key, &len);

	if (!s)
		return -KHO_E_NOT_FOUND;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -KHO_E_INVAL;
	for (; i < len; i++) {
		int d = digit(s[i], base);

		if (d < 0 || v > (~0ull - (u64)d) / base)
			return -KHO_E_INVAL;
		v = v * base + (u64)d;
	}
	*val = v;
	return 0;
}
