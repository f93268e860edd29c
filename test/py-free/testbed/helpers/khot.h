/*
 * Shared bits of the test bed's guest helpers: the position-dependent test
 * pattern and number parsing. Guest programs only; built static for arm64.
 */
#ifndef KHOT_H
#define KHOT_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <boot/pattern.h>

/*
 * 64-bit pattern word for byte position @pos (a physical address or a file
 * offset, 8-byte aligned) under @seed: a splitmix64 finaliser, so a block
 * copied to another position or left over from another seed never matches.
 */
static inline uint64_t khot_pattern(uint64_t pos, uint64_t seed)
{
	return boot_pattern(pos, seed);
}

/* Parse a number with C prefixes and an optional K/M/G suffix; -1 on error. */
static inline int khot_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'G':
	case 'g':
		v <<= 10;
		/* fall through */
	case 'M':
	case 'm':
		v <<= 10;
		/* fall through */
	case 'K':
	case 'k':
		v <<= 10;
		end++;
		break;
	default:
		break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

#endif /* KHOT_H */
