/* SPDX-License-Identifier: MIT */
/*
 * The preserved-memory map, in both released formats: the kho-v1 chunk list
 * (6.16-7.0) and the radix tree (7.1-7.3). Readers validate every pointer through
 * a struct kho_mem and report preserved memory as runs: maximal sequences of
 * adjacent blocks of one order, so dense maps cost per leaf word, not per bit.
 * Writers take pages from a caller-provided allocator.
 */
#ifndef KHO_MAP_H
#define KHO_MAP_H

#include <kho/abi.h>
#include <kho/mem.h>
#include <kho/rmap.h>

/* A run of preserved blocks: size bytes from phys. */
struct kho_run {
	u64 phys;
	u64 size;
};

/* How to read a map, and what to do with what is found. */
struct kho_walk {
	const struct kho_mem *mem;
	unsigned int page_shift; /* 12, 14 or 16 (v1: 12 only) */
	unsigned int max_order;	 /* blocks above this order fail with -KHO_E_ORDER */
	/*
	 * Optional. Every map page (table, leaf, chunk, bitmap) is added here as
	 * KHO_KIND_MAP before it is read; a page met twice fails with -KHO_E_CYCLE,
	 * one on protected firmware memory with -KHO_E_PROTECTED, one on other
	 * recorded memory (e.g. the KHO FDT) with -KHO_E_OVERLAP. Without it, the walk
	 * is still bounded by the number of pages in RAM.
	 */
	struct kho_rmap *seen;
	/* Called for each run: size bytes from phys, blocks of 2^order pages. */
	int (*block)(void *arg, u64 phys, u64 size, unsigned int order);
	/*
	 * Optional, replaces block: runs are written to run_buf[0..run_cap) (or, if
	 * run_buf is NULL or run_cap 0, to 64 runs on the walk's stack, 1 KiB) and
	 * handed over n > 0 at a time, all of blocks of 2^order pages: when the array
	 * is full, and when a bitmap ends, before the walk reads another map page.
	 * Runs come in the order block() would see them, and the runs of one bitmap
	 * are maximal: of one call, only the first may touch a run of an earlier
	 * call. A negative return stops the walk with that error; blocks then counts
	 * that call's runs too. Room for 32 runs or more lets the walk take a whole
	 * word's runs at once.
	 */
	int (*runs)(void *arg, const struct kho_run *r, unsigned int n,
		    unsigned int order);
	struct kho_run *run_buf;
	unsigned int run_cap;
	/*
	 * Optional, radix trees only, replaces block and runs: called with each leaf
	 * instead of decoding it (prefix: the key of its bit 0).
	 */
	int (*leaf)(void *arg, u64 prefix, const u64 *bits);
	void *arg;
	/* Filled in by the walk. */
	u64 nodes;  /* map pages read */
	u64 blocks; /* preserved blocks found */
	u64 bytes;  /* and their bytes */
};

/* -------------------------------- radix tree -------------------------------- */

/*
 * Key of a block of 2^order pages at phys: the order bit (64-p-order) OR phys >>
 * (p+order). Returns 0 if phys is not aligned to the block or the key would not fit.
 */
u64 kho_radix_encode(u64 phys, unsigned int order, unsigned int page_shift);

/* Inverse of kho_radix_encode(). Returns -KHO_E_KEY for 0 or too-wide keys. */
int kho_radix_decode(u64 key, unsigned int page_shift, u64 *phys, unsigned int *order);

/* Table index of key at level (1 = just above the leaves) and its leaf bit. */
unsigned int kho_radix_table_index(u64 key, unsigned int level, unsigned int page_shift);
unsigned int kho_radix_bit_index(u64 key, unsigned int page_shift);

/*
 * Walk the tree at root (which must be non-zero). Errors: -KHO_E_MAP_ZERO,
 * -KHO_E_MISALIGNED (node not page aligned), -KHO_E_OUTSIDE_RAM / -KHO_E_UNMAPPED
 * (node or block outside RAM or not readable), -KHO_E_KEY (slot beyond the key
 * width), -KHO_E_ORDER, -KHO_E_WRAP, -KHO_E_CYCLE / -KHO_E_PROTECTED /
 * -KHO_E_OVERLAP (see struct kho_walk), -KHO_E_NOSPC (seen is full), or the
 * block callback's negative return.
 */
