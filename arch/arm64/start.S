/* SPDX-License-Identifier: MIT */
/*
 * Entry of the AArch64 stage. An arm64 Linux Image header makes QEMU's -kernel
 * and Linux's kexec_file_load() treat the stage as a kernel: it is entered with
 * x0 = DTB, MMU and D-cache off, at EL1 or EL2, anywhere in RAM. Linked at 0 and
 * built position independent, it applies its own R_AARCH64_RELATIVE relocations
 * here, before any C code can use an absolute pointer. Only registers and the
 * stage's own memory are touched until stage_start().
 */
#include "asm.h"

	.section .head.text, "ax"
	.globl	_start
_start:
	b	entry			/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset: any 2 MiB boundary */
	.quad	__image_end - _start	/* image_size, PC-relative: no dynamic reloc */
	.quad	IMAGE_FLAGS		/* LE, 4 KiB pages, anywhere in memory */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.long	IMAGE_MAGIC		/* "ARM\x64" */
	.long	0			/* res5: no PE/COFF header */

	.text
entry:
	msr	daifset, #DAIF_ALL
	mov	x19, x0			/* DTB from the previous stage */

	/*
	 * The previous owner of this memory may have left cache lines over it: a
	 * dirty one could be evicted over what we write with the MMU off, a clean
	 * one would hide it once the MMU is on. Discard them over all we write
	 * before the MMU is on: the image (relocated), bss, the stack and the
	 * translation tables. .noinit and the page pool are first written with
	 * the MMU on, through the cache (stage.lds.S).
	 */
	adr_l	x0, __image_start
	adr_l	x1, __noinit_start
	bl	inval_range
	adr_l	x0, __bss_start
	adr_l	x1, __pgtable_pool_end
	bl	inval_range

	adr_l	x0, __bss_start
	adr_l	x1, __bss_end
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b

	/* Linked at 0: each RELATIVE entry gets the load address added. */
2:	adr	x20, _start
	adr_l	x0, __rela_start
	adr_l	x1, __rela_end
3:	cmp	x0, x1
	b.hs	4f
	ldp	x2, x3, [x0], #16	/* r_offset, r_info */
	ldr	x4, [x0], #8		/* r_addend */
	cmp	w3, #R_AARCH64_RELATIVE
	b.ne	bad_reloc
	add	x4, x4, x20
	str	x4, [x2, x20]
	b	3b

4:	adr_l	x0, __stack_end
	mov	sp, x0
	mov	x29, xzr
	mov	x30, xzr
	adr_l	x0, arm64_vectors
	branch_if_el2 x1, 5f
	cmp	x1, #CURRENT_EL_EL1
	b.ne	bad_el			/* EL3 (or EL0): not a place to boot Linux from */
	msr	vbar_el1, x0
	b	6f
5:	msr	vbar_el2, x0
6:	isb
	mov	x0, x19
	bl	stage_start
	b	arch_halt

	/* Nothing can print yet: stop where a debugger shows why. */
bad_reloc:
bad_el:
	wfi
	b	bad_el

/* Invalidate [x0, x1) to PoC by VA; registers x0-x3 only, no stack. */
inval_range:
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4		/* DminLine: log2(words) */
	mov	x2, #4
	lsl	x2, x2, x3
	sub	x3, x2, #1
	bic	x0, x0, x3
7:	dc	ivac, x0
	add	x0, x0, x2
	cmp	x0, x1
	b.lo	7b
	dsb	sy
	ret
