/* SPDX-License-Identifier: MIT */
/*
 * Support for the harnesses: the read-only RAM window, exact-size copies of input
 * blobs, the fixed memory layout, and invariant checks written against the bank
 * list and the range array directly rather than through libkho's own lookups.
 */
#include <kho/err.h>
#include <kho/map.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

void fz_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fuzz invariant violated: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

/* The window, with an inaccessible page on each side. */
static u8 *window;
static size_t window_dirty; /* bytes from the start that may be non-zero */

static size_t host_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static void window_protect(int prot)
{
	if (mprotect(window, FZ_WIN_SIZE, prot))
		fz_fail("mprotect of the window failed");
}

u8 *fz_window_load(const u8 *ram, size_t len)
{
	size_t guard = host_page();

	if (!window) {
		u8 *p = mmap(NULL, FZ_WIN_SIZE + 2 * guard, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			fz_fail("no memory for the window");
		window = p + guard;
	}
	if (len > FZ_WIN_SIZE)
		len = FZ_WIN_SIZE;
	window_protect(PROT_READ | PROT_WRITE);
	memcpy(window, ram, len);
	if (window_dirty > len)
		memset(window + len, 0, window_dirty - len);
	window_dirty = len;
	window_protect(PROT_READ);
	return window;
}

void fz_window_check(const u8 *ram, size_t len)
{
	if (len > FZ_WIN_SIZE)
		len = FZ_WIN_SIZE;
	if (memcmp(window, ram, len))
		fz_fail("RAM window changed");
}

void *fz_copy(const u8 *data, size_t len)
{
	/* malloc() is 16-byte aligned; len 0 still gets a unique pointer. */
	void *p = malloc(len ? len : 1);

	if (!p)
		fz_fail("no memory for a copy of %zu bytes", len);
	memcpy(p, data, len);
	return p;
}

void fz_copy_done(void *copy, const u8 *data, size_t len, const char *what)
{
	if (memcmp(copy, data, len))
		fz_fail("%s changed", what);
	free(copy);
}

void fz_mem(struct kho_mem *m, u64 low_size, u8 *host)
{
	kho_mem_init(m);
	if (kho_mem_add_ram(m, FZ_RAM_BASE, low_size) ||
	    kho_mem_add_ram(m, FZ_HIGH_BASE, FZ_HIGH_SIZE) ||
	    kho_mem_add_window(m, FZ_RAM_BASE, FZ_WIN_SIZE, host))
		fz_fail("memory layout refused");
}

void fz_rmap_init(struct kho_rmap *rm, unsigned int cap)
{
	static struct kho_range *storage;
	static unsigned int storage_cap;

	if (storage_cap != cap) {
		free(storage);
		storage = malloc(cap * sizeof(*storage));
		if (!storage)
			fz_fail("no memory for %u ranges", cap);
		storage_cap = cap;
	}
	kho_rmap_init(rm, storage, cap);
}

void fz_add_firmware(struct kho_rmap *rm)
{
	if (kho_rmap_add(rm, FZ_FW_START, FZ_FW_END, KHO_KIND_FIRMWARE, "stage"))
		fz_fail("firmware range refused");
}

void fz_check_firmware(const struct kho_rmap *rm)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < rm->nr; i++) {
		const struct kho_range *r = &rm->r[i];

		if (r->kind != KHO_KIND_FIRMWARE)
			continue;
		if (r->start != FZ_FW_START || r->end != FZ_FW_END)
			fz_fail("firmware range became [0x%llx, 0x%llx)",
				(unsigned long long)r->start, (unsigned long long)r->end);
		n++;
	}
	if (n != 1)
		fz_fail("%u firmware ranges", n);
}

