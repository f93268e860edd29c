/* SPDX-License-Identifier: MIT */
/*
 * Produce KHO state Linux accepts, into caller-provided memory: the KHO FDT page
 * (itself preserved as order 0), the preserved-memory map (pages from the caller's
 * allocator), sub-blobs (memblock reserve_mem, kexec-metadata, dma-alloc), the
 * scratch array and the /chosen properties of the OS DT.
 *
 * Flow: kho_out_init() -> kho_out_preserve*() / kho_out_reserve_mem() /
 * kho_out_dma_alloc() / kho_out_metadata() / kho_out_add_blob() ->
 * kho_out_scratch() -> kho_out_finish() -> kho_out_chosen().
 */
#ifndef KHO_OUT_H
#define KHO_OUT_H

#include <kho/abi.h>
#include <kho/dt.h>
#include <kho/map.h>
#include <kho/mem.h>
#include <kho/rmap.h>
#include <kho/version.h>

#define KHO_OUT_MAX_DMA 64

struct kho_out {
	const struct kho_mem *mem;
	struct kho_page_alloc pa;
	struct kho_rmap *rm; /* optional: preserved/map/meta recorded and checked here */
	enum kho_abi abi;
	unsigned int page_shift;
	unsigned int max_order; /* kho_abi_max_order() */
	u64 fdt_phys;
	void *fdt;
	u64 map; /* radix root; v1: list head after kho_out_finish() */
	struct kho_v1_builder v1;
	unsigned int nr_resmem; /* nodes in the memblock sub-FDT */
	u64 memblock_phys;	/* page holding the memblock sub-FDT, 0 until needed */
	u64 dma_phys;		/* page holding dma_alloc_ser entries */
	void *memblock;		/* the two pages as this program reaches them */
	void *dma;
	unsigned int nr_dma;
	unsigned int nr_dma_listed; /* the first entries, from kho_out_dma_listed() */
	u64 scratch_phys;
	u64 scratch_len;
};

/*
 * Start a handover of ABI abi (not AUTO) with page size 1 << page_shift. The KHO
 * FDT page and the first map page come from pa; the FDT page is preserved as an
 * order-0 block. rm, if given, receives every preserved block (KHO_KIND_PRESERVED),
 * map page (KHO_KIND_MAP) and blob page as it is made, and any overlap with
 * memory already recorded there fails the call.
 * Errors: -KHO_E_INVAL, -KHO_E_ABI (v1 with pages other than 4 KiB),
 * -KHO_E_NOMEM, -KHO_E_FDT, and the errors of kho_out_preserve().
 */
int kho_out_init(struct kho_out *out, const struct kho_mem *mem, enum kho_abi abi,
		 unsigned int page_shift, const struct kho_page_alloc *pa,
		 struct kho_rmap *rm);

/*
 * Preserve one naturally aligned block of 2^order pages at phys.
 * Errors: -KHO_E_MISALIGNED, -KHO_E_ORDER (over the ABI's maximum),
 * -KHO_E_OUTSIDE_RAM, -KHO_E_WRAP, -KHO_E_OVERLAP/-KHO_E_PROTECTED (rm), map errors.
 * On a map error rm is as it was, except that a block overlapping memory already
 * preserved there stays recorded whole (more is protected, nothing less).
 */
int kho_out_preserve(struct kho_out *out, u64 phys, unsigned int order);

/* Undo kho_out_preserve() of the same block (map pages stay, empty). */
int kho_out_unpreserve(struct kho_out *out, u64 phys, unsigned int order);

/*
 * Preserve [phys, phys+size) split as Linux's kho_preserve_pages() splits it, so
 * kho_restore_pages() finds a head on every block. phys and size must be page
 * aligned, size non-zero. On error nothing of the range stays preserved.
 * Returns the number of blocks, or the errors of kho_out_preserve(), -KHO_E_INVAL.
 */
int kho_out_preserve_range(struct kho_out *out, u64 phys, u64 size);

/*
 * Add a sub-blob. v1: property `fdt` (the blob must be an FDT); v3/v4:
 * `preserved-data` and `blob-size`. The blob's pages are not preserved by this call.
 * Errors: -KHO_E_DUP_BLOB, -KHO_E_INVAL (name), -KHO_E_FDT (no room in the page).
 */
int kho_out_add_blob(struct kho_out *out, const char *name, u64 phys, u64 size);

/*
 * Hand over [start, start+size) as memblock reserve_mem region name (at most 15
 * characters, at most 8 regions): preserved with the kernel's split, and listed in
 * the "memblock" sub-FDT (memblock-v1 / reserve-mem-v1, native start and size).
 * The new kernel revives it given reserve_mem=<size>:<align>:<name>.
 * Errors: -KHO_E_INVAL, -KHO_E_NOSPC (9th region), -KHO_E_DUP_BLOB (name reused),
 * -KHO_E_NOMEM, -KHO_E_FDT, preserve errors.
 */
int kho_out_reserve_mem(struct kho_out *out, const char *name, u64 start, u64 size);

