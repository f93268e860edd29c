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

/* In paint()'s cut: a range of kind and label overlapping is refused too. */
#define STRICT 1u /* bit 0: no range is of kind 0 */

/*
 * Put [start, end) of kind and label in the map, merged with the ranges of kind and
 * label it overlaps or touches. Ranges of a kind in cut (1u << kind; not kind's own:
 * -KHO_E_INVAL) lose their part inside it; any other range overlapping it is
 * -KHO_E_OVERLAP. The ranges it spans are replaced at once by at most three: what is
 * left of the first, the merged range, what is left of the last. The map is
 * unchanged on error. cut comes second so that the public calls, which take the
 * other arguments in the same order, pass them on where they already are.
 */
static int paint(struct kho_rmap *rm, unsigned int cut, u64 start, u64 end,
		 unsigned int kind, const char *label)
{
	const struct kho_range *r = rm->r;
	struct kho_range nw[3];
	unsigned int nr = rm->nr, lo = nr, hi, left = 0, n = 1;
	int d;

	if (bad_range(start, end, kind) || cut >> kind & 1)
		return -KHO_E_INVAL;
	/*
	 * Ranges mostly arrive in ascending order: then there is nothing to scan.
	 * Else the scan starts at the first range ending at or above start.
	 */
	if (nr && start <= r[nr - 1].end)
		lo = start ? kho_rmap_lower_bound(rm, start - 1) : 0;
	/* r[lo..hi): every range overlapping or touching [start, end). */
	for (hi = lo; hi < nr && r[hi].start <= end; hi++)
		if (r[hi].start < end && r[hi].end > start &&
		    (same(&r[hi], kind, label) ? cut & STRICT : !(cut >> r[hi].kind & 1)))
			return -KHO_E_OVERLAP;
	/* nw[0]: what is left of the first range, [1]: the merged one, [2]: the last's.
	 */
	put_range(&nw[1], start, end, kind, label);
	if (lo < hi) {
		/* Only the first and the last range can reach outside [start, end). */
		const struct kho_range *x = &r[lo], *y = &r[hi - 1];

		if (same(x, kind, label)) {
			nw[1].start = x->start < start ? x->start : start;
		} else if (x->start < start) {
			nw[0] = *x; /* x ends at or above start: it touches or overlaps */
			nw[0].end = start;
			left = 1;
		}
		if (same(y, kind, label)) {
			nw[1].end = y->end > end ? y->end : end;
		} else if (y->end > end) {
			nw[2] = *y; /* which starts at or below end */
			nw[2].start = end;
			n++;
		}
	}
	n += left;
	d = (int)(n - (hi - lo));
	if (d > 0 && nr + (unsigned int)d > rm->cap)
		return -KHO_E_NOSPC;
	shift(rm, d > 0 ? hi : lo + n, d);
	memcpy(&rm->r[lo], nw + 1 - left, n * sizeof(*nw));
	return 0;
}

int kho_rmap_add(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
		 const char *label)
{
	return paint(rm, 0, start, end, kind, label);
}

unsigned int kho_rmap_append(struct kho_rmap *rm, const struct kho_run *r, unsigned int n,
			     unsigned int kind)
{
	struct kho_range *x = rm->r + rm->nr, *lim = rm->r + (rm->cap - rm->lo);
	const struct kho_run *p = r, *end_r = r + n;
	u64 last = rm->nr ? x[-1].end : 0;

	if (!kind || kind >= KHO_KIND_COUNT)
		return 0; /* kho_rmap_add() of the first run says why */
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

int kho_rmap_carve_from(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
			const char *label, unsigned int from)
{
	return paint(rm, from & ~STRICT, start, end, kind, label);
}

int kho_rmap_carve(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
		   const char *label)
{
	return paint(rm, 1u << KHO_KIND_SCRATCH, start, end, kind, label);
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
	return paint(rm, STRICT, start, end, kind, label);
}

int kho_rmap_remove(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind)
{
	if (bad_range(start, end, kind))
		return -KHO_E_INVAL;
	for (unsigned int k = kho_rmap_lower_bound(rm, start);
	     k < rm->nr && rm->r[k].start < end; k++) {
		struct kho_range *x = &rm->r[k];

		if (x->kind != kind)
			continue;
		if (x->start < start) {
			if (x->end > end) {
				/* A split: the part above end goes into a new entry. */
				if (rm->nr == rm->cap)
					return -KHO_E_NOSPC;
				shift(rm, k + 1, 1);
				x = &rm->r[k];
				x[1] = *x;
				x[1].start = end;
			}
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
