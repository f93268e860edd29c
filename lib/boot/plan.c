/* SPDX-License-Identifier: MIT */
/*
 * Scratch planning and payload placement: everything the next kernel needs before
 * its page allocator runs lives inside scratch, and nothing is placed over memory
 * the reservation map protects.
 */
#include <boot/boot.h>
#include <boot/zimage.h>
#include <kho/err.h>
#include <libfdt.h>
#include <string.h>

static u64 align_up(u64 v, u64 a)
{
	return (v + a - 1) & ~(a - 1);
}

static u64 align_down(u64 v, u64 a)
{
	return v & ~(a - 1);
}

static u64 scratch_align(const struct boot_state *st)
{
	return KHO_SCRATCH_ALIGN(st->cfg.page_shift);
}

int boot_take_payload(struct boot_state *st, u64 phys, u64 len, int check_data)
{
	const void *p;
	int err;

	p = kho_mem_ptr(st->mem, phys, len, &err);
	if (!p)
		return err;
	err = boot_payload_parse(p, len, phys, check_data, &st->pl);
	if (err)
		return err;
	st->pl_phys = phys;
	st->pl_size = len;
	/*
	 * Nothing is placed over the container until its parts have moved. When
	 * forwarding, the previous kernel put it (as our initrd) inside scratch.
	 */
	return kho_rmap_carve(&st->rm, phys, phys + len, KHO_KIND_PAYLOAD, "container");
}

u64 boot_scratch_estimate(const struct boot_state *st)
{
	u64 ram = kho_mem_ram_size(st->mem);
	u64 page = (u64)1 << st->cfg.page_shift;
	/* struct page is 64 bytes; page tables at most 1/512 of what they map. */
	u64 est = ram / page * 64 + ram / 512;

	est += st->pl.kernel.mem_size + st->pl.initrd.size;
	/* DTB (<= 2 MiB by the arm64 boot protocol), log buffer, percpu, early slab. */
	est += (2u << 20) + (16u << 20);
	est = est / 100 * st->cfg.scratch_scale;
	est = align_up(est, scratch_align(st));
	return est > st->cfg.scratch_min
		       ? est
		       : align_up(st->cfg.scratch_min, scratch_align(st));
}

/* Is [start, end) RAM with no recorded range in it? */
static int is_free(const struct boot_state *st, u64 start, u64 end)
{
	return !kho_mem_check_ram(st->mem, start, end - start) &&
	       !kho_rmap_overlap_kind(&st->rm, start, end);
}

static int add_scratch(struct boot_state *st, u64 start, u64 end)
{
	int err;

	if (st->nr_scratch == BOOT_MAX_SCRATCH)
		return -KHO_E_NOSPC;
	err = kho_rmap_add(&st->rm, start, end, KHO_KIND_SCRATCH, NULL);
	if (err)
		return err;
	st->scratch[st->nr_scratch].addr = start;
	st->scratch[st->nr_scratch].size = end - start;
	st->nr_scratch++;
	return 0;
}

/* Is [start, end) RAM holding nothing recorded but the payload container? */
static int free_but_container(const struct boot_state *st, u64 start, u64 end)
{
	const struct kho_rmap *rm = &st->rm;

	if (kho_mem_check_ram(st->mem, start, end - start))
		return 0;
	for (unsigned int k = kho_rmap_lower_bound(rm, start);
	     k < rm->nr && rm->r[k].start < end; k++)
		if (rm->r[k].kind != KHO_KIND_PAYLOAD)
			return 0;
	return 1;
}

/* Scratch over [lo, hi): the container inside it stays recorded as payload. */
static int add_scratch_around(struct boot_state *st, u64 lo, u64 hi)
{
	const struct kho_rmap *rm = &st->rm;
	u64 at = lo;
	int err;

	if (st->nr_scratch == BOOT_MAX_SCRATCH)
		return -KHO_E_NOSPC;
	while (at < hi) {
		unsigned int k = kho_rmap_lower_bound(rm, at);
		u64 next = k < rm->nr && rm->r[k].start < hi ? rm->r[k].start : hi;

		if (next > at &&
		    (err = kho_rmap_add(&st->rm, at, next, KHO_KIND_SCRATCH, NULL)))
			return err;
		at = next < hi ? rm->r[kho_rmap_lower_bound(rm, next)].end : hi;
	}
	st->scratch[st->nr_scratch].addr = lo;
	st->scratch[st->nr_scratch].size = hi - lo;
	st->nr_scratch++;
	return 0;
}

