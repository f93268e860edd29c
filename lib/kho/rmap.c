/* SPDX-License-Identifier: MIT */
/* Reservation map: sorted, disjoint, kinded physical ranges in caller storage. */
#include <kho/err.h>
#include <kho/map.h>
#include <kho/rmap.h>
#include <string.h>
#include "strtab.h"

/* Kind names from KHO_KIND_PRESERVED on, in enum order (see strtab.h). */
static const char kind_names[] = "preserved\0map\0meta\0scratch\0firmware\0payload\0"
				 "cma\0no-map\0reserved-memory";
_Static_assert(KHO_KIND_COUNT == 10, "a name per kind");

const char *kho_kind_name(unsigned int kind)
{
	return kind && kind < KHO_KIND_COUNT ? kho_strtab(kind_names, kind - 1) : "?";
}

void kho_rmap_init(struct kho_rmap *rm, struct kho_range *storage, unsigned int cap)
{
	/* A little room in front: insertions below many ranges (scratch under a
	 * hand-over's blocks) do not have to move the whole table first. */
	rm->lo = cap / 32;
	rm->r = storage + rm->lo;
	rm->nr = 0;
	rm->cap = cap;
}

static int same_label(const char *a, const char *b)
{
	if (a == b)
		return 1;
	return a && b && !strcmp(a, b);
}

static int same(const struct kho_range *x, unsigned int kind, const char *label)
{
	return x->kind == kind && same_label(x->label, label);
}

