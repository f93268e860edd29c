/* SPDX-License-Identifier: MIT */
/* Small AArch64 facts the portable stage asks for: EL, generic timer. */
#include "asm.h"
#include "sysreg.h"

#include <khofw/arch.h>

unsigned int arch_current_el(void)
{
	return arm64_el();
}

void arch_early_init(void)
{
	/* Instruction fetches may be cached with the MMU off: faster until then. */
	write_elx(read_elx(sctlr) | SCTLR_I, sctlr);
	isb();
}

uint64_t arch_counter(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

uint64_t arch_counter_freq(void)
{
	return read_sysreg(cntfrq_el0) & 0xffffffff;
}
