/* SPDX-License-Identifier: MIT */
/*
 * Entry of the AArch32 stage. A zImage header makes loaders treat the stage as
 * an arm Linux kernel (QEMU -kernel passes r2 = DTB; U-Boot's bootz and
 * kexec-tools read the same fields): it is entered in ARM state with r0 = 0,
 * r1 = machine type, r2 = DTB, MMU and D-cache off, in SVC or HYP mode,
 * anywhere in RAM. Linked at 0 and built position independent, it applies its
 * own R_ARM_RELATIVE relocations here, before any C code can use an absolute
 * pointer. Only registers and the stage's own memory are touched until
 * stage_start().
 */
#include "asm.h"

	.syntax	unified
	.arch_extension virt
	.section .head.text, "ax"
	.arm
	.globl	_start
_start:
	.rept	8
	mov	r0, r0			/* 0x00: the zImage's nop slide */
	.endr
	b	entry			/* 0x20 */
	.word	ZIMAGE_MAGIC		/* 0x24 */
	.word	0			/* 0x28: start, 0 = position independent */
	.word	__file_end - _start	/* 0x2c: end of what the file carries */
	.word	ZIMAGE_ENDIAN		/* 0x30: little endian */
	.word	ZIMAGE_TABLE_MAGIC	/* 0x34: a table follows */
	.word	zimage_table - _start	/* 0x38 */

	/*
	 * What the stage needs beyond its file (bss, stack, pools), as the kernel's
	 * "KLSZ" tag says it for a zImage: a loader keeps it free.
	 */
	.balign	4
zimage_table:
	.word	4			/* tag size in words */
	.word	ZIMAGE_TAG_KLSZ
	.word	image_size - _start	/* where the "decompressed size" is: all of it */
	.word	0			/* "bss size": counted above */
	.word	0			/* end of table */
image_size:
	.word	__image_end - _start	/* file, bss, stack and pools */

	.text
entry:
	cpsid	aif
	mov	r8, r2			/* DTB from the previous stage */
	mrs	r0, cpsr
	and	r0, r0, #PSR_MODE_MASK
	cmp	r0, #PSR_MODE_HYP
	beq	1f
	cmp	r0, #PSR_MODE_USR
	beq	bad_mode		/* no privilege: not a place to boot Linux from */
	cps	#PSR_MODE_SVC

	/*
	 * The previous owner of this memory may have left cache lines over it
	 * (dirty ones over bss could be evicted over our data later): discard
	 * them all before writing with the caches off.
	 */
1:	adr_l	r0, __image_start
	adr_l	r1, __image_end
	bl	inval_range

	adr_l	r0, __bss_start
	adr_l	r1, __bss_end
	mov	r2, #0
	mov	r3, #0
2:	cmp	r0, r1
	stmialo	r0!, {r2, r3}
	blo	2b

	/* Linked at 0: each RELATIVE entry gets the load address added in place. */
	adr_l	r9, _start
	adr_l	r0, __rel_start
	adr_l	r1, __rel_end
3:	cmp	r0, r1
	bhs	4f
	ldmia	r0!, {r2, r3}		/* r_offset, r_info */
	and	r3, r3, #0xff
	cmp	r3, #R_ARM_RELATIVE
	bne	bad_reloc
	ldr	r4, [r2, r9]
	add	r4, r4, r9
	str	r4, [r2, r9]
	b	3b

	/*
	 * Vectors. In HYP every exception stays in HYP, on the stage's stack; in
	 * SVC, aborts and undefined instructions switch to modes with their own
	 * stack pointer: give them one.
	 */
4:	adr_l	r0, arm_vectors
	branch_if_hyp r1, 5f
	adr_l	r1, __exc_stack_end
	cps	#PSR_MODE_ABT
	mov	sp, r1
	cps	#PSR_MODE_UND
	mov	sp, r1
	cps	#PSR_MODE_IRQ
	mov	sp, r1
	cps	#PSR_MODE_FIQ
	mov	sp, r1
	cps	#PSR_MODE_SVC
	mcr	p15, 0, r0, c12, c0, 0	/* VBAR */
	mrc	p15, 0, r1, c1, c0, 0	/* SCTLR: VBAR, ARM-state vectors */
	bic	r1, r1, #SCTLR_V
	bic	r1, r1, #SCTLR_TE
	mcr	p15, 0, r1, c1, c0, 0
	b	6f
5:	mcr	p15, 4, r0, c12, c0, 0	/* HVBAR */
	mrc	p15, 4, r1, c1, c0, 0	/* HSCTLR: ARM-state vectors */
	bic	r1, r1, #SCTLR_TE
	mcr	p15, 4, r1, c1, c0, 0
6:	isb
	adr_l	r0, __stack_end
	mov	sp, r0
	mov	fp, #0
	mov	lr, #0
	mov	r0, r8			/* stage_start(u64 x0): r0 = low word */
	mov	r1, #0
	bl	stage_start
	b	arch_halt

	/* Nothing can print yet: stop where a debugger shows why. */
bad_reloc:
bad_mode:
	wfi
	b	bad_mode

/* Invalidate [r0, r1) to PoC by MVA (DCIMVAC); r0-r3 only, no stack. */
inval_range:
	read_ctr r3
	ubfx	r3, r3, #16, #4		/* DminLine: log2(words) */
	mov	r2, #4
	lsl	r2, r2, r3
	sub	r3, r2, #1
	bic	r0, r0, r3
7:	mcr	p15, 0, r0, c7, c6, 1	/* DCIMVAC */
	add	r0, r0, r2
	cmp	r0, r1
	blo	7b
	dsb	sy
	bx	lr
