/* SPDX-License-Identifier: MIT */
/*
 * Freestanding string functions for targets without a C library. Small, not fast,
 * except that memcpy, memmove and memset go four words a step when both ends are
 * word aligned: the stage moves tables of thousands of ranges with them and
 * clears every page it hands out.
 */
#include <stdint.h>
#include <string.h>

/* A word that may alias anything, so the copies below are not undefined. */
typedef unsigned long __attribute__((may_alias)) word_t;

#define WORD sizeof(word_t)

static int both_aligned(const void *a, const void *b)
{
	return !(((uintptr_t)a | (uintptr_t)b) & (WORD - 1));
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (both_aligned(d, s)) {
		word_t *dw = (word_t *)d;
		const word_t *sw = (const word_t *)s;

		for (; n >= 4 * WORD; n -= 4 * WORD, dw += 4, sw += 4) {
			word_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];

			dw[0] = a;
			dw[1] = b;
			dw[2] = c;
			dw[3] = e;
		}
		for (; n >= WORD; n -= WORD)
			*dw++ = *sw++;
		d = (unsigned char *)dw;
		s = (const unsigned char *)sw;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* In place (a table's tail merged onto itself) is common: nothing to do. */
	if (d == s)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlapping, destination above (by a word at least, if aligned): end first. */
	if (both_aligned(d, s)) {
		word_t *dw;
		const word_t *sw;

		for (; n % WORD; n--)
			d[n - 1] = s[n - 1];
		dw = (word_t *)(d + n);
		sw = (const word_t *)(s + n);
		for (; n >= 4 * WORD; n -= 4 * WORD) {
			word_t a = sw[-1], b = sw[-2], c = sw[-3], e = sw[-4];

			dw[-1] = a;
			dw[-2] = b;
			dw[-3] = c;
			dw[-4] = e;
			dw -= 4;
			sw -= 4;
		}
		for (; n; n -= WORD)
			*--dw = *--sw;
		return dst;
	}
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	word_t w = (unsigned char)c;

	if (both_aligned(d, d)) {
		w |= w << 8;
		w |= w << 16;
		w |= (w << 16) << 16; /* a no-op where a word is 32 bits */
		for (; n >= 4 * WORD; n -= 4 * WORD, d += 4 * WORD) {
			((word_t *)d)[0] = w;
			((word_t *)d)[1] = w;
			((word_t *)d)[2] = w;
			((word_t *)d)[3] = w;
		}
		for (; n >= WORD; n -= WORD, d += WORD)
			*(word_t *)d = w;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}
