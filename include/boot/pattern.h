/* SPDX-License-Identifier: MIT */
/*
 * The test pattern firmware buffers are filled with: a splitmix64 finaliser of
 * the physical address and a seed, so a buffer that moved, or holds another
 * buffer's data, never verifies. Shared by the stage and the test bed's guest
 * helpers (which is why it is a header of its own with no other dependency).
 */
#ifndef BOOT_PATTERN_H
#define BOOT_PATTERN_H

#include <stdint.h>

/* Pattern word for byte position pos (8-byte aligned) under seed. */
static inline uint64_t boot_pattern(uint64_t pos, uint64_t seed)
{
	uint64_t z = pos + seed * 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#endif /* BOOT_PATTERN_H */