/* An area covering the container, grown upwards then downwards to size. */
static int scratch_around_payload(struct boot_state *st, u64 size)
{
	u64 a = scratch_align(st);
	u64 lo = align_down(st->pl_phys, a);
	u64 hi = align_up(st->pl_phys + st->pl_size, a);

	if (!free_but_container(st, lo, hi))
		return -KHO_E_NOSPC;
	while (hi - lo < size && is_free(st, hi, hi + a))
		hi += a;
	while (hi - lo < size && lo >= a && is_free(st, lo - a, lo))
		lo -= a;
	return add_scratch_around(st, lo, hi);
}

static u64 scratch_total(const struct boot_state *st)
{
	u64 t = 0;

	for (unsigned int i = 0; i < st->nr_scratch; i++)
		t += st->scratch[i].size;
	return t;
}

/* The largest free aligned window at or below its gap's top, up to want bytes. */
static int scratch_from_free(struct boot_state *st, u64 want)
{
	u64 a = scratch_align(st), size = want, phys;

	while (size >= a) {
		if (!boot_find_free(st, size, a, &phys))
			return add_scratch(st, phys, phys + size);
		size = align_down(size / 2, a);
	}
	return -KHO_E_NOSPC;
}

int boot_plan_scratch(struct boot_state *st, u64 dt_phys, u64 dt_size)
{
	u64 need = boot_scratch_estimate(st);
	int err;

	/*
	 * The input DTB is read until placement is done: nothing is placed over it,
	 * but like the container it may end up inside scratch (it is dead after).
	 */
	err = kho_rmap_carve(&st->rm, dt_phys, dt_phys + dt_size, KHO_KIND_PAYLOAD,
			     "input-dtb");
	if (err || st->forward)
		return err; /* forwarding: scratch is the incoming scratch */
	if (st->pl.flags & BOOT_PAYLOAD_F_ZIMAGE)
		return 0; /* no KHO, no scratch: see boot_zimage_place() */
	/* Best case: the container already sits where scratch can be: nothing moves. */
	(void)scratch_around_payload(st, need);
	while (scratch_total(st) < need) {
		err = scratch_from_free(st, need - scratch_total(st));
		if (err)
			return err;
	}
	return 0;
}

static int gap_fit(u64 lo, u64 hi, u64 size, u64 align, u64 *best)
{
	u64 at;

	if (hi < lo || hi - lo < size)
		return 0;
	at = align_down(hi - size, align);
	if (at < lo || (*best != ~(u64)0 && at <= *best))
		return 0;
	*best = at;
	return 1;
}

/*
 * The highest fit in one bank, into *best if higher: its gaps from the top down,
 * so the first that fits is the answer and a table of thousands of preserved
 * blocks below it is never walked (every new page of a hand-over comes here).
 */
static void bank_fit(const struct kho_rmap *rm, u64 lo, u64 end, u64 size, u64 align,
		     u64 *best)
{
	unsigned int k = kho_rmap_lower_bound(rm, end);
	u64 hi = end;

	if (k < rm->nr && rm->r[k].start < end)
		k++; /* straddles the bank's end */
	while (k > 0 && rm->r[k - 1].end > lo) {
		const struct kho_range *r = &rm->r[--k];

		if (*best != ~(u64)0 && hi <= *best)
			return; /* an earlier bank holds a higher fit */
		if (gap_fit(r->end > lo ? r->end : lo, hi, size, align, best))
			return;
		hi = r->start;
	}
	gap_fit(lo, hi, size, align, best);
}

