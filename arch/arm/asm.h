/* SPDX-License-Identifier: MIT */
/*
 * Assembler helpers and the few architectural constants the AArch32 entry, cache
 * and MMU code share with C. The assembler files are ARM (A32) code: the CPU
 * enters the stage, its vectors and Linux in ARM state; the C code is Thumb-2
 * and the linker inserts the interworking branches.
 */
#ifndef ARM_ASM_H
#define ARM_ASM_H

/* CPSR mode field and mask bits. */
#define PSR_MODE_MASK 0x1f
#define PSR_MODE_USR 0x10
#define PSR_MODE_FIQ 0x11
#define PSR_MODE_IRQ 0x12
#define PSR_MODE_SVC 0x13
#define PSR_MODE_ABT 0x17
#define PSR_MODE_HYP 0x1a
#define PSR_MODE_UND 0x1b
#define PSR_MODE_SYS 0x1f
#define PSR_T (1 << 5)
#define PSR_F (1 << 6)
#define PSR_I (1 << 7)
#define PSR_A (1 << 8)

/* SCTLR / HSCTLR bits (the same positions in both). */
#define SCTLR_M (1 << 0)   /* stage 1 MMU */
#define SCTLR_A (1 << 1)   /* alignment checks */
#define SCTLR_C (1 << 2)   /* data cache */
#define SCTLR_I (1 << 12)  /* instruction cache */
#define SCTLR_V (1 << 13)  /* high vectors (SCTLR only) */
#define SCTLR_TE (1 << 30) /* exceptions in Thumb state */

#define R_ARM_RELATIVE 23

/* zImage header (arch/arm/boot/compressed/head.S): what loaders look for. */
#define ZIMAGE_MAGIC 0x016f2818
#define ZIMAGE_ENDIAN 0x04030201
#define ZIMAGE_TABLE_MAGIC 0x45454545
#define ZIMAGE_TAG_KLSZ 0x5a534c4b /* "KLSZ": sizes beyond the file */

#ifdef __ASSEMBLER__
/* clang-format off */
/*
 * reg = the run-time address of sym, position independent: the link-time
 * distance from here (movw/movt) plus the PC.
 */
.macro adr_l reg, sym
	movw	\reg, #:lower16:(\sym - (.Ladr_l\@ + 8))
	movt	\reg, #:upper16:(\sym - (.Ladr_l\@ + 8))
.Ladr_l\@:
	add	\reg, \reg, pc
.endm

.macro func name
	.section .text.\name, "ax"
	.arm
	.globl \name
	.type \name, %function
	.balign 4
\name:
.endm

.macro endfunc name
	.size \name, . - \name
.endm

/* Branch to hyp if the CPU runs in HYP mode; clobbers reg. */
.macro branch_if_hyp reg, hyp
	mrs	\reg, cpsr
	and	\reg, \reg, #PSR_MODE_MASK
	cmp	\reg, #PSR_MODE_HYP
	beq	\hyp
.endm

/* CP15 registers used from assembler. */
.macro read_ctr reg
	mrc	p15, 0, \reg, c0, c0, 1
.endm
/* clang-format on */
#endif

#endif /* ARM_ASM_H */
