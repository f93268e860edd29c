/* SPDX-License-Identifier: MIT */
/*
 * Data cache maintenance: by VA to the point of coherency (the line size from
 * CTR_EL0.DminLine), and by set/way over every level up to the LoC for the
 * hand-over to Linux. The set/way loop uses registers only, so it can run while
 * the caches are being turned off.
 */
#include "asm.h"

/* x2 = smallest D-cache line in bytes, x3 = x2 - 1. */
.macro dline
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4
	mov	x2, #4
	lsl	x2, x2, x3
	sub	x3, x2, #1
.endm

func arch_dcache_line
	dline
	mov	x0, x2
	ret
endfunc arch_dcache_line

/* void arch_clean_inval_poc(uintptr_t start, size_t len) */
func arch_clean_inval_poc
	add	x1, x0, x1
	dline
	bic	x0, x0, x3
1:	cmp	x0, x1
	b.hs	2f
	dc	civac, x0
	add	x0, x0, x2
	b	1b
2:	dsb	sy
	ret
endfunc arch_clean_inval_poc

/*
 * void arch_inval_poc(uintptr_t start, size_t len)
 * Lines only partly inside the range are cleaned as well, so bytes next to the
 * buffer that share its first or last line are not lost.
 */
func arch_inval_poc
	add	x1, x0, x1
	dline
	tst	x0, x3
	b.eq	1f
	bic	x0, x0, x3
	dc	civac, x0
	add	x0, x0, x2
1:	tst	x1, x3
	b.eq	2f
	bic	x4, x1, x3
	cmp	x4, x0
	b.lo	2f
	dc	civac, x4
	mov	x1, x4
2:	cmp	x0, x1
	b.hs	3f
	dc	ivac, x0
	add	x0, x0, x2
	b	2b
3:	dsb	sy
	ret
endfunc arch_inval_poc

/*
 * Clean and invalidate every data/unified cache level up to the LoC by set/way.
 * Clobbers x0-x11; uses no memory.
 */
func arm64_dcache_clean_inval_all
	dsb	sy
	mrs	x0, clidr_el1
	ubfx	x3, x0, #24, #3		/* LoC */
	lsl	x3, x3, #1		/* as level << 1, CSSELR's layout */
	mov	x10, #0
1:	cmp	x10, x3
	b.hs	5f
	add	x2, x10, x10, lsr #1	/* 3 * level */
	lsr	x1, x0, x2
	and	x1, x1, #7		/* Ctype: 2 and up have a data cache */
	cmp	x1, #2
	b.lo	4f
	msr	csselr_el1, x10
	isb
	mrs	x1, ccsidr_el1
	and	x2, x1, #7
	add	x2, x2, #4		/* log2(line bytes) */
	ubfx	x4, x1, #3, #10		/* ways - 1 */
	clz	w5, w4			/* way field position */
	ubfx	x7, x1, #13, #15	/* sets - 1 */
2:	mov	x9, x4
3:	lsl	x6, x9, x5
	orr	x11, x10, x6
	lsl	x6, x7, x2
	orr	x11, x11, x6
	dc	cisw, x11
	subs	x9, x9, #1
	b.ge	3b
	subs	x7, x7, #1
	b.ge	2b
4:	add	x10, x10, #2
	b	1b
5:	msr	csselr_el1, xzr
	dsb	sy
	isb
	ret
endfunc arm64_dcache_clean_inval_all
