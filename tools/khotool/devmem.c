/* SPDX-License-Identifier: MIT */
/*
 * Physical memory of the running system through /dev/mem, read only, as windows
 * of a struct kho_mem. A window is address space reserved PROT_NONE; the first
 * touch of a page faults, and the SIGSEGV handler maps the aligned chunk around
 * it from the file over the reservation (MAP_FIXED). So only the chunks a handover
 * points at are ever mapped, and a machine with much RAM costs no page tables up
 * front, while libkho keeps reading plain pointers.
 *
 * A signal handler can find its state only through a global: the one global of
 * khotool lives here. It is counted: diff may read two live handovers from the
 * same /dev/mem; the last khotool_devmem_close() tears it down.
 */
#include "khotool.h"
#include <errno.h>
#include <fcntl.h>
#include <kho/err.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Mapped at a time: big enough to keep the mapping count low, small enough to
 * cost little when one page is needed. */
#define DEVMEM_CHUNK ((u64)2 << 20)

struct devmem_win {
	u64 pbase; /* page-aligned physical start of the reservation */
	u64 psize; /* page-aligned length */
	u8 *host;  /* the reservation */
	u8 *done;  /* per chunk: already mapped */
};

static struct {
	int fd;
	int regular;
	u64 file_size;
	u64 page;
	struct devmem_win win[2 * KHO_MEM_MAX_WINDOWS];
	unsigned int nr;
	struct sigaction old;
	int installed;
	unsigned int users;
} dm = { .fd = -1 };

static void handler_die(void)
{
	static const char msg[] = "khotool: /dev/mem: cannot read physical memory\n";

	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to say */
	}
	_exit(KHOTOOL_EXIT_USAGE);
}

/* Copy len bytes at phys into at with pread: for a /dev/mem that refuses mmap. */
static int copy_chunk(u8 *at, u64 phys, size_t len)
{
	void *p = mmap(at, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	size_t done = 0;
	ssize_t n;

	if (p == MAP_FAILED)
		return -1;
	while (done < len) {
		n = pread(dm.fd, at + done, len - done, (off_t)(phys + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return mprotect(at, len, PROT_READ);
}

/* Map the chunk of window w holding host address a. */
static void fill(struct devmem_win *w, const u8 *a)
{
	u64 off = (u64)(a - w->host);
	u64 chunk = off / DEVMEM_CHUNK;
	u64 start = chunk * DEVMEM_CHUNK;
	u64 len = w->psize - start < DEVMEM_CHUNK ? w->psize - start : DEVMEM_CHUNK;
	void *p = mmap(w->host + start, len, PROT_READ, MAP_SHARED | MAP_FIXED, dm.fd,
		       (off_t)(w->pbase + start));

	if (p == MAP_FAILED && copy_chunk(w->host + start, w->pbase + start, len))
		handler_die();
	w->done[chunk / 8] |= (u8)(1u << (chunk % 8));
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	const u8 *a = si->si_addr;
	int saved = errno;

	(void)sig;
	(void)uc;
	for (unsigned int i = 0; i < dm.nr; i++) {
		struct devmem_win *w = &dm.win[i];
		u64 chunk;

		if (a < w->host || a >= w->host + w->psize)
			continue;
		chunk = (u64)(a - w->host) / DEVMEM_CHUNK;
		/* A fault on a mapped chunk is a bug (a write): let it crash. */
		if (w->done[chunk / 8] & (1u << (chunk % 8)))
			break;
		fill(w, a);
		errno = saved;
		return;
	}
	signal(SIGSEGV, SIG_DFL); /* not ours: fault again, and die of it */
	errno = saved;
}

int khotool_devmem_open(const char *path, const char *cmd)
{
	struct sigaction sa;
	struct stat st;

	if (dm.users++)
		return 0; /* already open: one /dev/mem per run */
	dm.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (dm.fd < 0 || fstat(dm.fd, &st)) {
		khotool_err(cmd, "%s: %s", path, strerror(errno));
		khotool_devmem_close();
		return -1;
	}
	dm.regular = S_ISREG(st.st_mode);
	dm.file_size = (u64)st.st_size;
	dm.page = (u64)sysconf(_SC_PAGESIZE);
	dm.nr = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &dm.old)) {
		khotool_err(cmd, "SIGSEGV handler: %s", strerror(errno));
		khotool_devmem_close();
		return -1;
	}
	dm.installed = 1;
	return 0;
}

int khotool_devmem_window(struct kho_mem *m, u64 base, u64 size, const char *cmd)
{
	struct devmem_win *w = &dm.win[dm.nr];
	u64 end = base + size, nchunks;
	void *p;
	int err;

	if (dm.regular && end > dm.file_size)
		end = dm.file_size; /* a saved copy holds no more */
	if (end <= base)
		return 0;
	if (dm.nr == sizeof(dm.win) / sizeof(dm.win[0])) {
		khotool_err(cmd, "/dev/mem: more than %zu readable pieces of RAM",
			    sizeof(dm.win) / sizeof(dm.win[0]));
		return -1;
	}
	w->pbase = base & ~(dm.page - 1);
	w->psize = ((end + dm.page - 1) & ~(dm.page - 1)) - w->pbase;
	nchunks = (w->psize + DEVMEM_CHUNK - 1) / DEVMEM_CHUNK;
	w->done = calloc(nchunks / 8 + 1, 1);
	p = mmap(NULL, w->psize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (!w->done || p == MAP_FAILED) {
		free(w->done);
		khotool_err(cmd, "/dev/mem: cannot reserve 0x%llx bytes of address space",
			    (unsigned long long)w->psize);
		return -1;
	}
	w->host = p;
	dm.nr++;
	err = kho_mem_add_window(m, base, end - base, w->host + (base - w->pbase));
	if (err)
		khotool_err(cmd, "/dev/mem window at 0x%llx: %s",
			    (unsigned long long)base, kho_strerror(err));
	return err ? -1 : 0;
}

int khotool_devmem_read(void *buf, size_t len, u64 phys)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(dm.fd, (u8 *)buf + done, len - done, (off_t)(phys + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

void khotool_devmem_close(void)
{
	if (dm.users && --dm.users)
		return;
	for (unsigned int i = 0; i < dm.nr; i++) {
		munmap(dm.win[i].host, dm.win[i].psize);
		free(dm.win[i].done);
	}
	dm.nr = 0;
	if (dm.installed)
		sigaction(SIGSEGV, &dm.old, NULL);
	dm.installed = 0;
	if (dm.fd >= 0)
		close(dm.fd);
	dm.fd = -1;
}