/* First index whose end is >= phys (touching counts). */
static unsigned int first_touching(const struct kho_rmap *rm, u64 phys)
{
	unsigned int lo = 0, hi = rm->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		if (rm->r[mid].end < phys)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

unsigned int kho_rmap_lower_bound(const struct kho_rmap *rm, u64 phys)
{
	unsigned int i = first_touching(rm, phys);

	while (i < rm->nr && rm->r[i].end <= phys)
		i++;
	return i;
}

static int bad_range(u64 start, u64 end, unsigned int kind)
{
	return start >= end || !kind || kind >= KHO_KIND_COUNT;
}

static void put_range(struct kho_range *x, u64 start, u64 end, unsigned int kind,
		      const char *label)
{
	x->start = start;
	x->end = end;
	x->kind = kind;
	x->label = label;
}

int kho_rmap_copy(struct kho_rmap *dst, struct kho_range *storage, unsigned int cap,
		  const struct kho_rmap *src)
{
	if (src->nr > cap)
		return -KHO_E_NOSPC;
	kho_rmap_init(dst, storage, cap);
	if (dst->lo > cap - src->nr) {
		dst->lo = 0;
		dst->r = storage;
	}
	memcpy(dst->r, src->r, src->nr * sizeof(*src->r));
	dst->nr = src->nr;
	return 0;
}

/* Free entries after the last range. */
static unsigned int back_room(const struct kho_rmap *rm)
{
	return rm->cap - rm->lo - rm->nr;
}

/* Move the whole table so that it starts lo entries into its storage. */
static void move_table(struct kho_rmap *rm, unsigned int lo)
{
	struct kho_range *to = rm->r - rm->lo + lo;

	memmove(to, rm->r, rm->nr * sizeof(*to));
	rm->r = to;
	rm->lo = lo;
}

/*
 * Open n entries before index k (the caller checked nr + n <= cap): the shorter
 * side moves. When that side's end of the storage has no room, the table first
 * moves to put half of the free entries there (all if few), so the next
 * insertions on that side are cheap again.
 */
static void open_slots(struct kho_rmap *rm, unsigned int k, unsigned int n)
{
	unsigned int back = back_room(rm), free = rm->lo + back;
	int front = k < rm->nr - k;

	if (front ? rm->lo < n : back < n)
		move_table(rm, free >= 2 * n + 16 ? free / 2 : front ? free : 0);
	if (front) {
		memmove(rm->r - n, rm->r, k * sizeof(*rm->r));
		rm->r -= n;
		rm->lo -= n;
	} else {
		memmove(&rm->r[k + n], &rm->r[k], (rm->nr - k) * sizeof(*rm->r));
	}
	rm->nr += n;
}

/* Take out the n entries from index k: the shorter side moves. */
static void close_slots(struct kho_rmap *rm, unsigned int k, unsigned int n)
{
	if (k < rm->nr - k - n) {
		memmove(rm->r + n, rm->r, k * sizeof(*rm->r));
		rm->r += n;
		rm->lo += n;
	} else {
		memmove(&rm->r[k], &rm->r[k + n], (rm->nr - k - n) * sizeof(*rm->r));
	}
	rm->nr -= n;
}

int kho_rmap_add(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
		 const char *label)
{
	unsigned int i, k, lo, hi;
	struct kho_range *last = rm->nr ? &rm->r[rm->nr - 1] : NULL;

	if (bad_range(start, end, kind))
		return -KHO_E_INVAL;
	/* Fast path: ranges mostly arrive in ascending order. */
	if (!last || start > last->end ||
	    (start == last->end && !same(last, kind, label))) {
		if (rm->nr == rm->cap)
			return -KHO_E_NOSPC;
		open_slots(rm, rm->nr, 1);
		put_range(&rm->r[rm->nr - 1], start, end, kind, label);
		return 0;
	}
	i = first_touching(rm, start);
	lo = hi = rm->nr; /* span of same-kind ranges to merge */
	for (k = i; k < rm->nr && rm->r[k].start <= end; k++) {
		struct kho_range *x = &rm->r[k];
		if (same(x, kind, label)) {
			if (lo == rm->nr)
				lo = k;
			hi = k + 1;
		} else if (x->start < end && x->end > start) {
			return -KHO_E_OVERLAP;
		}
	}
	if (lo == rm->nr) {
		/* Insert before k's first range starting at or after end. */
		for (k = i; k < rm->nr && rm->r[k].start < end; k++)
			;
		if (rm->nr == rm->cap)
			return -KHO_E_NOSPC;
		open_slots(rm, k, 1);
		put_range(&rm->r[k], start, end, kind, label);
		return 0;
	}
	if (rm->r[lo].start < start)
		start = rm->r[lo].start;
	if (rm->r[hi - 1].end > end)
		end = rm->r[hi - 1].end;
	put_range(&rm->r[lo], start, end, kind, label);
	close_slots(rm, lo + 1, hi - lo - 1);
	return 0;
}

unsigned int kho_rmap_append(struct kho_rmap *rm, const struct kho_run *r, unsigned int n,
			     unsigned int kind)
{
	struct kho_range *x = rm->r + rm->nr, *lim = rm->r + (rm->cap - rm->lo);
	const struct kho_run *p = r, *end_r = r + n;
	u64 last = rm->nr ? x[-1].end : 0;

	/* x (the next free entry) and the last end stay in registers. */
	for (; p < end_r; p++) {
		u64 start = p->phys, end = start + p->size;

		if (__builtin_expect(start > last && end > start && x < lim, 1)) {
			put_range(x++, start, end, kind, NULL);
			last = end;
			continue;
		}
		if (end <= start || start < last)
			break;
		if (start == last && x != rm->r) {
			/* Touching the last range: merged if of kind, unlabelled. */
			if (x[-1].kind != kind || x[-1].label)
				break;
			x[-1].end = last = end;
			continue;
		}
		if (x == lim)
			break;
		put_range(x++, start, end, kind, NULL);
		last = end;
	}
	rm->nr = (unsigned int)(x - rm->r);
	return (unsigned int)(p - r);
}

static int carve_check(const struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
		       const char *label, unsigned int from)
{
	for (unsigned int k = kho_rmap_lower_bound(rm, start);
	     k < rm->nr && rm->r[k].start < end; k++)
		if (rm->r[k].kind != from && !same(&rm->r[k], kind, label))
			return -KHO_E_OVERLAP;
	return 0;
}

/*
 * Cut [start, end) out of every range of kind from; room for two more ranges was
 * checked. Inside one such range, [start, end) is put in the hole as kind and label
 * if kind is not 0 (the table moves once): returns 1 then, else 0.
 */
static int cut_kind(struct kho_rmap *rm, u64 start, u64 end, unsigned int from,
		    unsigned int kind, const char *label)
{
	unsigned int k = kho_rmap_lower_bound(rm, start);

	while (k < rm->nr && rm->r[k].start < end) {
		struct kho_range *x = &rm->r[k];

		if (x->kind != from) {
			k++;
		} else if (x->start < start && x->end > end) {
			unsigned int put = kind != 0;
			struct kho_range tail = *x;

			tail.start = end;
			open_slots(rm, k + 1, 1 + put);
			x = &rm->r[k];
			x->end = start;
			if (put)
				put_range(x + 1, start, end, kind, label);
			x[1 + put] = tail;
			return put;
		} else if (x->start < start) {
			x->end = start;
			k++;
		} else if (x->end > end) {
			x->start = end;
			return 0;
		} else {
			close_slots(rm, k, 1);
		}
	}
	return 0;
}

int kho_rmap_carve_from(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
			const char *label, unsigned int from)
{
	int err;

	if (bad_range(start, end, kind) || kind == from)
		return -KHO_E_INVAL;
	err = carve_check(rm, start, end, kind, label, from);
	if (err)
		return err;
	if (rm->nr + 2 > rm->cap)
		return -KHO_E_NOSPC;
	if (cut_kind(rm, start, end, from, kind, label))
		return 0;
	return kho_rmap_add(rm, start, end, kind, label);
}

int kho_rmap_carve(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
		   const char *label)
{
	return kho_rmap_carve_from(rm, start, end, kind, label, KHO_KIND_SCRATCH);
}

const struct kho_range *kho_rmap_find(const struct kho_rmap *rm, u64 phys)
{
	unsigned int k = kho_rmap_lower_bound(rm, phys);

	if (k < rm->nr && rm->r[k].start <= phys)
		return &rm->r[k];
	return NULL;
}

static int writable(unsigned int kind)
{
	return kind == KHO_KIND_SCRATCH || kind == KHO_KIND_PAYLOAD ||
	       kind == KHO_KIND_CMA;
}

int kho_rmap_check_write(const struct kho_rmap *rm, u64 start, u64 end)
{
	if (end < start)
		return -KHO_E_WRAP;
	if (start == end)
		return -KHO_E_INVAL;
	for (unsigned int k = kho_rmap_lower_bound(rm, start);
	     k < rm->nr && rm->r[k].start < end; k++)
		if (!writable(rm->r[k].kind))
			return -KHO_E_PROTECTED;
	return 0;
}

int kho_rmap_covered(const struct kho_rmap *rm, u64 start, u64 end, unsigned int kind)
{
	u64 at = start;

	for (unsigned int k = kho_rmap_lower_bound(rm, start); k < rm->nr && at < end;
	     k++) {
		if (rm->r[k].start > at || rm->r[k].kind != kind)
			return 0;
		at = rm->r[k].end;
	}
	return at >= end;
}

int kho_rmap_alloc_scratch(struct kho_rmap *rm, u64 size, u64 align, u64 min,
			   unsigned int kind, const char *label, u64 *phys)
{
	if (!size || !align || (align & (align - 1)))
		return -KHO_E_INVAL;
	for (unsigned int k = 0; k < rm->nr; k++) {
		const struct kho_range *x = &rm->r[k];
		u64 at = x->start > min ? x->start : min;

		if (x->kind != KHO_KIND_SCRATCH || at >= x->end)
			continue;
		at = (at + align - 1) & ~(align - 1);
		if (at < x->start || at >= x->end || x->end - at < size)
			continue;
		*phys = at;
		return kho_rmap_carve(rm, at, at + size, kind, label);
	}
	return -KHO_E_NOSPC;
}

u64 kho_rmap_total(const struct kho_rmap *rm, unsigned int kind)
{
	u64 t = 0;

	for (unsigned int k = 0; k < rm->nr; k++)
		if (rm->r[k].kind == kind)
			t += rm->r[k].end - rm->r[k].start;
	return t;
}

unsigned int kho_rmap_overlap_kind(const struct kho_rmap *rm, u64 start, u64 end)
{
	unsigned int k = kho_rmap_lower_bound(rm, start);

	return k < rm->nr && rm->r[k].start < end ? rm->r[k].kind : 0;
}

int kho_rmap_add_new(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
		     const char *label)
{
	if (bad_range(start, end, kind))
		return -KHO_E_INVAL;
	if (kho_rmap_overlap_kind(rm, start, end))
		return -KHO_E_OVERLAP;
	return kho_rmap_add(rm, start, end, kind, label);
}

/* Would taking [start, end) out of kind split one range in two? */
static int needs_split(const struct kho_rmap *rm, u64 start, u64 end, unsigned int kind)
{
	const struct kho_range *x = kho_rmap_find(rm, start);

	return x && x->kind == kind && x->start < start && x->end > end;
}

int kho_rmap_remove(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind)
{
	if (bad_range(start, end, kind))
		return -KHO_E_INVAL;
	if (rm->nr == rm->cap && needs_split(rm, start, end, kind))
		return -KHO_E_NOSPC;
	cut_kind(rm, start, end, kind, 0, NULL);
	return 0;
}
