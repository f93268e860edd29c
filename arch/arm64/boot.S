/* SPDX-License-Identifier: MIT */
/*
 * Leaving the MMU: used to re-map (arch_mmu_enable() on a running MMU) and to
 * enter Linux per the arm64 boot protocol: MMU and D-cache off, I-cache and TLBs
 * invalidated, x0 = DTB, x1-x3 = 0, same EL. What must reach the PoC is what the
 * stage wrote through the cache: its own footprint, cleaned and invalidated here
 * by VA after SCTLR.C is cleared (nothing here touches memory until then, so no
 * new dirty line appears after), and what it wrote for the kernel, which the
 * caller cleans first (boot_for_each_written()). Lines a previous owner left
 * over other memory are left as a kexec leaves them to Linux: the protocol asks
 * for the image cleaned, and Linux invalidates what it writes with the MMU off.
 */
#include "asm.h"

/* MMU and D-cache off, the footprint clean, TLBs empty. Clobbers x0-x12. */
func arm64_mmu_off
	mov	x12, x30
	branch_if_el2 x0, 1f
	mrs	x0, sctlr_el1
	bic	x0, x0, #SCTLR_M
	bic	x0, x0, #SCTLR_C
	msr	sctlr_el1, x0
	b	2f
1:	mrs	x0, sctlr_el2
	bic	x0, x0, #SCTLR_M
	bic	x0, x0, #SCTLR_C
	msr	sctlr_el2, x0
2:	isb
	bl	arm64_clean_inval_footprint
	ic	iallu
	branch_if_el2 x0, 3f
	tlbi	vmalle1
	b	4f
3:	tlbi	alle2
4:	dsb	sy
	isb
	ret	x12
endfunc arm64_mmu_off

/* void arch_boot_kernel(uint64_t entry, uint64_t dtb) */
func arch_boot_kernel
	msr	daifset, #DAIF_ALL
	mov	x19, x0
	mov	x20, x1
	bl	arm64_mmu_off
	mov	x0, x20
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	br	x19
endfunc arch_boot_kernel

/* void arch_halt(void) */
func arch_halt
	msr	daifset, #DAIF_ALL
1:	wfi
	b	1b
endfunc arch_halt
