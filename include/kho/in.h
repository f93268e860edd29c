/* SPDX-License-Identifier: MIT */
/*
 * Consume a previous kernel's KHO handover: find it through /chosen, validate the
 * KHO FDT, the scratch array, the sub-blobs and the preserved-memory map, and
 * record everything firmware must protect in a reservation map.
 *
 * Flow: kho_in_open() -> kho_in_protect() (or kho_in_walk() / kho_in_for_each_blob()
 * for finer use). Nothing is written to handover memory.
 */
#ifndef KHO_IN_H
#define KHO_IN_H

#include <kho/abi.h>
#include <kho/dt.h>
#include <kho/map.h>
#include <kho/mem.h>
#include <kho/rmap.h>
#include <kho/version.h>

struct kho_in {
	const struct kho_mem *mem;
	unsigned int page_shift;
	enum kho_abi abi;		   /* resolved ABI */
	struct kho_chosen ch;		   /* where /chosen pointed */
	const void *fdt;		   /* the KHO FDT, readable */
	const struct kho_scratch *scratch; /* the scratch array, readable */
	unsigned int nr_scratch;	   /* at most KHO_EARLY_MAP_MAX / 16 */
	u64 map;			   /* preserved-memory-map value */
};

/*
 * Find and validate a handover. hint is KHO_ABI_AUTO or the ABI the caller expects;
 * for "kho-v1" it picks the flavour (bitmap size, whether map 0 is accepted; AUTO
 * guesses the bitmap size from bitmap alignment and accepts 0).
 * page_shift is the page size of the kernels (12 for 4 KiB; v1 requires 12).
 * Errors: kho_dt_get_chosen() errors; -KHO_E_FDT_SIZE, -KHO_E_FDT_ALIGN,
 * -KHO_E_OUTSIDE_RAM, -KHO_E_UNMAPPED, -KHO_E_FDT_HEADER, -KHO_E_COMPAT (also when
 * it differs from a non-AUTO hint), -KHO_E_PROP, -KHO_E_MAP_ZERO, -KHO_E_SCRATCH,
 * -KHO_E_WRAP, -KHO_E_SCRATCH_ALIGN, and for v1 AUTO the map errors of the guess.
 */
int kho_in_open(struct kho_in *in, const void *dt, const struct kho_mem *mem,
		unsigned int page_shift, enum kho_abi hint);

/* As kho_in_open(), for a handover given directly (e.g. x86 setup_data). */
int kho_in_open_at(struct kho_in *in, const struct kho_chosen *ch,
		   const struct kho_mem *mem, unsigned int page_shift, enum kho_abi hint);

/* One sub-blob of the KHO FDT. */
struct kho_blob {
	const char *name;
	u64 phys;
	u64 size;
};

/*
 * Call fn for each sub-blob (child of the root). v1: `fdt` (u64) and the size is
 * the sub-FDT's totalsize; v3/v4: `preserved-data` and `blob-size`, 8 bytes each.
 * Returns the number of blobs or -KHO_E_PROP, -KHO_E_DUP_BLOB, -KHO_E_WRAP,
 * -KHO_E_OUTSIDE_RAM, -KHO_E_BLOB (v1 blob is no FDT), -KHO_E_MISALIGNED (v1 blob
 * not 8-byte aligned), or fn's negative return.
 */
int kho_in_for_each_blob(const struct kho_in *in,
			 int (*fn)(void *arg, const struct kho_blob *b), void *arg);

/*
 * Find a blob by name; only that blob is read. Errors: -KHO_E_NOT_FOUND,
 * -KHO_E_DUP_BLOB (two of that name), and kho_in_for_each_blob()'s for that blob.
 */
int kho_in_find_blob(const struct kho_in *in, const char *name, struct kho_blob *b);

/*
 * Walk the preserved-memory map with w's callbacks (w->mem, page_shift and
 * max_order are filled in from in). Errors: see kho_radix_walk(), kho_v1_walk().
 */
int kho_in_walk(const struct kho_in *in, struct kho_walk *w);

/*
 * Record everything of the handover in rm, checking it against what rm already
 * holds (e.g. the firmware's own image as KHO_KIND_FIRMWARE):
 * the KHO FDT and scratch array (meta), the scratch areas (scratch), the map pages
 * (map), every preserved block (preserved, merged) and any part of a sub-blob the
 * map does not preserve (meta). On error rm may hold part of the handover: the
 * caller must not trust it, and must treat the handover as rejected.
 * Errors: everything kho_in_walk() and kho_in_for_each_blob() return, plus
 * -KHO_E_OVERLAP (scratch over preserved or meta memory, a blob in scratch),
 * -KHO_E_PROTECTED (handover memory over the firmware), -KHO_E_NOSPC.
 */
int kho_in_protect(const struct kho_in *in, struct kho_rmap *rm);

/* Preserved-memory statistics gathered by kho_in_protect(). */
struct kho_in_stats {
	u64 blocks;
	u64 map_pages;
	u64 preserved_bytes;
};
int kho_in_protect_stats(const struct kho_in *in, struct kho_rmap *rm,
			 struct kho_in_stats *st);

struct kho_out;

/*
 * Preserve every block of in's map in out, with its order: what kho_out_preserve()
 * of each block would do (forwarding a handover). When out has a reservation map,
 * in and out share their struct kho_mem and are the same radix ABI, in must have
 * been protected into that map (kho_in_protect(in, out->rm), which records each
 * block as preserved), and the map is merged leaf by leaf (kho_radix_merge()): a
 * cost per leaf, not per block. Otherwise each block goes through
 * kho_out_preserve().
 * Errors: kho_radix_merge() errors (-KHO_E_INVAL: in was not protected into
 * out->rm), kho_in_walk() and kho_out_preserve() errors.
 */
int kho_in_carry(const struct kho_in *in, struct kho_out *out);

#endif /* KHO_IN_H */
