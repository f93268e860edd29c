/* SPDX-License-Identifier: MIT */
/*
 * Leaving the MMU: used to re-map (arch_mmu_enable() on a running MMU) and to
 * enter Linux per the arm boot protocol: MMU and D-cache off, r0 = 0,
 * r1 = ~0 (no machine type: the DTB describes the machine), r2 = DTB, in the
 * mode the stage runs in (SVC or HYP; Linux installs its HYP stub itself).
 *
 * The order is the one Linux's __soft_restart() uses: clean and invalidate the
 * whole D-cache, turn the caches off, clean and invalidate again (lines the CPU
 * allocated in between), and only then turn the MMU off. From the moment C is
 * cleared until the second clean nothing here touches memory.
 */
#include "asm.h"

	.syntax	unified

/* r0 = SCTLR or HSCTLR of the running mode. */
.macro read_sctlr hyp
	.if \hyp
	mrc	p15, 4, r0, c1, c0, 0
	.else
	mrc	p15, 0, r0, c1, c0, 0
	.endif
.endm

.macro write_sctlr hyp
	.if \hyp
	mcr	p15, 4, r0, c1, c0, 0
	.else
	mcr	p15, 0, r0, c1, c0, 0
	.endif
	isb
.endm

.macro mmu_off hyp
	bl	arm_dcache_clean_inval_all
	read_sctlr \hyp
	bic	r0, r0, #SCTLR_C
	bic	r0, r0, #SCTLR_I
	write_sctlr \hyp
	bl	arm_dcache_clean_inval_all
	read_sctlr \hyp
	bic	r0, r0, #SCTLR_M
	write_sctlr \hyp
	mov	r0, #0
	mcr	p15, 0, r0, c7, c5, 0	/* ICIALLU */
	mcr	p15, 0, r0, c7, c5, 6	/* BPIALL */
	.if \hyp
	mcr	p15, 4, r0, c8, c7, 0	/* TLBIALLH */
	.else
	mcr	p15, 0, r0, c8, c7, 0	/* TLBIALL */
	.endif
	dsb	sy
	isb
.endm

/*
 * MMU and caches off, caches clean, TLBs empty. Callable from C: the registers
 * it saves are pushed before the first clean, so the pops read them back from
 * memory with the caches off.
 */
func arm_mmu_off
	push	{r4-r11, lr}
	branch_if_hyp r0, 1f
	mmu_off 0
	pop	{r4-r11, pc}
1:	mmu_off 1
	pop	{r4-r11, pc}
endfunc arm_mmu_off

/*
 * void arch_boot_kernel(uint64_t entry, uint64_t dtb): entry in r0:r1, dtb in
 * r2:r3 (both below 4 GiB: the high words are ignored). The kernel is entered
 * in ARM state (bit 0 of entry clear), as a zImage expects.
 */
func arch_boot_kernel
	cpsid	aif
	bic	r6, r0, #1
	mov	r7, r2
	bl	arm_mmu_off
	mov	r0, #0
	mvn	r1, #0
	mov	r2, r7
	bx	r6
endfunc arch_boot_kernel

/* void arch_halt(void) */
func arch_halt
	cpsid	aif
1:	wfi
	b	1b
endfunc arch_halt