int kho_radix_walk(struct kho_walk *w, u64 root);

/* A source of zeroed-by-libkho, page-aligned pages for map structures. */
struct kho_page_alloc {
	/* Return 0 and the phys of one page, or a negative error (-KHO_E_NOMEM). */
	int (*alloc)(void *arg, u64 *phys);
	void *arg;
};

/*
 * Set (value 1) or clear (value 0) key's bit in the tree at *root, allocating the
 * root and missing nodes from pa (each zeroed through mem, and added to seen as
 * KHO_KIND_MAP if seen is given). Errors: -KHO_E_KEY, -KHO_E_NOMEM, any
 * kho_mem_ptr() error for an allocated page, -KHO_E_MISALIGNED.
 */
int kho_radix_set(const struct kho_mem *mem, unsigned int page_shift, u64 *root, u64 key,
		  int value, const struct kho_page_alloc *pa, struct kho_rmap *seen);

/*
 * OR every leaf of the tree at src into the tree at *root (same page size),
 * allocating tables and leaves from pa as kho_radix_set() does and recording them
 * in rm: the result holds every key of both, at a cost per leaf rather than per
 * key. src must have been walked with rm as the walk's seen map (kho_in_protect()),
 * which records every page of it; its root must be recorded there as map (or
 * preserved) memory, else -KHO_E_INVAL. Errors also: those of kho_radix_walk() and
 * kho_radix_set(). On error the leaves merged so far stay merged.
 */
int kho_radix_merge(const struct kho_mem *mem, unsigned int page_shift, u64 *root,
		    u64 src, const struct kho_page_alloc *pa, struct kho_rmap *rm);

/* ------------------------------ v1 chunk list ------------------------------ */

/*
 * Walk the chunk list at head (0 is an empty list). bitmap_bytes is 512 or 4096.
 * Errors as kho_radix_walk(), plus -KHO_E_COUNT (num_elms over 255) and
 * -KHO_E_MISALIGNED (phys_start not aligned to its bitmap's span).
 */
int kho_v1_walk(struct kho_walk *w, u64 head, unsigned int bitmap_bytes);

/*
 * Guess the bitmap size of a v1 list: 512 if any bitmap pointer is not page
 * aligned, else 4096. Returns the size or a walk error (pointers are checked).
 */
int kho_v1_guess_bitmap(const struct kho_mem *mem, u64 head);

/* A chunk list being built: per-order chains, linked in ascending order at the end. */
struct kho_v1_builder {
	unsigned int bitmap_bytes;
	u64 head[KHO_V1_MAX_ORDER + 1];
	u64 tail[KHO_V1_MAX_ORDER + 1];
	u64 bm_page;	      /* page being carved into 512-byte bitmaps */
	unsigned int bm_used; /* bytes of bm_page used */
};

/* An empty list of bitmaps of bitmap_bytes (512 or 4096, as for kho_v1_walk()). */
void kho_v1_builder_init(struct kho_v1_builder *b, unsigned int bitmap_bytes);

/* Set or clear the bit of the block (phys, order). Errors as kho_radix_set(),
 * -KHO_E_ORDER. */
int kho_v1_set(struct kho_v1_builder *b, const struct kho_mem *mem, u64 phys,
	       unsigned int order, int value, const struct kho_page_alloc *pa,
	       struct kho_rmap *seen);

/*
 * Link the chains and return the list head in *head. With empty_chunk set and no
 * entries, allocate one chunk with num_elms 0 (6.19 and 7.0 reject a 0 map).
 */
int kho_v1_finish(struct kho_v1_builder *b, const struct kho_mem *mem, int empty_chunk,
		  const struct kho_page_alloc *pa, struct kho_rmap *seen, u64 *head);

#endif /* KHO_MAP_H */
