/*
 * khot-mem: fill or verify a physical memory range through /dev/mem with the
 * position-dependent test pattern (khot.h), so a region that survives a kexec
 * can be checked byte for byte in the next kernel.
 *
 *   khot-mem fill   ADDR SIZE SEED
 *   khot-mem verify ADDR SIZE SEED   exit 1 and print the first mismatch
 *   khot-mem poke   ADDR VALUE       write one native u64 (to corrupt a hand-over
 *                                    on purpose, in the rejection tests)
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "khot.h"

static int fill(volatile uint64_t *p, uint64_t addr, uint64_t size, uint64_t seed)
{
	for (uint64_t off = 0; off < size; off += 8)
		p[off / 8] = khot_pattern(addr + off, seed);
	printf("khot-mem: filled 0x%" PRIx64 " bytes at 0x%" PRIx64 " (seed 0x%" PRIx64
	       ")\n",
	       size, addr, seed);
	return 0;
}

static int verify(const volatile uint64_t *p, uint64_t addr, uint64_t size, uint64_t seed)
{
	uint64_t bad = 0, first = 0, got = 0, want = 0;

	for (uint64_t off = 0; off < size; off += 8) {
		uint64_t v = p[off / 8], w = khot_pattern(addr + off, seed);

		if (v == w)
			continue;
		if (!bad++) {
			first = addr + off;
			got = v;
			want = w;
		}
	}
	if (bad) {
		printf("khot-mem: MISMATCH at 0x%" PRIx64 ": got 0x%016" PRIx64
		       " want 0x%016" PRIx64 " (%" PRIu64 " of %" PRIu64
		       " words differ)\n",
		       first, got, want, bad, size / 8);
		return 1;
	}
	printf("khot-mem: 0x%" PRIx64 " bytes at 0x%" PRIx64 " match (seed 0x%" PRIx64
	       ")\n",
	       size, addr, seed);
	return 0;
}

static int poke(const char *a, const char *v)
{
	uint64_t addr, val;
	int fd;

	if (khot_parse_u64(a, &addr) || khot_parse_u64(v, &val) || addr % 8) {
		fprintf(stderr,
			"usage: khot-mem poke ADDR VALUE (ADDR 8-byte aligned)\n");
		return 2;
	}
	fd = open("/dev/mem", O_RDWR);
	if (fd < 0 || pwrite(fd, &val, 8, (off_t)addr) != 8) {
		perror("khot-mem: poke");
		return 1;
	}
	close(fd);
	printf("khot-mem: wrote 0x%016" PRIx64 " at 0x%" PRIx64 "\n", val, addr);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "poke"))
		return poke(argv[2], argv[3]);
	uint64_t addr, size, seed;
	long pg = sysconf(_SC_PAGESIZE);
	int fd, rc, do_fill;
	void *map;

	if (argc != 5 || (strcmp(argv[1], "fill") && strcmp(argv[1], "verify")) ||
	    khot_parse_u64(argv[2], &addr) || khot_parse_u64(argv[3], &size) ||
	    khot_parse_u64(argv[4], &seed)) {
		fprintf(stderr, "usage: khot-mem fill|verify ADDR SIZE SEED\n");
		return 2;
	}
	if ((addr | size) & (uint64_t)(pg - 1) || !size) {
		fprintf(stderr,
			"khot-mem: ADDR and SIZE must be page aligned, SIZE non-zero\n");
		return 2;
	}
	do_fill = !strcmp(argv[1], "fill");
	/* No O_SYNC: RAM stays mapped cacheable, like the kernel's own mapping. */
	fd = open("/dev/mem", do_fill ? O_RDWR : O_RDONLY);
	if (fd < 0) {
		perror("khot-mem: /dev/mem");
		return 1;
	}
	map = mmap(NULL, size, do_fill ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED,
		   fd, (off_t)addr);
	if (map == MAP_FAILED) {
		perror("khot-mem: mmap");
		return 1;
	}
	rc = do_fill ? fill(map, addr, size, seed) : verify(map, addr, size, seed);
	munmap(map, size);
	close(fd);
	return rc;
}
