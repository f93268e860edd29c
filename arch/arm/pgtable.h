/* SPDX-License-Identifier: MIT */
/*
 * AArch32 LPAE (long-descriptor) translation tables, 4 KiB granule, identity
 * map of the 32-bit address space: a pure C builder (no CP15 access) so the host
 * unit tests run it as is, 32- and 64-bit.
 *
 * With TTBCR.T0SZ = 0 the walk starts at level 1 (four 1 GiB entries), then
 * level 2 (2 MiB blocks) and level 3 (4 KiB pages). Tables come from a caller's
 * page-aligned pool whose physical address the caller gives: descriptors hold
 * physical addresses (the stage passes the pool's own, identity-mapped; the
 * tests pass any 40-bit address and read the tables back through the pool).
 */
#ifndef ARM_PGTABLE_H
#define ARM_PGTABLE_H

#include <khofw/arch.h>
#include <stddef.h>
#include <stdint.h>

#define APGT_PAGE_SHIFT 12
#define APGT_PAGE_SIZE (1ull << APGT_PAGE_SHIFT)
#define APGT_ENTRIES 512
#define APGT_L1_ENTRIES 4	 /* 32-bit VA, T0SZ = 0 */
#define APGT_VA_END (1ull << 32) /* identity map: below 4 GiB only */

/* MAIR0 (HMAIR0) indexes and their attributes; MAIR1 is unused (0). */
#define APGT_MAIR_DEVICE 0 /* Device-nGnRE ("Device memory") */
#define APGT_MAIR_NC 1	   /* Normal, inner/outer non-cacheable */
#define APGT_MAIR_WB 2	   /* Normal, inner/outer write-back, read/write-allocate */
#define APGT_MAIR0_VALUE 0x00ff4404u

/* Long-descriptor bits (the same as AArch64 stage 1 where they exist). */
#define APGT_VALID (1ull << 0)
#define APGT_TABLE (1ull << 1) /* levels 1-2: table; level 3: page */
#define APGT_ATTRIDX(i) ((uint64_t)(i) << 2)
#define APGT_ATTRIDX_OF(d) (((d) >> 2) & 7)
#define APGT_AP1 (1ull << 6) /* PL2 (HYP) regime: should be one */
#define APGT_SH_INNER (3ull << 8)
#define APGT_AF (1ull << 10)
#define APGT_PXN (1ull << 53) /* PL1 regime only */
#define APGT_XN (1ull << 54)
#define APGT_ADDR_MASK 0x000000fffffff000ull /* 40-bit output address */
#define APGT_PA_END (1ull << 40)

/* TTBCR (EAE) / HTCR values: T0SZ 0, walks write-back inner shareable. */
#define APGT_TTBCR_WALK ((1u << 8) | (1u << 10) | (3u << 12))
/* TTBCR: EPD1 (no TTBR1 walks), EAE; HTCR: bits 31 and 23 are RES1. */
#define APGT_TTBCR_VALUE (APGT_TTBCR_WALK | (1u << 23) | (1u << 31))
#define APGT_HTCR_VALUE (APGT_TTBCR_WALK | (1u << 23) | (1u << 31))

struct arm_pgt {
	uint64_t *pool;	    /* as this program sees it */
	uint64_t pool_phys; /* as the table walker sees it */
	size_t pages;	    /* pool size in pages */
	size_t used;	    /* pages handed out, the root included */
	int hyp;	    /* PL2 descriptor format: AP[1] one, no PXN */
};

/*
 * Start empty tables in the pool [pool, pool+size), which the walker sees at
 * pool_phys; hyp selects the HYP (PL2) descriptor format. The level-1 table
 * takes the first page (only its first 32 bytes are used). Errors:
 * -KHO_E_MISALIGNED (pool or pool_phys not page aligned), -KHO_E_NOMEM (not even
 * one page), -KHO_E_INVAL (the pool does not fit 40 bits).
 */
int arm_pgt_init(struct arm_pgt *t, void *pool, uint64_t pool_phys, size_t size, int hyp);

/* Physical address of the level-1 table (TTBR0 / HTTBR). */
uint64_t arm_pgt_root(const struct arm_pgt *t);

/*
 * Identity-map [base, base+size) with attr, over whatever was mapped there:
 * 1 GiB or 2 MiB blocks where alignment allows, pages elsewhere; a block only
 * partly overridden is split first, keeping its attributes for the rest.
 * Errors: -KHO_E_INVAL (size 0, unknown attr, end above 4 GiB),
 * -KHO_E_MISALIGNED (base or size not 4 KiB aligned), -KHO_E_WRAP,
 * -KHO_E_NOMEM (the pool ran out; the tables are then incomplete).
 */
int arm_pgt_map(struct arm_pgt *t, uint64_t base, uint64_t size, enum arch_mem_attr attr);

/*
 * The leaf descriptor (block or page) that translates va, and its level (1-3)
 * in *level; 0 if va is not mapped.
 */
uint64_t arm_pgt_lookup(const struct arm_pgt *t, uint64_t va, unsigned int *level);

/* The leaf descriptor's attribute bits for attr, without address or type bits. */
uint64_t arm_pgt_attrs(enum arch_mem_attr attr, int hyp);

#endif /* ARM_PGTABLE_H */
