/* SPDX-License-Identifier: MIT */
/*
 * QEMU virt (AArch64): RAM from 0x40000000, every device below it, a PL011
 * console (0x09000000 unless the DT says otherwise). QEMU passes the DTB in x0
 * when it boots the stage as a Linux Image, and places it at the start of RAM
 * when it starts the CPU some other way (-device loader, -bios).
 */
#include "../common/pl011.h"

#include <khofw/board.h>
#include <libfdt.h>

#define VIRT_RAM_BASE 0x40000000ull
#define VIRT_UART_DEFAULT 0x09000000ull

/* The console: one UART for the whole stage, found once. */
static uint64_t uart = VIRT_UART_DEFAULT;

void board_console_init(const void *dt, int stdout_node, int stdout_parent)
{
	uint64_t base;

	if (dt && !pl011_find(dt, stdout_node, stdout_parent, &base) &&
	    base < VIRT_RAM_BASE)
		uart = base;
	pl011_init(uart);
}

void board_putc(char c)
{
	pl011_putc(uart, c);
}

static int holds_fdt(uint64_t addr)
{
	return addr >= VIRT_RAM_BASE && !(addr & 7) &&
	       fdt_magic((const void *)(uintptr_t)addr) == FDT_MAGIC;
}

const void *board_find_dtb(uint64_t x0)
{
	if (holds_fdt(x0))
		return (const void *)(uintptr_t)x0;
	if (holds_fdt(VIRT_RAM_BASE))
		return (const void *)(uintptr_t)VIRT_RAM_BASE;
	return NULL;
}

unsigned int board_device_regions(uint64_t *base, uint64_t *size, unsigned int max)
{
	if (!max)
		return 0;
	base[0] = 0;
	size[0] = VIRT_RAM_BASE;
	return 1;
}
