/* SPDX-License-Identifier: MIT */
/*
 * System register access for the AArch64 stage. The stage runs at the EL it was
 * entered at (EL1, or EL2 so that Linux can be entered at EL2 again), so the MMU
 * registers are reached through helpers that pick the _EL1 or _EL2 copy.
 */
#ifndef ARM64_SYSREG_H
#define ARM64_SYSREG_H

#include <stdint.h>

#define read_sysreg(r)                                                                   \
	({                                                                               \
		uint64_t __v;                                                            \
		__asm__ volatile("mrs %0, " #r : "=r"(__v));                             \
		__v;                                                                     \
	})

#define write_sysreg(v, r) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)))

#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")

static inline unsigned int arm64_el(void)
{
	return (unsigned int)(read_sysreg(CurrentEL) >> 2) & 3;
}

/* Register _EL1 or _EL2 of the running EL (the stage never runs elsewhere). */
#define read_elx(r) (arm64_el() == 2 ? read_sysreg(r##_el2) : read_sysreg(r##_el1))
#define write_elx(v, r)                                                                  \
	do {                                                                             \
		if (arm64_el() == 2)                                                     \
			write_sysreg(v, r##_el2);                                        \
		else                                                                     \
			write_sysreg(v, r##_el1);                                        \
	} while (0)

#endif /* ARM64_SYSREG_H */
