/* SPDX-License-Identifier: MIT */
/*
 * The stage's identity map: LPAE tables from pgtable.c, then MAIR0, TTBCR and
 * TTBR0 (SVC) or HMAIR0, HTCR and HTTBR (HYP), and SCTLR/HSCTLR. The 32-bit
 * VA reaches only the first 4 GiB: a region that extends beyond is mapped up to
 * 4 GiB and the rest stays unmapped (the memory window of the stage must not
 * use it either; see kho_mem_from_dt()).
 */
#include "asm.h"
#include "pgtable.h"
#include "sysreg.h"

#include <khofw/arch.h>
#include <kho/err.h>

void arm_mmu_off(void);

static int build(struct arm_pgt *t, const struct arch_region *regions, unsigned int n,
		 void *pool, size_t pool_size)
{
	int err = arm_pgt_init(t, pool, (uintptr_t)pool, pool_size, arm_in_hyp());

	for (unsigned int i = 0; !err && i < n; i++) {
		uint64_t base = regions[i].base, size = regions[i].size;

		if (size && base + size > base && base + size > APGT_VA_END)
			size = base < APGT_VA_END ? APGT_VA_END - base : 0;
		if (size || !regions[i].size)
			err = arm_pgt_map(t, base, size, regions[i].attr);
	}
	return err;
}

int arch_mmu_enable(const struct arch_region *regions, unsigned int n, void *pool,
		    size_t pool_size)
{
	struct arm_pgt t;
	uint32_t sctlr;
	int err;

	if (arm_read_sctlr() & SCTLR_M)
		arm_mmu_off();
	err = build(&t, regions, n, pool, pool_size);
	if (err)
		return err;
	/*
	 * The tables were written with the MMU off, straight to memory, and the
	 * image's lines were invalidated at entry: the walker sees them as written.
	 */
	dsb();
	if (arm_in_hyp()) {
		write_cp32(APGT_MAIR0_VALUE, 4, c10, c2, 0); /* HMAIR0 */
		write_cp32(0, 4, c10, c2, 1);		     /* HMAIR1 */
		write_cp32(APGT_HTCR_VALUE, 4, c2, c0, 2);   /* HTCR */
		write_cp64(arm_pgt_root(&t), 4, c2);	     /* HTTBR */
		isb();
		write_cp32(0, 4, c8, c7, 0); /* TLBIALLH */
	} else {
		write_cp32(APGT_MAIR0_VALUE, 0, c10, c2, 0); /* MAIR0 */
		write_cp32(0, 0, c10, c2, 1);		     /* MAIR1 */
		write_cp32(APGT_TTBCR_VALUE, 0, c2, c0, 2);  /* TTBCR */
		write_cp64(arm_pgt_root(&t), 0, c2);	     /* TTBR0 */
		isb();
		write_cp32(0, 0, c8, c7, 0); /* TLBIALL */
	}
	dsb();
	isb();
	sctlr = arm_read_sctlr() | SCTLR_M | SCTLR_C | SCTLR_I;
	arm_write_sctlr(sctlr & ~(uint32_t)(SCTLR_A | SCTLR_TE));
	return 0;
}
