/*
 * Park stub: a minimal arm64 "Image" that kexec_file_load accepts as a kernel.
 * Entered like a kernel (MMU off, x0 = the DTB the previous kernel built), it
 * stops the machine at the exact moment a firmware-in-the-middle would run, so
 * the host can dump guest RAM through the QEMU monitor.
 *
 * It reports x0 and its load address on the QEMU virt PL011 (0x09000000),
 * then:
 *  - alone (image_size <= 2 MiB): parks the CPU in a wfe loop for good;
 *  - with a kernel Image appended at +2 MiB by `khot-kexec -s` (image_size
 *    covers it): waits for one byte on the console, then enters that kernel
 *    with the untouched DTB, so one run both captures and completes a handover.
 */
	.equ	UART,		0x09000000
	.equ	UART_DR,	0x00
	.equ	UART_FR,	0x18
	.equ	FR_RXFE,	4
	.equ	FR_TXFF,	5
	.equ	CHAIN_OFFSET,	0x200000

	.text
	.globl	_start
_start:
	b	entry				// code0
	.long	0				// code1
	.quad	0				// text_offset
	.quad	0x10000				// image_size
	.quad	0xa				// flags: LE, 4K pages, any placement
	.quad	0, 0, 0				// res2..res4
	.ascii	"ARM\x64"			// magic
	.long	0				// res5

entry:
	mov	x19, x0				// DTB from the previous kernel
	adr	x20, _start
	mov	x21, #UART
	// Drop older console input: only a byte sent after the banner counts.
7:	ldr	w1, [x21, #UART_FR]
	tbnz	w1, #FR_RXFE, 8f
	ldr	w1, [x21, #UART_DR]
	b	7b
8:	adr	x0, msg_dtb
	bl	puts
	mov	x0, x19
	bl	puthex
	adr	x0, msg_base
	bl	puts
	mov	x0, x20
	bl	puthex
	adr	x0, msg_nl
	bl	puts

	ldr	x1, [x20, #16]			// image_size
	mov	x2, #CHAIN_OFFSET
	cmp	x1, x2
	b.ls	park

	adr	x0, msg_wait
	bl	puts
1:	ldr	w1, [x21, #UART_FR]
	tbnz	w1, #FR_RXFE, 1b
	ldr	w1, [x21, #UART_DR]
	adr	x0, msg_go
	bl	puts
	mov	x0, x19
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	add	x4, x20, #CHAIN_OFFSET
	br	x4

park:
	adr	x0, msg_park
	bl	puts
2:	wfe
	b	2b

/* puts(x0 = NUL-terminated string); clobbers x0-x2 */
puts:
	ldrb	w1, [x0], #1
	cbz	w1, 3f
4:	ldr	w2, [x21, #UART_FR]
	tbnz	w2, #FR_TXFF, 4b
	str	w1, [x21, #UART_DR]
	b	puts
3:	ret

/* puthex(x0): 16 hex digits; clobbers x0-x4 */
puthex:
	mov	x3, x0
	mov	x4, #60
5:	lsr	x1, x3, x4
	and	x1, x1, #0xf
	cmp	x1, #10
	add	x2, x1, #'0'
	add	x1, x1, #('a' - 10)
	csel	x1, x2, x1, lo
6:	ldr	w2, [x21, #UART_FR]
	tbnz	w2, #FR_TXFF, 6b
	str	w1, [x21, #UART_DR]
	subs	x4, x4, #4
	b.ge	5b
	ret

msg_dtb:	.asciz	"\r\nkhotest-park: x0=0x"
msg_base:	.asciz	" base=0x"
msg_nl:		.asciz	"\r\n"
msg_wait:	.asciz	"khotest-park: waiting for a byte on the console to start the chained kernel\r\n"
msg_go:		.asciz	"khotest-park: starting the chained kernel\r\n"
msg_park:	.asciz	"khotest-park: parked\r\n"
