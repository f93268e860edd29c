/* SPDX-License-Identifier: MIT */
/*
 * The reservation map: every physical range firmware must not write, and the
 * scratch space it may use, as a sorted list of disjoint ranges with a kind.
 *
 * Ranges of the same kind and label merge. A range that overlaps one of another
 * kind is refused (-KHO_E_OVERLAP), with one exception: kho_rmap_carve() may take
 * a piece out of scratch (scratch is where payloads and the scratch array live).
 * Storage is the caller's; nothing is allocated.
 */
#ifndef KHO_RMAP_H
#define KHO_RMAP_H

#include <kho/abi.h>

struct kho_run;

enum kho_kind {
	KHO_KIND_PRESERVED = 1, /* a block in the preserved-memory map */
	KHO_KIND_MAP,	  /* pages holding the map itself (tree nodes, chunks, bitmaps) */
	KHO_KIND_META,	  /* KHO FDT, scratch array, sub-blobs not otherwise preserved */
	KHO_KIND_SCRATCH, /* scratch area: free for payloads until claimed */
	KHO_KIND_FIRMWARE, /* this firmware's own image, stack, tables */
	KHO_KIND_PAYLOAD,  /* next kernel, initrd, DTB: placed inside scratch */
	KHO_KIND_CMA,	   /* a reusable CMA pool */
	KHO_KIND_NOMAP,	   /* /reserved-memory no-map */
	KHO_KIND_RESERVED, /* other /reserved-memory and /memreserve/ */
	KHO_KIND_COUNT
};

struct kho_range {
	u64 start;
	u64 end; /* exclusive */
	u32 kind;
	const char *label; /* optional, not copied: must outlive the map */
};

/*
 * The ranges are r[0..nr), inside storage of cap entries that starts lo entries
 * before r: an insertion or removal moves the ranges on its shorter side, into
 * free entries at either end, so a table of thousands of preserved blocks above
 * the scratch does not move for each piece carved out of it.
 */
struct kho_rmap {
	struct kho_range *r;
	unsigned int nr;
	unsigned int cap;
	unsigned int lo;
};

/* Short name of a kind ("preserved", "map", "meta", "scratch", ...). */
const char *kho_kind_name(unsigned int kind);

/* Use storage[0..cap) for the map. */
void kho_rmap_init(struct kho_rmap *rm, struct kho_range *storage, unsigned int cap);

/* Make dst a copy of src in storage[0..cap). Errors: -KHO_E_NOSPC (cap < src->nr). */
int kho_rmap_copy(struct kho_rmap *dst, struct kho_range *storage, unsigned int cap,
		  const struct kho_rmap *src);

/*
 * Add [start, end) of kind. Same kind+label ranges that touch or overlap merge.
 * Errors: -KHO_E_INVAL (empty or bad kind), -KHO_E_OVERLAP (another kind is there),
 * -KHO_E_NOSPC (no room; the map is left unchanged).
 */
int kho_rmap_add(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
		 const char *label);

/*
 * kho_rmap_add() of runs r[0..n) in ascending order, all of kind without label,
 * while each lies above the map's last range (or touches it, if that one is of kind
 * without label, and then merges): the common case of a map walk, at a cost per
 * run of an append. Returns how many were added (fewer than n: the next one needs
 * kho_rmap_add(), or the map is full; none if kind is not a kind).
 */
unsigned int kho_rmap_append(struct kho_rmap *rm, const struct kho_run *r, unsigned int n,
			     unsigned int kind);

/*
 * Like kho_rmap_add(), but parts of [start, end) that lie in scratch are taken out
 * of the scratch range(s). Fails with -KHO_E_OVERLAP if any part overlaps a kind
 * other than scratch or the same kind+label. The map is unchanged on error.
 */
int kho_rmap_carve(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
		   const char *label);

/*
 * kho_rmap_carve() taking pieces out of ranges of the kinds in mask from
 * (1u << kind for each) instead of scratch. -KHO_E_INVAL if from holds kind.
 */
int kho_rmap_carve_from(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
			const char *label, unsigned int from);

/*
 * Like kho_rmap_add(), but any overlap, even with the same kind, fails with
 * -KHO_E_OVERLAP (touching ranges still merge). Used to catch a map page met twice.
 */
int kho_rmap_add_new(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
		     const char *label);

/* Kind of the first range overlapping [start, end), or 0 if none. */
unsigned int kho_rmap_overlap_kind(const struct kho_rmap *rm, u64 start, u64 end);

/*
 * The kinds of all ranges overlapping [start, end), as a mask of 1u << kind, plus
 * KHO_RMAP_LABELLED if any of them has a label (0 if none; ranges that only touch
 * [start, end) do not count).
 */
unsigned int kho_rmap_kinds(const struct kho_rmap *rm, u64 start, u64 end);
#define KHO_RMAP_LABELLED 1u /* bit 0: no range is of kind 0 */

/*
 * Take [start, end) out of every range of kind (other kinds are untouched).
 * Errors: -KHO_E_INVAL, -KHO_E_NOSPC (a split needs a free slot).
 */
int kho_rmap_remove(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind);

/* The range containing phys, or NULL. */
const struct kho_range *kho_rmap_find(const struct kho_rmap *rm, u64 phys);

/* Index of the first range with end > phys (nr if none). */
unsigned int kho_rmap_lower_bound(const struct kho_rmap *rm, u64 phys);

/*
 * May firmware write [start, end)? 0 if no range of a protected kind overlaps it
 * (scratch and payload are writable, unlisted memory is free);
 * -KHO_E_PROTECTED otherwise; -KHO_E_WRAP / -KHO_E_INVAL for a bad range.
 */
int kho_rmap_check_write(const struct kho_rmap *rm, u64 start, u64 end);

/* Is [start, end) entirely covered by ranges of kind? */
int kho_rmap_covered(const struct kho_rmap *rm, u64 start, u64 end, unsigned int kind);

/*
 * Place size bytes aligned to align (a power of two) inside scratch, lowest
 * address first, at or above min, and mark them kind (normally payload).
 * Returns 0 and *phys, or -KHO_E_NOSPC (no scratch gap fits), -KHO_E_INVAL.
 */
int kho_rmap_alloc_scratch(struct kho_rmap *rm, u64 size, u64 align, u64 min,
			   unsigned int kind, const char *label, u64 *phys);

/* Sum of the sizes of all ranges of kind. */
u64 kho_rmap_total(const struct kho_rmap *rm, unsigned int kind);

#endif /* KHO_RMAP_H */
