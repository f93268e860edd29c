/* SPDX-License-Identifier: MIT */
/* Map-page validation and bitmap run extraction shared by both map formats. */
#include <kho/err.h>
#include <string.h>
#include "walk.h"

static int conflict_err(const struct kho_rmap *rm, u64 start, u64 end)
{
	switch (kho_rmap_overlap_kind(rm, start, end)) {
	case KHO_KIND_MAP:
		return -KHO_E_CYCLE;
	case KHO_KIND_FIRMWARE:
		return -KHO_E_PROTECTED;
	default:
		return -KHO_E_OVERLAP;
	}
}

const void *kho_walk_map_page(struct kho_walk *w, u64 phys, u64 len, u64 align, int *err)
{
	const void *p;
	int e;

	if (phys & (align - 1)) {
		*err = -KHO_E_MISALIGNED;
		return NULL;
	}
	p = kho_mem_ptr(w->mem, phys, len, err);
	if (!p)
		return NULL;
	if (w->seen) {
		e = kho_rmap_add_new(w->seen, phys, phys + len, KHO_KIND_MAP, NULL);
		/* A map page the producer also preserved is odd but valid (Linux accepts
		 * it). */
		if (e == -KHO_E_OVERLAP &&
		    kho_rmap_covered(w->seen, phys, phys + len, KHO_KIND_PRESERVED))
			e = 0;
		else if (e == -KHO_E_OVERLAP)
			e = conflict_err(w->seen, phys, phys + len);
		if (e) {
			*err = e;
			return NULL;
		}
	}
	/* Without a record of pages, a cycle still cannot outlast the RAM it lives in. */
	if (++w->nodes > (kho_mem_ram_size(w->mem) >> 9) + 1) {
		*err = -KHO_E_CYCLE;
		return NULL;
	}
	return p;
}

static int check_run(struct kho_walk *w, u64 phys, u64 size, unsigned int shift)
{
	int err;

	if (phys + size < phys)
		return -KHO_E_WRAP;
	err = kho_mem_check_ram(w->mem, phys, size);
	if (!err)
		return 0;
	/* A run may span two adjacent banks: then every block must still be RAM. */
	for (u64 off = 0; off < size; off += (u64)1 << shift) {
		err = kho_mem_check_ram(w->mem, phys + off, (u64)1 << shift);
		if (err)
			return err;
	}
	return 0;
}

static int emit(struct kho_walk *w, u64 base, u64 bit, u64 len, unsigned int order,
		unsigned int shift, int checked)
{
	u64 phys = base + (bit << shift), size = len << shift;
	int err;

	if (checked) {
		if (len > (~(u64)0 >> shift) || phys < base)
			return -KHO_E_WRAP;
		err = check_run(w, phys, size, shift);
		if (err)
			return err;
	}
	w->blocks += len;
	return w->block ? w->block(w->arg, phys, size, order) : 0;
}

static unsigned int ctz64(u64 x)
{
	return (unsigned int)__builtin_ctzll(x);
}

/* First word at or after i that is not all equal to fill (n if none), 4 at a time. */
static u64 skip_words(const u64 *words, u64 n, u64 i, u64 fill)
{
	while (i + 4 <= n && !((words[i] ^ fill) | (words[i + 1] ^ fill) |
			       (words[i + 2] ^ fill) | (words[i + 3] ^ fill)))
		i += 4;
	while (i < n && words[i] == fill)
		i++;
	return i;
}

/*
 * Can no run inside bits [first, end) fail emit()'s checks? True when the whole
 * extent neither wraps nor leaves one RAM bank: then no run does either, and the
 * runs need no check of their own.
 */
static int extent_in_ram(const struct kho_walk *w, u64 base, u64 first, u64 end,
			 unsigned int order)
{
	unsigned int shift = w->page_shift + order;
	u64 phys;

	if (shift >= 64 || end > (~(u64)0 >> shift))
		return 0;
	phys = base + (first << shift);
	if (phys < base)
		return 0;
	return !kho_mem_check_ram(w->mem, phys, (end - first) << shift);
}

/*
 * Report the runs in words[i..n) (words[i] non-zero): one call per run, a run
 * spanning many words found a word (or four) at a time.
 */
static int walk_runs(struct kho_walk *w, const u64 *words, u64 i, u64 n, u64 base,
		     unsigned int order, int checked)
{
	unsigned int shift = w->page_shift + order;
	u64 x = words[i], start, end;
	int err;

	for (;;) {
		while (!x) {
			i = skip_words(words, n, i + 1, 0);
			if (i >= n)
				return 0;
			x = words[i];
		}
		start = i * 64 + ctz64(x);
		/* The clear bits of word i at or above start. */
		x = ~x & (~(u64)0 << ctz64(x));
		while (!x && (i = skip_words(words, n, i + 1, ~(u64)0)) < n)
			x = ~words[i];
		end = i < n ? i * 64 + ctz64(x) : n * 64;
		err = emit(w, base, start, end - start, order, shift, checked);
		if (err || i >= n)
			return err;
		x = words[i] & (~(u64)0 << ctz64(x));
	}
}

int kho_walk_bitmap(struct kho_walk *w, const u64 *words, u64 nwords, u64 base,
		    unsigned int order)
{
	u64 first = skip_words(words, nwords, 0, 0), last = nwords, lo, hi;

	if (first == nwords)
		return 0;
	if (order > w->max_order)
		return -KHO_E_ORDER;
	while (!words[last - 1])
		last--;
	lo = first * 64 + ctz64(words[first]);
	hi = last * 64 - (u64)__builtin_clzll(words[last - 1]);
	return walk_runs(w, words, first, last, base, order,
			 !extent_in_ram(w, base, lo, hi, order));
}

void *kho_alloc_map_page(const struct kho_mem *mem, unsigned int page_shift,
			 const struct kho_page_alloc *pa, struct kho_rmap *seen,
			 u64 *phys, int *err)
{
	u64 size = (u64)1 << page_shift;
	void *p;
	int e;

	if (!pa || !pa->alloc) {
		*err = -KHO_E_NOMEM;
		return NULL;
	}
	e = pa->alloc(pa->arg, phys);
	if (e) {
		*err = e < 0 ? e : -KHO_E_NOMEM;
		return NULL;
	}
	if (*phys & (size - 1)) {
		*err = -KHO_E_MISALIGNED;
		return NULL;
	}
	p = kho_mem_ptr(mem, *phys, size, err);
	if (!p)
		return NULL;
	if (seen) {
		e = kho_rmap_add_new(seen, *phys, *phys + size, KHO_KIND_MAP, NULL);
		if (e) {
			*err = e == -KHO_E_OVERLAP ? -KHO_E_PROTECTED : e;
			return NULL;
		}
	}
	memset(p, 0, size);
	return p;
}
