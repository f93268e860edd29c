/* SPDX-License-Identifier: MIT */
/*
 * A stand-in kernel for the hand-over measurement: an arm64 Image header and two
 * instructions that power the machine off (PSCI SYSTEM_OFF over HVC, QEMU virt at
 * EL1), so QEMU exits as soon as the stage has jumped here.
 */
	.section .text, "ax"
	.globl	_start
_start:
	b	1f			/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	4096			/* image_size */
	.quad	2			/* flags: little-endian, 4 KiB pages */
	.quad	0, 0, 0			/* res2-res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */
1:	movz	w0, #0x0008
	movk	w0, #0x8400, lsl #16	/* PSCI 0.2 SYSTEM_OFF */
	hvc	#0
2:	wfi
	b	2b
