/* SPDX-License-Identifier: MIT */
/*
 * The register frame vectors.S saves on an exception and arch_exception() prints.
 * Offsets are shared with the assembler and checked against the struct.
 */
#ifndef ARM64_REGS_H
#define ARM64_REGS_H

#define REGS_X 0	  /* x0..x30 */
#define REGS_SP (31 * 8)  /* SP before the exception */
#define REGS_ELR (32 * 8) /* then ELR, SPSR, ESR, FAR, EL */
#define REGS_SPSR (33 * 8)
#define REGS_ESR (34 * 8)
#define REGS_FAR (35 * 8)
#define REGS_EL (36 * 8)
#define REGS_SIZE (38 * 8) /* 16-byte multiple: SP stays aligned */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct arch_regs {
	uint64_t x[31];
	uint64_t sp;
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
	uint64_t el;
	uint64_t pad;
};

_Static_assert(offsetof(struct arch_regs, sp) == REGS_SP, "regs: sp");
_Static_assert(offsetof(struct arch_regs, elr) == REGS_ELR, "regs: elr");
_Static_assert(offsetof(struct arch_regs, spsr) == REGS_SPSR, "regs: spsr");
_Static_assert(offsetof(struct arch_regs, esr) == REGS_ESR, "regs: esr");
_Static_assert(offsetof(struct arch_regs, far) == REGS_FAR, "regs: far");
_Static_assert(offsetof(struct arch_regs, el) == REGS_EL, "regs: el");
_Static_assert(sizeof(struct arch_regs) == REGS_SIZE, "regs: size");

/* Called by vectors.S with the saved frame and the vector index (0..15). */
void __attribute__((noreturn))
arch_exception(const struct arch_regs *r, unsigned int vector);
#endif

#endif /* ARM64_REGS_H */
