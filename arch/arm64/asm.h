/* SPDX-License-Identifier: MIT */
/*
 * Assembler helpers and the few architectural constants the AArch64 entry, cache
 * and MMU code share with C.
 */
#ifndef ARM64_ASM_H
#define ARM64_ASM_H

#define SCTLR_M (1 << 0)  /* stage 1 MMU */
#define SCTLR_A (1 << 1)  /* alignment checks */
#define SCTLR_C (1 << 2)  /* data cache */
#define SCTLR_I (1 << 12) /* instruction cache */
#define DAIF_ALL 0xf

#define CURRENT_EL_EL1 (1 << 2)
#define CURRENT_EL_EL2 (2 << 2)

#define R_AARCH64_RELATIVE 1027

/* arm64 Image header flags: little endian, 4 KiB pages, anywhere in memory. */
#define IMAGE_FLAG_BE 0
#define IMAGE_FLAG_PAGE_4K (1 << 1)
#define IMAGE_FLAG_PHYS_ANY (1 << 3)
#define IMAGE_FLAGS (IMAGE_FLAG_BE | IMAGE_FLAG_PAGE_4K | IMAGE_FLAG_PHYS_ANY)
#define IMAGE_MAGIC 0x644d5241 /* "ARM\x64" */

#ifdef __ASSEMBLER__
/* clang-format off */
/* reg = the run-time address of sym (position independent: adrp + add). */
.macro adr_l reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
.endm

.macro func name
	.section .text.\name, "ax"
	.globl \name
	.type \name, %function
	.balign 4
\name:
.endm

.macro endfunc name
	.size \name, . - \name
.endm

/* Branch to el2 if running at EL2, else fall through (EL1); clobbers reg. */
.macro branch_if_el2 reg, el2
	mrs	\reg, CurrentEL
	cmp	\reg, #CURRENT_EL_EL2
	b.eq	\el2
.endm
/* clang-format on */
#endif

#endif /* ARM64_ASM_H */
