/* SPDX-License-Identifier: MIT */
/*
 * Exception vectors: the stage takes no interrupts and expects no exceptions,
 * so all 16 entries save the registers and hand them to arch_exception(), which
 * prints them and halts. The frame layout is struct arch_regs (regs.h).
 */
#include "asm.h"
#include "regs.h"

.macro ventry idx
	.balign	0x80
	sub	sp, sp, #REGS_SIZE
	stp	x0, x1, [sp, #REGS_X]
	mov	x0, #\idx
	b	exception_common
.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.globl	arm64_vectors
arm64_vectors:
	ventry	0	/* current EL, SP0: sync, IRQ, FIQ, SError */
	ventry	1
	ventry	2
	ventry	3
	ventry	4	/* current EL, SPx */
	ventry	5
	ventry	6
	ventry	7
	ventry	8	/* lower EL, AArch64 */
	ventry	9
	ventry	10
	ventry	11
	ventry	12	/* lower EL, AArch32 */
	ventry	13
	ventry	14
	ventry	15

exception_common:
	stp	x2, x3, [sp, #REGS_X + 2 * 8]
	stp	x4, x5, [sp, #REGS_X + 4 * 8]
	stp	x6, x7, [sp, #REGS_X + 6 * 8]
	stp	x8, x9, [sp, #REGS_X + 8 * 8]
	stp	x10, x11, [sp, #REGS_X + 10 * 8]
	stp	x12, x13, [sp, #REGS_X + 12 * 8]
	stp	x14, x15, [sp, #REGS_X + 14 * 8]
	stp	x16, x17, [sp, #REGS_X + 16 * 8]
	stp	x18, x19, [sp, #REGS_X + 18 * 8]
	stp	x20, x21, [sp, #REGS_X + 20 * 8]
	stp	x22, x23, [sp, #REGS_X + 22 * 8]
	stp	x24, x25, [sp, #REGS_X + 24 * 8]
	stp	x26, x27, [sp, #REGS_X + 26 * 8]
	stp	x28, x29, [sp, #REGS_X + 28 * 8]
	add	x1, sp, #REGS_SIZE
	stp	x30, x1, [sp, #REGS_X + 30 * 8]	/* x30, then SP as it was */
	branch_if_el2 x1, 1f
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	mrs	x4, esr_el1
	mrs	x5, far_el1
	b	2f
1:	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	mrs	x4, esr_el2
	mrs	x5, far_el2
2:	stp	x2, x3, [sp, #REGS_ELR]
	stp	x4, x5, [sp, #REGS_ESR]
	lsr	x1, x1, #2
	str	x1, [sp, #REGS_EL]
	mov	x1, x0
	mov	x0, sp
	bl	arch_exception
	b	arch_halt
