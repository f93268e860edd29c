/*
 * khot-luo: preserve a memfd across kexec with the Live Update Orchestrator
 * (/dev/liveupdate) and check it in the next kernel.
 *
 *   khot-luo preserve SESSION TOKEN SIZE SEED
 *       Create SESSION, fill a SIZE-byte memfd with the test pattern (keyed by
 *       file offset), preserve it under TOKEN, then leave a detached process
 *       holding the session fd: LUO only carries sessions that are still open
 *       at kexec time. Returns once the memfd is preserved.
 *   khot-luo verify SESSION TOKEN SIZE SEED
 *       Retrieve SESSION and TOKEN, check size and content, finish the session.
 *   khot-luo carry SESSION TOKEN SIZE SEED
 *       verify, then preserve the same memfd again in a new SESSION, held open
 *       as by preserve: the memfd goes on to the kernel after next.
 *
 * Both print "pfnhash=" over the physical pages backing the memfd (from
 * /proc/self/pagemap): equal values prove the next kernel got the same pages.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khot.h"

/* The /dev/liveupdate ABI (include/uapi/linux/liveupdate.h, Linux 7.3). */
#define LU_TYPE 0xBA
#define LU_NAME_LEN 64
#define LU_CREATE_SESSION _IO(LU_TYPE, 0x00)
#define LU_RETRIEVE_SESSION _IO(LU_TYPE, 0x01)
#define LU_SESSION_PRESERVE_FD _IO(LU_TYPE, 0x40)
#define LU_SESSION_RETRIEVE_FD _IO(LU_TYPE, 0x41)
#define LU_SESSION_FINISH _IO(LU_TYPE, 0x42)

struct lu_session_arg { /* create and retrieve session */
	uint32_t size;
	int32_t fd;
	uint8_t name[LU_NAME_LEN];
};
struct lu_fd_arg { /* preserve and retrieve fd */
	uint32_t size;
	int32_t fd;
	uint64_t token;
};
struct lu_finish_arg {
	uint32_t size;
	uint32_t reserved;
};
_Static_assert(sizeof(struct lu_session_arg) == 72, "liveupdate session arg");
_Static_assert(sizeof(struct lu_fd_arg) == 16, "liveupdate fd arg");
_Static_assert(sizeof(struct lu_finish_arg) == 8, "liveupdate finish arg");

static int session(int luo, unsigned long cmd, const char *name)
{
	struct lu_session_arg a = { .size = sizeof(a) };

	snprintf((char *)a.name, sizeof(a.name), "%s", name);
	if (ioctl(luo, cmd, &a)) {
		perror(cmd == LU_CREATE_SESSION ? "khot-luo: create session"
						: "khot-luo: retrieve session");
		return -1;
	}
	return a.fd;
}

/* FNV-1a over the PFNs of @len bytes mapped at @map, in file order. */
static int pfn_hash(const void *map, uint64_t len, uint64_t *hash, uint64_t *runs)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t h = 0xcbf29ce484222325ull, prev = 0, e;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return -1;
	*runs = 0;
	for (uint64_t off = 0; off < len; off += pg) {
		uintptr_t va = (uintptr_t)map + off;

		if (pread(fd, &e, 8, (off_t)(va / pg * 8)) != 8 || !(e >> 63)) {
			close(fd);
			return -1;
		}
		e &= (1ull << 55) - 1;
		if (!off || e != prev + 1)
			(*runs)++;
		prev = e;
		for (int i = 0; i < 8; i++)
			h = (h ^ ((e >> (8 * i)) & 0xff)) * 0x100000001b3ull;
	}
	close(fd);
	*hash = h;
	return 0;
}

static void print_pages(const char *what, const void *map, uint64_t len)
{
	uint64_t h, runs;

	if (pfn_hash(map, len, &h, &runs))
		printf("khot-luo: %s: pfnhash=unknown (pagemap unreadable)\n", what);
	else
		printf("khot-luo: %s: %" PRIu64 " pages in %" PRIu64
		       " runs pfnhash=0x%016" PRIx64 "\n",
		       what, len / sysconf(_SC_PAGESIZE), runs, h);
}

static void hold_forever(void)
{
	int null = open("/dev/null", O_RDWR);

	setsid();
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	if (chdir("/"))
		_exit(1);
	for (;;)
		pause();
}

