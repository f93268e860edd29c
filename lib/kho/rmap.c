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

unsigned int kho_rmap_lower_bound(const struct kho_rmap *rm, u64 phys)
{
	unsigned int lo = 0, hi = rm->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		if (rm->r[mid].end <= phys)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
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
 * Open d entries before index k (d > 0; the caller checked nr + d <= cap), or take
 * out the -d entries from index k (d < 0): the shorter side moves. When an opening
 * side's end of the storage has no room, the table first moves to put half of the
 * free entries there (all if few), so the next insertions on that side are cheap
 * again.
 */
static void shift(struct kho_rmap *rm, unsigned int k, int d)
{
	unsigned int t = d < 0 ? k - d : k; /* the side after k starts at t */
	unsigned int back = back_room(rm), free = rm->lo + back;
	int front = k < rm->nr - t;

	if (!d)
		return;
	if (d > 0 && (front ? rm->lo : back) < (unsigned int)d)
		move_table(rm, free >= 2u * d + 16 ? free / 2 : front ? free : 0);
	if (front) {
		memmove(rm->r - d, rm->r, k * sizeof(*rm->r));
		rm->r -= d;
		rm->lo -= d;
	} else {
		memmove(rm->r + t + d, rm->r + t, (rm->nr - t) * sizeof(*rm->r));
	}
	rm->nr += d;
}

int kho_rmap_add(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
		 const char *label)
{
	struct kho_range *r = rm->r;
	unsigned int nr = rm->nr, k = nr, lo = nr, hi = 0;

	if (bad_range(start, end, kind))
		return -KHO_E_INVAL;
	/* Ranges mostly arrive in ascending order: then there is nothing to scan. */
	if (nr && (start < r[nr - 1].end ||
		   (start == r[nr - 1].end && same(&r[nr - 1], kind, label)))) {
		/*
		 * Find the span lo..hi of same-kind ranges to merge, taking in their
		 * ends: no other range lies between, or it would overlap one of them.
		 * The scan starts at the first range ending at or above start.
		 */
		for (k = start ? kho_rmap_lower_bound(rm, start - 1) : 0;
		     k < nr && r[k].start <= end; k++) {
			if (!same(&r[k], kind, label)) {
				if (r[k].start < end && r[k].end > start)
					return -KHO_E_OVERLAP;
				continue;
			}
			if (lo == nr) {
				lo = k;
				start = r[k].start < start ? r[k].start : start;
			}
			if (r[k].end > end)
				end = r[k].end;
			hi = k + 1;
		}
		/* Ranges are never empty: one at most starts at end, after the loop. */
		if (k && r[k - 1].start == end)
			k--;
	}
	if (lo < hi) {
		k = lo;
		shift(rm, lo + 1, (int)(lo + 1 - hi));
	} else if (nr == rm->cap) {
		return -KHO_E_NOSPC;
	} else {
		shift(rm, k, 1);
	}
	put_range(&rm->r[k], start, end, kind, label);
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

/* Does a range of neither kind from nor kind and label overlap [start, end)? */
static int other_there(const struct kho_rmap *rm, u64 start, u64 end, unsigned int from,
		       unsigned int kind, const char *label)
{
	for (unsigned int k = kho_rmap_lower_bound(rm, start);
	     k < rm->nr && rm->r[k].start < end; k++)
		if (rm->r[k].kind != from && !same(&rm->r[k], kind, label))
			return 1;
	return 0;
}

/*
 * Cut [start, end) out of every range of kind from. Inside one such range, the
 * only one there then, [start, end) is put in the hole as kind and label if kind
 * is not 0 (the table moves once): returns 1 then, else 0, or -KHO_E_NOSPC if the
 * split has no room (before anything changed).
 */
static int cut_kind(struct kho_rmap *rm, u64 start, u64 end, unsigned int from,
		    unsigned int kind, const char *label)
{
	for (unsigned int k = kho_rmap_lower_bound(rm, start);
	     k < rm->nr && rm->r[k].start < end; k++) {
		struct kho_range *x = &rm->r[k];
		unsigned int put = kind != 0;

		if (x->kind != from)
			continue;
		if (x->start < start && x->end > end) {
			if (rm->cap - rm->nr < 1 + put)
				return -KHO_E_NOSPC;
			shift(rm, k + 1, 1 + (int)put);
			x = &rm->r[k];
			x[1 + put] = *x;
			x[1 + put].start = end;
			x->end = start;
			if (put)
				put_range(x + 1, start, end, kind, label);
			return (int)put;
		}
		if (x->start < start) {
			x->end = start;
		} else if (x->end > end) {
			x->start = end;
			return 0;
		} else {
			shift(rm, k--, -1);
		}
	}
	return 0;
}

int kho_rmap_carve_from(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
			const char *label, unsigned int from)
{
	if (bad_range(start, end, kind) || kind == from)
		return -KHO_E_INVAL;
	if (other_there(rm, start, end, from, kind, label))
		return -KHO_E_OVERLAP;
	/* Room for the worst case first: the map is unchanged on error. */
	if (rm->nr + 2 > rm->cap)
		return -KHO_E_NOSPC;
	return cut_kind(rm, start, end, from, kind, label)
		       ? 0
		       : kho_rmap_add(rm, start, end, kind, label);
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

/* Kinds firmware may write: scratch, payloads placed in it, CMA pools. */
#define WRITABLE (1u << KHO_KIND_SCRATCH | 1u << KHO_KIND_PAYLOAD | 1u << KHO_KIND_CMA)

int kho_rmap_check_write(const struct kho_rmap *rm, u64 start, u64 end)
{
	if (end < start)
		return -KHO_E_WRAP;
	if (start == end)
		return -KHO_E_INVAL;
	return kho_rmap_kinds(rm, start, end) & ~(WRITABLE | KHO_RMAP_LABELLED)
		       ? -KHO_E_PROTECTED
		       : 0;
}

int kho_rmap_covered(const struct kho_rmap *rm, u64 start, u64 end, unsigned int kind)
{
	const struct kho_range *x = rm->r + kho_rmap_lower_bound(rm, start);
	u64 at = start;

	for (; x < rm->r + rm->nr && at < end; x++) {
		if (x->start > at || x->kind != kind)
			return 0;
		at = x->end;
	}
	return at >= end;
}

int kho_rmap_alloc_scratch(struct kho_rmap *rm, u64 size, u64 align, u64 min,
			   unsigned int kind, const char *label, u64 *phys)
{
	if (!size || !align || (align & (align - 1)))
		return -KHO_E_INVAL;
	for (const struct kho_range *x = rm->r; x < rm->r + rm->nr; x++) {
		u64 from = x->start > min ? x->start : min;
		u64 at = (from + align - 1) & ~(align - 1);

		/* at < from: rounding up wrapped past the top of the address space. */
		if (x->kind == KHO_KIND_SCRATCH && at >= from && at < x->end &&
		    x->end - at >= size) {
			*phys = at;
			return kho_rmap_carve(rm, at, at + size, kind, label);
		}
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

unsigned int kho_rmap_kinds(const struct kho_rmap *rm, u64 start, u64 end)
{
	const struct kho_range *x = rm->r + kho_rmap_lower_bound(rm, start);
	unsigned int kinds = 0;

	for (; x < rm->r + rm->nr && x->start < end; x++)
		kinds |= 1u << x->kind | (x->label != NULL);
	return kinds;
}

int kho_rmap_add_new(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
		     const char *label)
{
	/* kho_rmap_add() reports a bad range, before an overlap. */
	if (!bad_range(start, end, kind) && kho_rmap_overlap_kind(rm, start, end))
		return -KHO_E_OVERLAP;
	return kho_rmap_add(rm, start, end, kind, label);
}

int kho_rmap_remove(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind)
{
	if (bad_range(start, end, kind))
		return -KHO_E_INVAL;
	return cut_kind(rm, start, end, kind, 0, NULL);
}
