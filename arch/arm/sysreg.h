/* SPDX-License-Identifier: MIT */
/*
 * CP15 access for the AArch32 stage. The stage runs in the mode it was entered
 * in (SVC, or HYP so that Linux can be entered in HYP again), so the MMU
 * registers come in two sets: the PL1 ones (SCTLR, TTBCR, TTBR0, MAIR0) and
 * the HYP ones (HSCTLR, HTCR, HTTBR, HMAIR0).
 */
#ifndef ARM_SYSREG_H
#define ARM_SYSREG_H

#include "asm.h"

#include <stdint.h>

#define read_cp32(op1, crn, crm, op2)                                                    \
	({                                                                               \
		uint32_t __v;                                                            \
		__asm__ volatile("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2      \
				 : "=r"(__v));                                           \
		__v;                                                                     \
	})

#define write_cp32(v, op1, crn, crm, op2)                                                \
	__asm__ volatile("mcr p15, " #op1 ", %0, " #crn ", " #crm ", " #op2              \
			 :                                                               \
			 : "r"((uint32_t)(v))                                            \
			 : "memory")

#define read_cp64(op1, crm)                                                              \
	({                                                                               \
		uint32_t __lo, __hi;                                                     \
		__asm__ volatile("mrrc p15, " #op1 ", %0, %1, " #crm                     \
				 : "=r"(__lo), "=r"(__hi));                              \
		(uint64_t) __hi << 32 | __lo;                                            \
	})

#define write_cp64(v, op1, crm)                                                          \
	__asm__ volatile("mcrr p15, " #op1 ", %0, %1, " #crm                             \
			 :                                                               \
			 : "r"((uint32_t)(v)), "r"((uint32_t)((uint64_t)(v) >> 32))      \
			 : "memory")

#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb() __asm__ volatile("dsb sy" : : : "memory")

static inline uint32_t arm_mode(void)
{
	uint32_t cpsr;

	__asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
	return cpsr & PSR_MODE_MASK;
}

static inline int arm_in_hyp(void)
{
	return arm_mode() == PSR_MODE_HYP;
}

/* SCTLR of the running mode: HSCTLR in HYP. */
static inline uint32_t arm_read_sctlr(void)
{
	return arm_in_hyp() ? read_cp32(4, c1, c0, 0) : read_cp32(0, c1, c0, 0);
}

static inline void arm_write_sctlr(uint32_t v)
{
	if (arm_in_hyp())
		write_cp32(v, 4, c1, c0, 0);
	else
		write_cp32(v, 0, c1, c0, 0);
	isb();
}

#endif /* ARM_SYSREG_H */