/*
 * List a region that is already preserved (a forwarded hand-over's reserve_mem
 * region) in the memblock sub-FDT without preserving it again. With an rm, the
 * region must be covered by preserved memory there (-KHO_E_PROTECTED if not).
 * Errors: as kho_out_reserve_mem().
 */
int kho_out_reserve_mem_listed(struct kho_out *out, const char *name, u64 start,
			       u64 size);

/*
 * Record kexec-metadata (7.1+): release string and kexec count, in a preserved
 * order-0 page, blob-size 73. Errors: -KHO_E_ABI (v1), -KHO_E_NOMEM, -KHO_E_FDT.
 */
int kho_out_metadata(struct kho_out *out, const char *release, u32 kexec_count);

/*
 * Preserve a dma-direct allocation of size bytes at phys as the dma-direct preserve
 * RFC does: one block of order get_order(size), i.e. 1 << get_order(size) pages,
 * and one struct dma_alloc_ser entry in the "dma-alloc" blob (a preserved page).
 * phys must be aligned to the block. Errors: -KHO_E_INVAL (size 0),
 * -KHO_E_MISALIGNED, -KHO_E_ORDER, -KHO_E_NOSPC (over KHO_OUT_MAX_DMA), -KHO_E_ABI (v1),
 * -KHO_E_OVERLAP (the block overlaps an earlier allocation's), preserve errors.
 * On error nothing of this allocation stays preserved.
 */
int kho_out_dma_alloc(struct kho_out *out, u64 phys, u64 size, u64 attrs, int decrypted);

/*
 * List an allocation that is already preserved (an entry of a forwarded
 * hand-over's dma-alloc blob) in this dma-alloc blob, as it is (all 32 bytes),
 * without preserving its block again. Listed entries come first, before any
 * kho_out_dma_alloc() one, so entry i of the incoming blob is entry i here.
 * With an rm, the whole block (1 << get_order(size) pages) must be covered by
 * preserved memory there. Errors: -KHO_E_INVAL (size 0, or after a
 * kho_out_dma_alloc()), -KHO_E_MISALIGNED, -KHO_E_ORDER, -KHO_E_NOSPC, -KHO_E_ABI
 * (v1), -KHO_E_OVERLAP, -KHO_E_PROTECTED (not preserved in rm), -KHO_E_NOMEM,
 * -KHO_E_FDT. On error the blob is as it was.
 */
int kho_out_dma_listed(struct kho_out *out, const struct dma_alloc_ser *in);

/*
 * Undo the kho_out_dma_alloc() and kho_out_dma_listed() calls after the first
 * keep, newest first: each allocated block is unpreserved with the order it was
 * preserved with (a listed one stays preserved), its entry is cleared, and
 * blob-size shrinks; with keep 0 the dma-alloc blob page is unpreserved and its
 * node removed. Lets a caller make a set of allocations all or nothing.
 * Errors: -KHO_E_INVAL (keep over the count), unpreserve errors.
 */
int kho_out_dma_truncate(struct kho_out *out, unsigned int keep);

/*
 * Remove sub-blob name from the KHO FDT (its pages are not unpreserved here).
 * Errors: -KHO_E_NOT_FOUND, -KHO_E_FDT.
 */
int kho_out_remove_blob(struct kho_out *out, const char *name);

/*
 * Write the scratch array (n entries) at phys, which must lie in RAM and be
 * writable through mem. Zero-size entries are kept. Areas must be aligned to the
 * ABI's scratch alignment, in RAM, and clear of everything recorded in rm.
 * Errors: -KHO_E_SCRATCH (n is 0 or too large), -KHO_E_SCRATCH_ALIGN,
 * -KHO_E_OUTSIDE_RAM, -KHO_E_WRAP, -KHO_E_OVERLAP, -KHO_E_UNMAPPED.
 */
int kho_out_scratch(struct kho_out *out, u64 phys, const struct kho_scratch *areas,
		    unsigned int n);

/* Hand over an existing scratch array (forwarding): nothing is written. */
void kho_out_use_scratch(struct kho_out *out, u64 phys, u64 len);

/*
 * Complete the map (v1: link the chunk list; an empty v1-4k-nz map gets one empty
 * chunk) and write preserved-memory-map. Can be called again after more changes.
 * Errors: -KHO_E_NOMEM, -KHO_E_FDT.
 */
int kho_out_finish(struct kho_out *out);

/*
 * Point the OS DT at this handover: /chosen/linux,kho-fdt = <fdt_phys PAGE_SIZE>,
 * linux,kho-scratch = the array; stale copies are removed. dt needs room.
 * Errors: -KHO_E_INVAL (no scratch array yet), kho_dt_set_chosen() errors.
 */
int kho_out_chosen(const struct kho_out *out, void *dt);

/* get_order(): smallest order with (PAGE_SIZE << order) >= size; size must be > 0. */
unsigned int kho_get_order(u64 size, unsigned int page_shift);

/*
 * The order of the next block of the kernel's greedy split of [pfn, end_pfn):
 * min(ctz(pfn), floor(log2(end_pfn - pfn))). end_pfn must be > pfn.
 */
unsigned int kho_split_order(u64 pfn, u64 end_pfn);

#endif /* KHO_OUT_H */
