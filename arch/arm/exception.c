/* SPDX-License-Identifier: MIT */
/*
 * What an unexpected exception prints before the stage halts: the vector, the
 * mode it was taken to, r0-r12, SP and LR of the interrupted mode, the PC of the
 * instruction at fault, the interrupted CPSR, and the fault status and address
 * (DFSR/DFAR or IFSR/IFAR in SVC; HSR with its class and HDFAR/HIFAR in HYP).
 */
#include "asm.h"
#include "regs.h"

#include <khofw/arch.h>
#include <stdio.h>

static const char *const vector_name[8] = {
	"reset",      "undefined instruction",
	"SVC/HVC",    "prefetch abort",
	"data abort", "hyp trap",
	"IRQ",	      "FIQ",
};

static const char *mode_name(uint32_t mode)
{
	switch (mode & PSR_MODE_MASK) {
	case PSR_MODE_USR:
		return "USR";
	case PSR_MODE_FIQ:
		return "FIQ";
	case PSR_MODE_IRQ:
		return "IRQ";
	case PSR_MODE_SVC:
		return "SVC";
	case PSR_MODE_ABT:
		return "ABT";
	case PSR_MODE_HYP:
		return "HYP";
	case PSR_MODE_UND:
		return "UND";
	case PSR_MODE_SYS:
		return "SYS";
	}
	return "?";
}

static const char *hsr_class(unsigned int ec)
{
	switch (ec) {
	case 0x00:
		return "unknown / undefined instruction";
	case 0x01:
		return "WFI/WFE";
	case 0x03:
		return "CP15 MCR/MRC";
	case 0x12:
		return "HVC";
	case 0x13:
		return "SMC";
	case 0x20:
	case 0x21:
		return "prefetch abort";
	case 0x24:
	case 0x25:
		return "data abort";
	}
	return "other";
}

/*
 * The instruction at fault: ELR_hyp holds it already; a PL1 exception mode's LR
 * is ahead of it by an amount that depends on the vector and the state.
 */
static uint32_t fault_pc(const struct arch_regs *r, unsigned int vector)
{
	int thumb = (r->psr & PSR_T) != 0;

	if ((r->mode & PSR_MODE_MASK) == PSR_MODE_HYP)
		return r->ret;
	switch (vector) {
	case 1: /* undefined */
	case 2: /* SVC */
		return r->ret - (thumb ? 2 : 4);
	case 4: /* data abort */
		return r->ret - 8;
	default:
		return r->ret - 4;
	}
}

void arch_exception(const struct arch_regs *r, unsigned int vector)
{
	/* A fault while printing a fault: stop at once rather than recurse. */
	static int nested;
	int hyp = (r->mode & PSR_MODE_MASK) == PSR_MODE_HYP;

	if (nested++)
		arch_halt();
	printf("\nkhofw: %s exception in %s mode (from %s)\n", vector_name[vector & 7],
	       mode_name(r->mode), mode_name(r->psr));
	for (unsigned int i = 0; i < 13; i++)
		printf("%sr%-2u %08lx%s", i % 4 ? "  " : " ", i, (unsigned long)r->r[i],
		       i % 4 == 3 ? "\n" : "");
	printf("  sp  %08lx\n", (unsigned long)r->sp);
	printf(" lr  %08lx  pc  %08lx  cpsr %08lx\n", (unsigned long)r->lr,
	       (unsigned long)fault_pc(r, vector), (unsigned long)r->psr);
	if (hyp)
		printf(" hsr %08lx  EC 0x%02x: %s  far %08lx\n", (unsigned long)r->fsr,
		       (unsigned int)(r->fsr >> 26), hsr_class(r->fsr >> 26),
		       (unsigned long)r->far);
	else
		printf(" %s %08lx  %s %08lx\n", vector == 3 ? "ifsr" : "dfsr",
		       (unsigned long)r->fsr, vector == 3 ? "ifar" : "dfar",
		       (unsigned long)r->far);
	printf("khofw: halted\n");
	arch_halt();
}
