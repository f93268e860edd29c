/* SPDX-License-Identifier: MIT */
/*
 * AArch64 stage 1 translation tables, 4 KiB granule, identity map: a pure C
 * builder (no system registers) so the host unit tests run it as is.
 *
 * Tables come from a caller's page-aligned pool. Table descriptors hold the pool
 * addresses as this program sees them: physical on the identity-mapped stage,
 * host addresses in the tests (both fit the 48-bit output address).
 */
#ifndef ARM64_PGTABLE_H
#define ARM64_PGTABLE_H

#include <khofw/arch.h>
#include <stddef.h>
#include <stdint.h>

#define PGT_PAGE_SHIFT 12
#define PGT_PAGE_SIZE (1ull << PGT_PAGE_SHIFT)
#define PGT_ENTRIES 512

/* MAIR indexes and their attributes. */
#define PGT_MAIR_DEVICE 0 /* Device-nGnRE */
#define PGT_MAIR_NC 1	  /* Normal, inner/outer non-cacheable */
#define PGT_MAIR_WB 2	  /* Normal, inner/outer write-back, read/write-allocate */
#define PGT_MAIR_VALUE 0xff4404ull

/* Descriptor bits. */
#define PGT_VALID (1ull << 0)
#define PGT_TABLE (1ull << 1) /* levels 0-2: table; level 3: page */
#define PGT_ATTRIDX(i) ((uint64_t)(i) << 2)
#define PGT_ATTRIDX_OF(d) (((d) >> 2) & 7)
#define PGT_AP1 (1ull << 6) /* RES1 in the one-range (EL2 non-VHE) regime */
#define PGT_SH_INNER (3ull << 8)
#define PGT_AF (1ull << 10)
#define PGT_PXN (1ull << 53)
#define PGT_XN (1ull << 54) /* UXN in two-range regimes */
#define PGT_ADDR_MASK 0x0000fffffffff000ull

struct arm64_pgt {
	uint64_t *root;
	uint64_t *pool;
	size_t pages; /* pool size in pages */
	size_t used;  /* pages handed out, the root included */
	unsigned int va_bits;
	unsigned int start_level; /* 1 for 39-bit VA, 0 for 48-bit */
	int one_range;		  /* EL2 without VHE: AP[1] RES1, no PXN bit */
};

/*
 * Start empty tables for an identity map of va_bits (39 or 48) in the pool
 * [pool, pool+size). one_range selects the EL2 (non-VHE) descriptor format.
 * Errors: -KHO_E_INVAL (va_bits), -KHO_E_MISALIGNED (pool not page aligned),
 * -KHO_E_NOMEM (not even one page).
 */
int arm64_pgt_init(struct arm64_pgt *t, void *pool, size_t size, unsigned int va_bits,
		   int one_range);

/*
 * Identity-map [base, base+size) with attr, over whatever was mapped there:
 * blocks (1 GiB, 2 MiB) where alignment allows, pages elsewhere; a block only
 * partly overridden is split first, keeping its attributes for the rest.
 * Errors: -KHO_E_INVAL (size 0, unknown attr, end beyond the VA range),
 * -KHO_E_MISALIGNED (base or size not 4 KiB aligned), -KHO_E_WRAP,
 * -KHO_E_NOMEM (the pool ran out; the tables are then incomplete).
 */
int arm64_pgt_map(struct arm64_pgt *t, uint64_t base, uint64_t size,
		  enum arch_mem_attr attr);

/*
 * The leaf descriptor (block or page) that translates va, and its level in
 * *level; 0 if va is not mapped.
 */
uint64_t arm64_pgt_lookup(const struct arm64_pgt *t, uint64_t va, unsigned int *level);

/* The leaf descriptor's attribute bits for attr, without address or type bits. */
uint64_t arm64_pgt_attrs(enum arch_mem_attr attr, int one_range);

/*
 * TCR value for these tables: T0SZ from va_bits, write-back inner shareable
 * walks, 4 KiB granule, output size from pa_bits (32..48); one_range gives
 * TCR_EL2's non-VHE layout (PS, RES1 bits), else TCR_EL1's (IPS, TTBR1 walks
 * disabled). Returns 0 if pa_bits is not an architected size.
 */
uint64_t arm64_pgt_tcr(unsigned int va_bits, unsigned int pa_bits, int one_range);

/* VA bits needed to identity-map addresses below end: 39 or 48, 0 if over 2^48. */
unsigned int arm64_pgt_va_bits(uint64_t end);

#endif /* ARM64_PGTABLE_H */
