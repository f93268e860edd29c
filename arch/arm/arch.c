/* SPDX-License-Identifier: MIT */
/* Small AArch32 facts the portable stage asks for: mode, generic timer. */
#include "asm.h"
#include "sysreg.h"

#include <khofw/arch.h>

unsigned int arch_current_el(void)
{
	return arm_in_hyp() ? 2 : 1;
}

void arch_early_init(void)
{
	/* Instruction fetches may be cached with the MMU off: faster until then. */
	arm_write_sctlr(arm_read_sctlr() | SCTLR_I);
}

uint64_t arch_counter(void)
{
	isb();
	return read_cp64(0, c14); /* CNTPCT */
}

uint64_t arch_counter_freq(void)
{
	return read_cp32(0, c14, c0, 0); /* CNTFRQ */
}
