/* SPDX-License-Identifier: MIT */
/*
 * Data cache maintenance by VA to the point of coherency (the line size from
 * CTR_EL0.DminLine). Set/way maintenance is not used: it is not guaranteed to
 * reach system caches, and it costs a pass over every line of every level.
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
 * Clean and invalidate the stage's writable footprint [__data_start, __image_end)
 * (data, tables, bss, stack, translation tables, page pool: 1.7 MiB) to the PoC by
 * VA, eight lines a step while eight are left. Registers x0-x4 only: it runs
 * while the caches are being turned off.
 */
func arm64_clean_inval_footprint
	adr_l	x0, __data_start
	adr_l	x1, __image_end
	dline
	bic	x0, x0, x3
	lsl	x3, x2, #3
1:	sub	x4, x1, x0
	cmp	x4, x3
	b.lo	2f
	.rept	8
	dc	civac, x0
	add	x0, x0, x2
	.endr
	b	1b
2:	cmp	x0, x1
	b.hs	3f
	dc	civac, x0
	add	x0, x0, x2
	b	2b
3:	dsb	sy
	ret
endfunc arm64_clean_inval_footprint