void fz_check_rmap(const struct kho_rmap *rm)
{
	if (rm->nr > rm->cap)
		fz_fail("rmap holds %u ranges in room for %u", rm->nr, rm->cap);
	for (unsigned int i = 0; i < rm->nr; i++) {
		const struct kho_range *r = &rm->r[i];

		if (r->start >= r->end)
			fz_fail("rmap range %u [0x%llx, 0x%llx) is empty or wraps", i,
				(unsigned long long)r->start, (unsigned long long)r->end);
		if (!r->kind || r->kind >= KHO_KIND_COUNT)
			fz_fail("rmap range %u has kind %u", i, r->kind);
		if (i && rm->r[i - 1].end > r->start)
			fz_fail("rmap ranges %u and %u overlap or are unsorted", i - 1,
				i);
	}
}

int fz_in_ram(const struct kho_mem *m, u64 start, u64 end)
{
	if (end <= start)
		return 0;
	for (unsigned int i = 0; i < m->nr_ram; i++)
		if (start >= m->ram[i].base && end - m->ram[i].base <= m->ram[i].size)
			return 1;
	return 0;
}

int fz_in_window(u64 start, u64 end)
{
	return start < end && start >= FZ_RAM_BASE && end <= FZ_RAM_BASE + FZ_WIN_SIZE;
}

int fz_covered(const struct kho_rmap *rm, u64 start, u64 end, unsigned int mask)
{
	u64 at = start;

	for (unsigned int i = 0; i < rm->nr && at < end; i++) {
		const struct kho_range *r = &rm->r[i];

		if (r->end <= at)
			continue;
		if (r->start > at || !(mask & FZ_K(r->kind)))
			return 0;
		at = r->end;
	}
	return at >= end;
}

void fz_check_err(int err, const char *what)
{
	const char *s;

	if (err > 0 || err <= -KHO_E_COUNT_MAX)
		fz_fail("%s returned %d, no libkho code", what, err);
	s = kho_strerror(err);
	if (!s || !*s || !strcmp(s, kho_strerror(-KHO_E_COUNT_MAX)))
		fz_fail("%s returned %d without a string", what, err);
}

static void check_radix_key(const struct fz_blocks *b, u64 phys, unsigned int order)
{
	u64 key = kho_radix_encode(phys, order, b->page_shift), back;
	unsigned int o;

	if (!key || kho_radix_decode(key, b->page_shift, &back, &o) || back != phys ||
	    o != order)
		fz_fail("block 0x%llx order %u has no radix key that round-trips",
			(unsigned long long)phys, order);
}

int fz_block(void *arg, u64 phys, u64 size, unsigned int order)
{
	struct fz_blocks *b = arg;
	unsigned int shift = b->page_shift + order;
	u64 blk;

	if (b->stopped)
		fz_fail("walk went on after its callback failed");
	if (order > b->max_order || shift >= 64)
		fz_fail("block of order %u over the maximum %u", order, b->max_order);
	blk = (u64)1 << shift;
	if (!size || size % blk || phys % blk)
		fz_fail("run 0x%llx+0x%llx is not whole aligned blocks of order %u",
			(unsigned long long)phys, (unsigned long long)size, order);
	if (phys + size < phys || !fz_in_ram(b->mem, phys, phys + size))
		fz_fail("run 0x%llx+0x%llx is not RAM", (unsigned long long)phys,
			(unsigned long long)size);
	if (b->rm && !fz_covered(b->rm, phys, phys + size, FZ_K(KHO_KIND_PRESERVED)))
		fz_fail("run 0x%llx+0x%llx is not recorded as preserved",
			(unsigned long long)phys, (unsigned long long)size);
	if (b->radix) {
		check_radix_key(b, phys, order);
		check_radix_key(b, phys + size - blk, order);
	}
	b->runs++;
	b->blocks += size / blk;
	b->bytes += size;
	if (b->stop_after && b->runs == b->stop_after) {
		b->stopped = 1;
		return FZ_STOP;
	}
	return 0;
}

#define WALK_RANGES 1024

