/* SPDX-License-Identifier: MIT */
/*
 * Exception vectors: the stage takes no interrupts and expects no exceptions,
 * so all eight entries save the registers and hand them to arch_exception(),
 * which prints them and halts. One table serves VBAR (SVC) and HVBAR (HYP):
 * the offsets are the same, and the common code tells the two apart by the
 * mode it runs in. The frame layout is struct arch_regs (regs.h).
 */
#include "asm.h"
#include "regs.h"

	.syntax	unified
	.arch_extension virt

.macro ventry idx
v\idx:
	sub	sp, sp, #REGS_SIZE
	stmia	sp, {r0-r12}
	mov	r0, #\idx
	b	exception_common
.endm

	.section .text.vectors, "ax"
	.arm
	.balign	32
	.globl	arm_vectors
arm_vectors:
	b	v0	/* reset (HYP: unused) */
	b	v1	/* undefined instruction */
	b	v2	/* SVC (HYP: HVC) */
	b	v3	/* prefetch abort */
	b	v4	/* data abort */
	b	v5	/* HYP: hyp trap */
	b	v6	/* IRQ */
	b	v7	/* FIQ */

	ventry	0
	ventry	1
	ventry	2
	ventry	3
	ventry	4
	ventry	5
	ventry	6
	ventry	7

exception_common:
	mrs	r1, cpsr
	and	r2, r1, #PSR_MODE_MASK
	str	r2, [sp, #REGS_MODE]
	cmp	r2, #PSR_MODE_HYP
	beq	1f

	/* PL1 exception mode: the interrupted state is in LR and SPSR. */
	str	lr, [sp, #REGS_RET]
	mrs	r3, spsr
	str	r3, [sp, #REGS_PSR]
	/* SP and LR of the interrupted mode (USR shares them with SYS). */
	and	r4, r3, #PSR_MODE_MASK
	cmp	r4, #PSR_MODE_USR
	moveq	r4, #PSR_MODE_SYS
	bic	r5, r1, #PSR_MODE_MASK
	orr	r5, r5, r4
	msr	cpsr_c, r5
	mov	r6, sp
	mov	r7, lr
	msr	cpsr_c, r1
	str	r6, [sp, #REGS_SP]
	str	r7, [sp, #REGS_LR]
	cmp	r0, #3
	mrceq	p15, 0, r4, c5, c0, 1	/* IFSR */
	mrceq	p15, 0, r5, c6, c0, 2	/* IFAR */
	mrcne	p15, 0, r4, c5, c0, 0	/* DFSR */
	mrcne	p15, 0, r5, c6, c0, 0	/* DFAR */
	b	2f

	/* HYP: ELR_hyp and SPSR_hyp; SP and LR are the ones in use. */
1:	mrs	r3, elr_hyp
	str	r3, [sp, #REGS_RET]
	mrs	r3, spsr
	str	r3, [sp, #REGS_PSR]
	add	r6, sp, #REGS_SIZE
	str	r6, [sp, #REGS_SP]
	str	lr, [sp, #REGS_LR]
	mrc	p15, 4, r4, c5, c2, 0	/* HSR */
	cmp	r0, #3
	mrceq	p15, 4, r5, c6, c0, 2	/* HIFAR */
	mrcne	p15, 4, r5, c6, c0, 0	/* HDFAR */
2:	str	r4, [sp, #REGS_FSR]
	str	r5, [sp, #REGS_FAR]
	mov	r1, r0
	mov	r0, sp
	bl	arch_exception
	b	arch_halt
