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

static int emit(struct kho_walk *w, u64 base, u64 bit, u64 len, unsigned int order)
{
	unsigned int shift = w->page_shift + order;
	u64 phys = base + (bit << shift), size = len << shift;
	int err;

	if (len > (~(u64)0 >> shift) || phys < base)
		return -KHO_E_WRAP;
	err = check_run(w, phys, size, shift);
	if (err)
		return err;
	w->blocks += len;
	return w->block ? w->block(w->arg, phys, size, order) : 0;
}

static unsigned int ctz64(u64 x)
{
	return (unsigned int)__builtin_ctzll(x);
}

int kho_walk_bitmap(struct kho_walk *w, const u64 *words, u64 nwords, u64 base,
		    unsigned int order)
{
	u64 start = 0, len = 0;
	int err;

	for (u64 i = 0; i < nwords; i++) {
		u64 x = words[i];

		if (x && order > w->max_order)
			return -KHO_E_ORDER;
		while (x) {
			unsigned int s = ctz64(x), l;
			u64 rest = x >> s;

			l = ~rest ? ctz64(~rest) : 64 - s;
			if (len && start + len == i * 64 + s) {
				len += l;
			} else {
				if (len && (err = emit(w, base, start, len, order)))
					return err;
				start = i * 64 + s;
				len = l;
			}
			x = s + l >= 64 ? 0 : x & ~((((u64)1 << l) - 1) << s);
		}
	}
	return len ? emit(w, base, start, len, order) : 0;
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
