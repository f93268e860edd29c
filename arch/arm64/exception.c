/* SPDX-License-Identifier: MIT */
/*
 * What an unexpected exception prints before the stage halts: the kind of
 * vector, every general register, SP, ELR, SPSR, ESR (with its class) and FAR.
 */
#include "regs.h"

#include <khofw/arch.h>
#include <stdio.h>

static const char *const vector_kind[4] = { "synchronous", "IRQ", "FIQ", "SError" };
static const char *const vector_from[4] = { "current EL, SP0", "current EL, SPx",
					    "lower EL, AArch64", "lower EL, AArch32" };

static const char *ec_name(unsigned int ec)
{
	switch (ec) {
	case 0x00:
		return "unknown / undefined instruction";
	case 0x01:
		return "WFI/WFE";
	case 0x0e:
		return "illegal execution state";
	case 0x15:
		return "SVC";
	case 0x16:
		return "HVC";
	case 0x17:
		return "SMC";
	case 0x18:
		return "system register access";
	case 0x20:
	case 0x21:
		return "instruction abort";
	case 0x22:
		return "PC alignment";
	case 0x24:
	case 0x25:
		return "data abort";
	case 0x26:
		return "SP alignment";
	case 0x2f:
		return "SError";
	case 0x3c:
		return "BRK";
	}
	return "other";
}

void arch_exception(const struct arch_regs *r, unsigned int vector)
{
	/* A fault while printing a fault: stop at once rather than recurse. */
	static int nested;
	unsigned int ec = (unsigned int)(r->esr >> 26) & 0x3f;

	if (nested++)
		arch_halt();
	printf("\nkhofw: %s exception (%s) at EL%llu\n", vector_kind[vector & 3],
	       vector_from[(vector >> 2) & 3], (unsigned long long)r->el);
	for (unsigned int i = 0; i < 31; i++)
		printf("%sx%-2u %016llx%s", i % 4 ? "  " : " ", i,
		       (unsigned long long)r->x[i], i % 4 == 3 ? "\n" : "");
	printf("  sp  %016llx\n", (unsigned long long)r->sp);
	printf(" elr %016llx  spsr %08llx  far %016llx\n", (unsigned long long)r->elr,
	       (unsigned long long)r->spsr, (unsigned long long)r->far);
	printf(" esr %08llx  EC 0x%02x: %s\n", (unsigned long long)r->esr, ec,
	       ec_name(ec));
	printf("khofw: halted\n");
	arch_halt();
}
