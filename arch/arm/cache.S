/* SPDX-License-Identifier: MIT */
/*
 * Data cache maintenance through CP15: by MVA to the point of coherency (the
 * line size from CTR.DminLine), and by set/way over every level up to the LoC
 * for the hand-over to Linux. The set/way loop uses registers only, so it can
 * run while the caches are being turned off.
 */
#include "asm.h"

	.syntax	unified

/* r2 = smallest D-cache line in bytes, r3 = r2 - 1. */
.macro dline
	read_ctr r3
	ubfx	r3, r3, #16, #4
	mov	r2, #4
	lsl	r2, r2, r3
	sub	r3, r2, #1
.endm

func arch_dcache_line
	dline
	mov	r0, r2
	bx	lr
endfunc arch_dcache_line

/* void arch_clean_inval_poc(uintptr_t start, size_t len) */
func arch_clean_inval_poc
	add	r1, r0, r1
	dline
	bic	r0, r0, r3
1:	cmp	r0, r1
	bhs	2f
	mcr	p15, 0, r0, c7, c14, 1	/* DCCIMVAC */
	add	r0, r0, r2
	b	1b
2:	dsb	sy
	bx	lr
endfunc arch_clean_inval_poc

/*
 * void arch_inval_poc(uintptr_t start, size_t len)
 * Lines only partly inside the range are cleaned as well, so bytes next to the
 * buffer that share its first or last line are not lost.
 */
func arch_inval_poc
	push	{r4}
	add	r1, r0, r1
	dline
	tst	r0, r3
	beq	1f
	bic	r0, r0, r3
	mcr	p15, 0, r0, c7, c14, 1	/* DCCIMVAC */
	add	r0, r0, r2
1:	tst	r1, r3
	beq	2f
	bic	r4, r1, r3
	cmp	r4, r0
	blo	2f
	mcr	p15, 0, r4, c7, c14, 1	/* DCCIMVAC */
	mov	r1, r4
2:	cmp	r0, r1
	bhs	3f
	mcr	p15, 0, r0, c7, c6, 1	/* DCIMVAC */
	add	r0, r0, r2
	b	2b
3:	dsb	sy
	pop	{r4}
	bx	lr
endfunc arch_inval_poc

/*
 * Clean and invalidate every data/unified cache level up to the LoC by set/way
 * (DCCISW). Clobbers r0-r5, r7, r9-r11; uses no memory.
 */
func arm_dcache_clean_inval_all
	dsb	sy
	mrc	p15, 1, r0, c0, c0, 1	/* CLIDR */
	ubfx	r3, r0, #24, #3		/* LoC */
	lsl	r3, r3, #1		/* as level << 1, CSSELR's layout */
	mov	r10, #0
1:	cmp	r10, r3
	bhs	5f
	add	r2, r10, r10, lsr #1	/* 3 * level */
	lsr	r1, r0, r2
	and	r1, r1, #7		/* Ctype: 2 and up have a data cache */
	cmp	r1, #2
	blo	4f
	mcr	p15, 2, r10, c0, c0, 0	/* CSSELR */
	isb
	mrc	p15, 1, r1, c0, c0, 0	/* CCSIDR */
	and	r2, r1, #7
	add	r2, r2, #4		/* log2(line bytes) */
	ubfx	r4, r1, #3, #10		/* ways - 1 */
	clz	r5, r4			/* way field position */
	ubfx	r7, r1, #13, #15	/* sets - 1 */
2:	mov	r9, r4
3:	orr	r11, r10, r9, lsl r5
	orr	r11, r11, r7, lsl r2
	mcr	p15, 0, r11, c7, c14, 2	/* DCCISW */
	subs	r9, r9, #1
	bge	3b
	subs	r7, r7, #1
	bge	2b
4:	add	r10, r10, #2
	b	1b
5:	mov	r10, #0
	mcr	p15, 2, r10, c0, c0, 0	/* CSSELR */
	dsb	sy
	isb
	bx	lr
endfunc arm_dcache_clean_inval_all
