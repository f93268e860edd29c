/* SPDX-License-Identifier: MIT */
/*
 * Write the firmware-buffer test pattern (include/boot/pattern.h) for a buffer
 * at physical address ADDR to a file, for QEMU's loader to place in guest RAM:
 * the guest's khot-mem verifies it where it finds the buffer.
 *
 *   ub-pattern OUT ADDR SIZE SEED
 */
#include <boot/pattern.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	unsigned long long addr, size, seed;
	FILE *f;

	if (argc != 5) {
		fprintf(stderr, "usage: ub-pattern OUT ADDR SIZE SEED\n");
		return 2;
	}
	addr = strtoull(argv[2], NULL, 0);
	size = strtoull(argv[3], NULL, 0);
	seed = strtoull(argv[4], NULL, 0);
	f = fopen(argv[1], "wb");
	if (!f || addr % 8 || size % 8) {
		fprintf(stderr,
			"ub-pattern: cannot write %s (ADDR, SIZE 8-byte aligned)\n",
			argv[1]);
		return 1;
	}
	for (unsigned long long off = 0; off < size; off += 8) {
		uint64_t w = boot_pattern(addr + off, seed);
		unsigned char b[8];

		for (int i = 0; i < 8; i++)
			b[i] = (unsigned char)(w >> (8 * i));
		fwrite(b, 1, 8, f);
	}
	return fclose(f) ? 1 : 0;
}
