/* SPDX-License-Identifier: MIT */
/*
 * The register frame vectors.S saves on an exception and arch_exception() prints.
 * Offsets are shared with the assembler and checked against the struct.
 */
#ifndef ARM_REGS_H
#define ARM_REGS_H

#define REGS_R 0	 /* r0..r12 */
#define REGS_SP (13 * 4) /* SP and LR of the interrupted mode */
#define REGS_LR (14 * 4)
#define REGS_RET (15 * 4)  /* LR of the exception mode, or ELR_hyp */
#define REGS_PSR (16 * 4)  /* SPSR: the interrupted CPSR */
#define REGS_FSR (17 * 4)  /* DFSR/IFSR, or HSR in HYP */
#define REGS_FAR (18 * 4)  /* DFAR/IFAR, or HDFAR/HIFAR in HYP */
#define REGS_MODE (19 * 4) /* mode the exception was taken to */
#define REGS_SIZE (20 * 4) /* 8-byte multiple: SP stays aligned */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct arch_regs {
	uint32_t r[13];
	uint32_t sp;
	uint32_t lr;
	uint32_t ret;
	uint32_t psr;
	uint32_t fsr;
	uint32_t far;
	uint32_t mode;
};

_Static_assert(offsetof(struct arch_regs, sp) == REGS_SP, "regs: sp");
_Static_assert(offsetof(struct arch_regs, lr) == REGS_LR, "regs: lr");
_Static_assert(offsetof(struct arch_regs, ret) == REGS_RET, "regs: ret");
_Static_assert(offsetof(struct arch_regs, psr) == REGS_PSR, "regs: psr");
_Static_assert(offsetof(struct arch_regs, fsr) == REGS_FSR, "regs: fsr");
_Static_assert(offsetof(struct arch_regs, far) == REGS_FAR, "regs: far");
_Static_assert(offsetof(struct arch_regs, mode) == REGS_MODE, "regs: mode");
_Static_assert(sizeof(struct arch_regs) == REGS_SIZE, "regs: size");

/* Called by vectors.S with the saved frame and the vector index (0..7). */
void __attribute__((noreturn))
arch_exception(const struct arch_regs *r, unsigned int vector);
#endif

#endif /* ARM_REGS_H */