int boot_find_free(const struct boot_state *st, u64 size, u64 align, u64 *phys)
{
	u64 best = ~(u64)0;

	for (unsigned int b = 0; b < st->mem->nr_ram; b++)
		bank_fit(&st->rm, st->mem->ram[b].base,
			 st->mem->ram[b].base + st->mem->ram[b].size, size, align, &best);
	if (best == ~(u64)0)
		return -KHO_E_NOSPC;
	*phys = best;
	return 0;
}

/* Remember a page handed out, for boot_for_each_written(): mostly one run down. */
static void note_alloc(struct boot_state *st, u64 phys, u64 size)
{
	for (unsigned int i = 0; i < st->nr_alloc; i++) {
		struct kho_scratch *a = &st->alloc[i];

		if (phys + size == a->addr || a->addr + a->size == phys) {
			a->addr = phys < a->addr ? phys : a->addr;
			a->size += size;
			return;
		}
	}
	if (st->nr_alloc == BOOT_MAX_ALLOC) {
		st->alloc_lost = 1;
		return;
	}
	st->alloc[st->nr_alloc].addr = phys;
	st->alloc[st->nr_alloc++].size = size;
}

static int page_alloc(void *arg, u64 *phys)
{
	struct boot_state *st = arg;
	u64 page = (u64)1 << st->cfg.page_shift;

	if (boot_find_free(st, page, page, phys))
		return -KHO_E_NOMEM;
	note_alloc(st, *phys, page);
	return 0;
}

struct kho_page_alloc boot_page_alloc(struct boot_state *st)
{
	struct kho_page_alloc pa = { page_alloc, st };

	return pa;
}

static int in_scratch(const struct boot_state *st, u64 start, u64 end)
{
	for (unsigned int i = 0; i < st->nr_scratch; i++)
		if (start >= st->scratch[i].addr &&
		    end <= st->scratch[i].addr + st->scratch[i].size)
			return 1;
	return 0;
}

/*
 * Keep a blob where it is if the container holding it lies in scratch and the blob
 * is aligned (the container stays recorded as payload); else move it into scratch.
 */
static int place_blob(struct boot_state *st, const struct boot_blob *b, u64 align,
		      const char *label, u64 *dst)
{
	void *from, *to;
	int err;

	if (!(b->phys & (align - 1)) && in_scratch(st, b->phys, b->phys + b->mem_size) &&
	    b->phys + b->mem_size <= st->pl_phys + st->pl_size) {
		*dst = b->phys;
		return 0;
	}
	err = kho_rmap_alloc_scratch(&st->rm, b->mem_size, align, 0, KHO_KIND_PAYLOAD,
				     label, dst);
	if (err)
		return err;
	from = kho_mem_ptr(st->mem, b->phys, b->size, &err);
	to = from ? kho_mem_ptr(st->mem, *dst, b->mem_size, &err) : NULL;
	if (!to)
		return err;
	memmove(to, from, b->size);
	st->copied += b->size;
	return 0;
}

static int place_dtb(struct boot_state *st, const void *dt)
{
	void *to;
	int err;

	st->dtb_cap = align_up(fdt_totalsize(dt) + BOOT_DTB_SLACK, 4096);
	err = kho_rmap_alloc_scratch(&st->rm, st->dtb_cap, 4096, 0, KHO_KIND_PAYLOAD,
				     "dtb", &st->dtb);
	if (err)
		return err;
	to = kho_mem_ptr(st->mem, st->dtb, st->dtb_cap, &err);
	if (!to)
		return err;
	return fdt_open_into(dt, to, (int)st->dtb_cap) ? -KHO_E_FDT : 0;
}

int boot_place(struct boot_state *st, const void *dt)
{
	int err;

	if (st->pl.flags & BOOT_PAYLOAD_F_ZIMAGE)
		return boot_zimage_place(st, dt);
	err = place_blob(st, &st->pl.kernel, BOOT_PAYLOAD_KERNEL_ALIGN, "kernel",
			 &st->kernel);

	if (!err && st->pl.initrd.size)
		err = place_blob(st, &st->pl.initrd, BOOT_PAYLOAD_ALIGN, "initrd",
				 &st->initrd);
	if (!err)
		err = place_dtb(st, dt);
	return err;
}
