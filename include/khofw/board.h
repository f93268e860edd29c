/* SPDX-License-Identifier: MIT */
/*
 * Board hooks. Each board provides these in board/<name>/; weak defaults live in
 * board/common/. The portable stage reaches the console and the platform only
 * through them.
 */
#ifndef KHOFW_BOARD_H
#define KHOFW_BOARD_H

#include <stdint.h>

/*
 * Bring up the console (called once, before anything prints). dt may be NULL;
 * stdout is the node its /chosen/stdout-path names and parent that node's parent
 * (offsets, negative when there is none).
 */
void board_console_init(const void *dt, int stdout_node, int stdout_parent);

/* Write one character to the console (\n is sent as \r\n by the caller). */
void board_putc(char c);

/*
 * The DTB the previous stage gave us: x0 at entry if it holds a valid FDT, else
 * the board's fallback (QEMU virt: the one QEMU places at the start of RAM).
 */
const void *board_find_dtb(uint64_t x0);

/* Device regions (Device-nGnRE) the stage must map: returns how many were written. */
unsigned int board_device_regions(uint64_t *base, uint64_t *size, unsigned int max);

#endif /* KHOFW_BOARD_H */