/* Preserve mfd in a new session NAME under TOKEN, then hold the session open. */
static int preserve_fd(int luo, const char *name, uint64_t token, int mfd, uint64_t size,
		       uint64_t seed)
{
	struct lu_fd_arg a = { .size = sizeof(a), .fd = mfd, .token = token };
	int sfd = session(luo, LU_CREATE_SESSION, name);

	if (sfd < 0)
		return 1;
	if (ioctl(sfd, LU_SESSION_PRESERVE_FD, &a)) {
		perror("khot-luo: preserve fd");
		return 1;
	}
	close(mfd);
	close(luo);
	printf("khot-luo: session '%s' preserves a 0x%" PRIx64
	       "-byte memfd as token 0x%" PRIx64 " (seed 0x%" PRIx64 ")\n",
	       name, size, token, seed);
	fflush(stdout);
	if (fork() == 0)
		hold_forever();
	return 0;
}

static int preserve(int luo, const char *name, uint64_t token, uint64_t size,
		    uint64_t seed)
{
	uint64_t *p;
	int mfd = memfd_create("khotest", 0);

	if (mfd < 0 || ftruncate(mfd, (off_t)size)) {
		perror("khot-luo: memfd");
		return 1;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (p == MAP_FAILED) {
		perror("khot-luo: mmap");
		return 1;
	}
	for (uint64_t off = 0; off < size; off += 8)
		p[off / 8] = khot_pattern(off, seed);
	print_pages("memfd before kexec", p, size);
	munmap(p, size);
	return preserve_fd(luo, name, token, mfd, size, seed);
}

/* Retrieve, check and finish SESSION; *fd is the memfd (kept open if fd). */
static int check(int luo, const char *name, uint64_t token, uint64_t size, uint64_t seed,
		 int *fd)
{
	struct lu_fd_arg a = { .size = sizeof(a), .token = token };
	struct lu_finish_arg f = { .size = sizeof(f) };
	struct stat st;
	const uint64_t *p;
	uint64_t bad = 0, first = 0;
	int sfd = session(luo, LU_RETRIEVE_SESSION, name);

	if (sfd < 0)
		return 1;
	if (ioctl(sfd, LU_SESSION_RETRIEVE_FD, &a)) {
		perror("khot-luo: retrieve fd");
		return 1;
	}
	if (fstat(a.fd, &st) || (uint64_t)st.st_size != size) {
		printf("khot-luo: MISMATCH: memfd size 0x%llx, want 0x%" PRIx64 "\n",
		       (unsigned long long)st.st_size, size);
		return 1;
	}
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, a.fd, 0);
	if (p == MAP_FAILED) {
		perror("khot-luo: mmap");
		return 1;
	}
	for (uint64_t off = 0; off < size; off += 8)
		if (p[off / 8] != khot_pattern(off, seed) && !bad++)
			first = off;
	print_pages("memfd after kexec", p, size);
	if (bad) {
		printf("khot-luo: MISMATCH at offset 0x%" PRIx64 ": got 0x%016" PRIx64
		       " want 0x%016" PRIx64 " (%" PRIu64 " words differ)\n",
		       first, p[first / 8], khot_pattern(first, seed), bad);
		return 1;
	}
	munmap((void *)p, size);
	if (fd)
		*fd = a.fd;
	else
		close(a.fd);
	if (ioctl(sfd, LU_SESSION_FINISH, &f))
		perror("khot-luo: finish session");
	printf("khot-luo: session '%s' token 0x%" PRIx64 ": 0x%" PRIx64
	       " bytes match (seed 0x%" PRIx64 ")\n",
	       name, token, size, seed);
	return 0;
}

/* Check the incoming memfd, then preserve it again for the next kexec. */
static int carry(int luo, const char *name, uint64_t token, uint64_t size, uint64_t seed)
{
	int fd;

	if (check(luo, name, token, size, seed, &fd))
		return 1;
	return preserve_fd(luo, name, token, fd, size, seed);
}

int main(int argc, char **argv)
{
	uint64_t token, size, seed;
	int luo;

	if (argc != 6 ||
	    (strcmp(argv[1], "preserve") && strcmp(argv[1], "verify") &&
	     strcmp(argv[1], "carry")) ||
	    khot_parse_u64(argv[3], &token) || khot_parse_u64(argv[4], &size) ||
	    khot_parse_u64(argv[5], &seed) || !size || size % 8) {
		fprintf(stderr, "usage: khot-luo preserve|verify|carry SESSION TOKEN "
				"SIZE SEED\n");
		return 2;
	}
	luo = open("/dev/liveupdate", O_RDWR);
	if (luo < 0) {
		perror("khot-luo: /dev/liveupdate");
		return 1;
	}
	if (!strcmp(argv[1], "preserve"))
		return preserve(luo, argv[2], token, size, seed);
	if (!strcmp(argv[1], "carry"))
		return carry(luo, argv[2], token, size, seed);
	return check(luo, argv[2], token, size, seed, NULL);
}
