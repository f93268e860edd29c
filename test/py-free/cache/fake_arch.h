/* SPDX-License-Identifier: MIT */
/*
 * The cache hooks of <khofw/arch.h> (arch_dcache_line, arch_clean_inval_poc,
 * arch_inval_poc) for host tests, acting on a cache model (cache.h) the way
 * arch/arm64/cache.S acts on the hardware: by VA (= PA) line by line, the line
 * size from the model as CTR_EL0.DminLine, partial first and last lines of an
 * invalidate cleaned, then DSB SY. A bug can be switched on to show the model
 * catching it.
 *
 * The hooks have the arch's fixed signatures, so the model they act on is bound
 * with fake_arch_bind() (one at a time) rather than passed in.
 */
#ifndef KHO_TEST_FAKE_ARCH_H
#define KHO_TEST_FAKE_ARCH_H

#include "cache.h"

#include <khofw/arch.h>

/* Bugs to inject. */
#define FAKE_NO_DSB 0x1u      /* arch_clean_inval_poc() ends without its DSB */
#define FAKE_NAIVE_INVAL 0x2u /* arch_inval_poc() invalidates partial lines too */

struct fake_arch {
	struct cm *cm;
	unsigned int bugs;
	/*
	 * Called first by every hook: replay what the CPU wrote through plain
	 * pointers into the model (cm_sync()), so the operation sees it. Optional.
	 */
	void (*sync)(void *arg);
	void *arg;
	unsigned int cleans, invals; /* calls made */
};

/* The hooks act on fa from now on; NULL unbinds (the hooks then abort). */
void fake_arch_bind(struct fake_arch *fa);

/* The DSB the hooks end with (skipped by arch_clean_inval_poc with FAKE_NO_DSB). */
void fake_arch_dsb(void);

#endif /* KHO_TEST_FAKE_ARCH_H */