static void check_seen(const struct kho_rmap *rm, u8 flags)
{
	int meta = 0;

	fz_check_rmap(rm);
	for (unsigned int i = 0; i < rm->nr; i++) {
		const struct kho_range *r = &rm->r[i];

		if (r->kind == KHO_KIND_MAP && !fz_in_window(r->start, r->end))
			fz_fail("map range [0x%llx, 0x%llx) outside the readable window",
				(unsigned long long)r->start, (unsigned long long)r->end);
		meta += r->kind == KHO_KIND_META && r->start == FZ_META_PAGE &&
			r->end == FZ_META_PAGE + 0x1000;
	}
	if (flags & FZ_F_FENCE) {
		fz_check_firmware(rm);
		if (meta != 1)
			fz_fail("the meta page moved");
	}
}

int fz_runs(void *arg, const struct kho_run *r, unsigned int n, unsigned int order)
{
	struct fz_blocks *b = arg;
	int err = 0;

	if (!n || n > b->run_cap)
		fz_fail("batch of %u runs, room for %u", n, b->run_cap);
	for (unsigned int k = 0; k < n; k++) {
		if (k && r[k - 1].phys + r[k - 1].size >= r[k].phys)
			fz_fail("runs %u and %u of a batch touch or go back", k - 1, k);
		/* The walk counts a whole batch as given, the refused runs too. */
		if (err)
			b->blocks += r[k].size >> (b->page_shift + order);
		else
			err = fz_block(b, r[k].phys, r[k].size, order);
	}
	return err;
}

void fz_walk(const u8 *data, size_t size, int radix,
	     int (*fn)(struct kho_walk *w, u64 head, u8 flags), const char *what)
{
	struct kho_mem mem;
	struct kho_rmap rm;
	struct fz_blocks b = { .mem = &mem, .radix = radix };
	struct kho_walk w = { .mem = &mem, .block = fz_block, .arg = &b };
	struct kho_run run_buf[40];
	const u8 *ram;
	size_t ram_len;
	u8 flags;
	int err;

	if (size < FZ_WALK_HDR)
		return;
	ram = data + FZ_WALK_HDR;
	ram_len = size - FZ_WALK_HDR;
	flags = data[0];
	if (flags & FZ_F_BIG)
		flags |= FZ_F_SEEN; /* a budget over 1 GiB of pages is too slow to fuzz */
	fz_mem(&mem, flags & FZ_F_BIG ? FZ_RAM_BIG : FZ_RAM_SMALL,
	       fz_window_load(ram, ram_len));
	b.page_shift = w.page_shift = radix ? fz_page_shift(data[2]) : 12;
	b.max_order = w.max_order = data[1] % 64;
	b.stop_after = flags & FZ_F_STOP ? (u64)data[3] + 1 : 0;
	if (flags & FZ_F_RUNS) {
		/* 1-40 runs a batch (below and above a word's worth), or the walk's 64.
		 */
		w.runs = fz_runs;
		w.run_cap = data[4] % 41;
		w.run_buf = w.run_cap ? run_buf : NULL;
		b.run_cap = w.run_cap ? w.run_cap : 64;
	}
	if (flags & FZ_F_SEEN) {
		fz_rmap_init(&rm, WALK_RANGES);
		if (flags & FZ_F_FENCE) {
			fz_add_firmware(&rm);
			if (kho_rmap_add(&rm, FZ_META_PAGE, FZ_META_PAGE + 0x1000,
					 KHO_KIND_META, "kho-fdt"))
				fz_fail("meta page refused");
		}
		w.seen = &rm;
	}
	err = fn(&w, fz_get_le(data + 8, 8), flags);
	fz_check_err(err, what);
	if (b.stopped != (err == FZ_STOP))
		fz_fail("%s returned %d, callback %s", what, err,
			b.stopped ? "stopped it" : "did not stop it");
	if (w.blocks != b.blocks)
		fz_fail("%s counted %llu blocks, reported %llu", what,
			(unsigned long long)w.blocks, (unsigned long long)b.blocks);
	if (w.seen)
		check_seen(&rm, flags);
	fz_window_check(ram, ram_len);
}
