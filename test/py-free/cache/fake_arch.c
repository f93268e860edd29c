/* SPDX-License-Identifier: MIT */
/* The arch cache hooks over the cache model (fake_arch.h). */
#include "fake_arch.h"

#include <stdio.h>
#include <stdlib.h>

static struct fake_arch *bound;

void fake_arch_bind(struct fake_arch *fa)
{
	bound = fa;
}

static struct fake_arch *cur(void)
{
	if (!bound) {
		fprintf(stderr,
			"fake arch: a cache hook was called with no model bound\n");
		abort();
	}
	if (bound->sync)
		bound->sync(bound->arg);
	return bound;
}

void fake_arch_dsb(void)
{
	cm_dsb(cur()->cm);
}

size_t arch_dcache_line(void)
{
	return cur()->cm->line;
}

void arch_clean_inval_poc(uintptr_t start, size_t len)
{
	struct fake_arch *fa = cur();
	uintptr_t line = fa->cm->line, end = start + len;

	fa->cleans++;
	for (uintptr_t a = start & ~(line - 1); a < end; a += line)
		cm_dc_civac(fa->cm, a);
	/* The prefetcher may refill the lines before the barrier. */
	cm_tick(fa->cm);
	if (!(fa->bugs & FAKE_NO_DSB))
		cm_dsb(fa->cm);
}

void arch_inval_poc(uintptr_t start, size_t len)
{
	struct fake_arch *fa = cur();
	uintptr_t line = fa->cm->line, end = start + len, a = start & ~(line - 1);
	int naive = !!(fa->bugs & FAKE_NAIVE_INVAL);

	fa->invals++;
	for (; a < end; a += line) {
		int partial = a < start || a + line > end;

		if (partial && !naive)
			cm_dc_civac(fa->cm, a);
		else
			cm_dc_ivac(fa->cm, a, start, end);
	}
	cm_tick(fa->cm);
	cm_dsb(fa->cm);
}
