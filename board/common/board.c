/* SPDX-License-Identifier: MIT */
/*
 * Weak defaults of the board hooks (include/khofw/board.h): a board overrides
 * what it has. Without a board console nothing is printed.
 */
#include <khofw/board.h>
#include <libfdt.h>

__attribute__((weak)) void board_console_init(const void *dt, int stdout_node,
					      int stdout_parent)
{
	(void)dt;
	(void)stdout_node;
	(void)stdout_parent;
}

__attribute__((weak)) void board_putc(char c)
{
	(void)c;
}

__attribute__((weak)) const void *board_find_dtb(uint64_t x0)
{
	const void *dt = (const void *)(uintptr_t)x0;

	if (!x0 || (x0 & 7) || fdt_magic(dt) != FDT_MAGIC)
		return NULL;
	return dt;
}

__attribute__((weak)) unsigned int board_device_regions(uint64_t *base, uint64_t *size,
							unsigned int max)
{
	(void)base;
	(void)size;
	(void)max;
	return 0;
}
