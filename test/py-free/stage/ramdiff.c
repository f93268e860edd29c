/* SPDX-License-Identifier: MIT */
/*
 * ramdiff: compare two RAM dumps of the same machine and print every changed
 * range, page-granular and merged, as "0x<start> 0x<end>" (end exclusive), so a
 * test can prove what the stage wrote.
 *
 *   ramdiff BEFORE AFTER BASE
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096u

static const unsigned char *map(const char *path, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	void *p;

	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		exit(2);
	}
	*len = (size_t)st.st_size;
	p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		perror(path);
		exit(2);
	}
	close(fd);
	return p;
}

int main(int argc, char **argv)
{
	size_t la, lb;
	const unsigned char *a, *b;
	uint64_t base, start = 0;
	int open_run = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: ramdiff BEFORE AFTER BASE\n");
		return 2;
	}
	a = map(argv[1], &la);
	b = map(argv[2], &lb);
	base = strtoull(argv[3], NULL, 0);
	if (la != lb) {
		fprintf(stderr, "ramdiff: sizes differ\n");
		return 2;
	}
	for (size_t off = 0; off < la; off += PAGE) {
		size_t n = la - off < PAGE ? la - off : PAGE;
		int diff = memcmp(a + off, b + off, n) != 0;

		if (diff && !open_run) {
			start = base + off;
			open_run = 1;
		} else if (!diff && open_run) {
			printf("0x%" PRIx64 " 0x%" PRIx64 "\n", start, base + off);
			open_run = 0;
		}
	}
	if (open_run)
		printf("0x%" PRIx64 " 0x%" PRIx64 "\n", start, base + la);
	return 0;
}
