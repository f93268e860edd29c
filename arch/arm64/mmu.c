/* SPDX-License-Identifier: MIT */
/*
 * The stage's identity map: tables from pgtable.c, then MAIR/TCR/TTBR0 and SCTLR
 * of the EL the stage runs at. At EL2 without VHE the EL2 regime has one VA range
 * and its own TCR layout; with VHE (HCR_EL2.E2H) TCR_EL2 has the EL1 layout.
 */
#include "asm.h"
#include "pgtable.h"
#include "sysreg.h"

#include <khofw/arch.h>
#include <kho/err.h>

#define HCR_E2H (1ull << 34)

void arm64_mmu_off(void);

static int one_range(void)
{
	return arm64_el() == 2 && !(read_sysreg(hcr_el2) & HCR_E2H);
}

/* Physical address size from ID_AA64MMFR0_EL1.PARange, at most 48 bits. */
static unsigned int pa_bits(void)
{
	static const unsigned char bits[] = { 32, 36, 40, 42, 44, 48 };
	unsigned int r = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	return r < sizeof(bits) ? bits[r] : 48;
}

static uint64_t regions_end(const struct arch_region *regions, unsigned int n)
{
	uint64_t end = 0;

	for (unsigned int i = 0; i < n; i++)
		if (regions[i].base + regions[i].size > end)
			end = regions[i].base + regions[i].size;
	return end;
}

static int build(struct arm64_pgt *t, const struct arch_region *regions, unsigned int n,
		 void *pool, size_t pool_size)
{
	unsigned int va_bits = arm64_pgt_va_bits(regions_end(regions, n));
	int err;

	if (!va_bits)
		return -KHO_E_INVAL;
	err = arm64_pgt_init(t, pool, pool_size, va_bits, one_range());
	for (unsigned int i = 0; !err && i < n; i++)
		err = arm64_pgt_map(t, regions[i].base, regions[i].size, regions[i].attr);
	return err;
}

int arch_mmu_enable(const struct arch_region *regions, unsigned int n, void *pool,
		    size_t pool_size)
{
	struct arm64_pgt t;
	uint64_t tcr;
	int err;

	if (read_elx(sctlr) & SCTLR_M)
		arm64_mmu_off();
	/*
	 * A write-back mapping (ours before, or a previous owner's) may have left
	 * lines over memory now mapped non-cacheable: nothing may hide or later
	 * overwrite what is written there without the cache.
	 */
	for (unsigned int i = 0; i < n; i++)
		if (regions[i].attr == ARCH_MEM_NORMAL_NC)
			arch_clean_inval_poc((uintptr_t)regions[i].base,
					     (size_t)regions[i].size);
	err = build(&t, regions, n, pool, pool_size);
	if (err)
		return err;
	tcr = arm64_pgt_tcr(t.va_bits, pa_bits(), one_range());
	/*
	 * The tables were written with the MMU off, straight to memory, and the
	 * image's lines were invalidated at entry: the walker sees them as written.
	 */
	dsb(sy);
	write_elx(PGT_MAIR_VALUE, mair);
	write_elx(tcr, tcr);
	write_elx((uintptr_t)t.root, ttbr0);
	isb();
	if (arm64_el() == 2)
		__asm__ volatile("tlbi alle2" : : : "memory");
	else
		__asm__ volatile("tlbi vmalle1" : : : "memory");
	dsb(sy);
	isb();
	write_elx((read_elx(sctlr) | SCTLR_M | SCTLR_C | SCTLR_I) & ~(uint64_t)SCTLR_A,
		  sctlr);
	isb();
	return 0;
}
