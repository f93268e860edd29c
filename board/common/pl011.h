/* SPDX-License-Identifier: MIT */
/* Polled ARM PL011 UART output, and finding the console one in a DT. */
#ifndef BOARD_PL011_H
#define BOARD_PL011_H

#include <stdint.h>

/*
 * Base of the console PL011: node (the one /chosen/stdout-path names, child of
 * parent) if it is compatible with "arm,pl011", else the first such node. reg is
 * read with the parent's cells; parent ranges are not translated (the UARTs of
 * the boards here sit on the root bus). Returns 0, or -KHO_E_NOT_FOUND (no
 * PL011), -KHO_E_PROP (reg too short), -KHO_E_CELLS.
 */
int pl011_find(const void *dt, int node, int parent, uint64_t *base);

/* Enable the UART and its transmitter if the previous stage left them off. */
void pl011_init(uint64_t base);

/* Send one character (waits, boundedly, for room in the FIFO). */
void pl011_putc(uint64_t base, char c);

#endif /* BOARD_PL011_H */
