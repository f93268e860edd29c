/* SPDX-License-Identifier: MIT */
/*
 * DMA buffers across the hand-over (lib/boot/dma.c): the rules for a device's
 * buffer the firmware hands to the next kernel, and the khofw subtree that
 * records how each allocation was made (docs/dma.md).
 *
 * - A buffer of size bytes is preserved as one naturally aligned block of
 *   1 << get_order(size) pages (struct dma_alloc_ser in the "dma-alloc" blob),
 *   never size >> PAGE_SHIFT pages, never zero.
 * - Each allocation is also listed in the "khofw" sub-blob, an FDT page
 *   (preserved as order 0): phys, size, order, device path, coherence, DMA
 *   attrs, decrypted state and the mapping the firmware used, so the next kernel
 *   or khotool can check the one against the other.
 * - The set is all or nothing: if any allocation or the subtree fails, none of
 *   them stays preserved and neither blob is listed.
 * - A non-coherent device's buffer is mapped Normal non-cacheable by the stage
 *   over its whole preserved block, with no cacheable alias.
 * - A KHO-preserved buffer is never also no-map in the OS DT: the next kernel
 *   restores it through its linear map.
 * - Forwarding, the incoming dma-alloc entries come first, unchanged, and the
 *   incoming khofw records are carried over with them; a buffer an incoming
 *   entry already holds is adopted, not preserved twice.
 */
#ifndef BOOT_DMA_H
#define BOOT_DMA_H

#include <boot/boot.h>
#include <khofw/arch.h>

/* The khofw sub-blob: an FDT whose root has this compatible. */
#define BOOT_KHOFW_BLOB "khofw"
#define BOOT_KHOFW_COMPATIBLE "khofw-v1"

/* Values of an allocation's "mapping" property. */
#define BOOT_KHOFW_MAP_NC "nc" /* Normal non-cacheable, no cacheable alias */
#define BOOT_KHOFW_MAP_WB "wb" /* Normal write-back (coherent devices) */

/* One allocation as the khofw subtree records it. */
struct boot_khofw_dma {
	const char *name; /* node name (the board DT's buffer node) */
	u64 index;	  /* its entry in the dma-alloc blob */
	u64 phys;
	u64 size;
	u64 order; /* of the preserved block: get_order(size) */
	u64 attrs; /* DMA_ATTR_* */
	u64 coherent;
	u64 decrypted;
	const char *device;  /* DT path of the device */
	const char *mapping; /* BOOT_KHOFW_MAP_* */
};

/*
 * The stage's non-cacheable regions: the whole preserved block (1 <<
 * get_order(size) pages) of every non-coherent DMA buffer, in r[0..max).
 * Returns how many, or -KHO_E_NOSPC.
 */
int boot_dma_nc_regions(const struct boot_state *st, struct arch_region *r,
			unsigned int max);

/*
 * Refuse to hand over by KHO a firmware buffer that the placed DTB's
 * /reserved-memory marks no-map: the next kernel restores preserved memory
 * through its linear map, which no-map removes. Errors: -KHO_E_OVERLAP, DT walk
 * and mem errors.
 */
int boot_dma_check_no_map(const struct boot_state *st);

/*
 * Preserve every DMA firmware buffer in st->out (kho_out_dma_alloc()) but the
 * adopted ones and list them all in the khofw sub-blob, with the incoming records
 * when forwarding, whose page comes from st->out's allocator.
 * All or nothing: on error the allocations made here are undone
 * (kho_out_dma_truncate()), the subtree page is unpreserved and its node
 * removed; the map and the reservation map hold what they held before.
 * Returns the number of allocations made, or the errors of kho_out_dma_alloc(),
 * -KHO_E_NOMEM, -KHO_E_FDT.
 */
int boot_dma_preserve(struct boot_state *st);

/*
 * Read a khofw subtree of size bytes (untrusted: structure, compatible, each
 * property's length, strings terminated) and call fn for each allocation.
 * Returns the number of allocations, or -KHO_E_FDT_HEADER / -KHO_E_FDT_SIZE
 * (structure), -KHO_E_COMPAT, -KHO_E_PROP (a property missing or of the wrong
 * length), or fn's negative return.
 */
int boot_khofw_for_each_dma(const void *blob, u64 size,
			    int (*fn)(void *arg, const struct boot_khofw_dma *d),
			    void *arg);

#endif /* BOOT_DMA_H */
