/* SPDX-License-Identifier: MIT */
/*
 * PL011 console: polled transmit only. The baud rate and line settings are left
 * as the previous stage (or QEMU) set them.
 */
#include "pl011.h"

#include <kho/dt.h>
#include <kho/err.h>
#include <libfdt.h>

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_CR 0x30
#define FR_TXFF (1u << 5)
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define TX_SPIN_MAX 1000000

static inline uint32_t rd(uint64_t base, unsigned int reg)
{
	return *(volatile uint32_t *)(uintptr_t)(base + reg);
}

static inline void wr(uint64_t base, unsigned int reg, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(base + reg) = v;
}

int pl011_find(const void *dt, int node, int parent, uint64_t *base)
{
	struct kho_cells c;
	const void *reg;
	uint64_t size;
	int len, err;

	if (node < 0 || parent < 0 || fdt_node_check_compatible(dt, node, "arm,pl011")) {
		node = fdt_node_offset_by_compatible(dt, -1, "arm,pl011");
		parent = node >= 0 ? fdt_parent_offset(dt, node) : node;
	}
	if (node < 0 || parent < 0)
		return -KHO_E_NOT_FOUND;
	err = kho_dt_cells(dt, parent, &c);
	if (err)
		return err;
	reg = fdt_getprop(dt, node, "reg", &len);
	if (!reg || len < 4 * (c.addr + c.size))
		return -KHO_E_PROP;
	kho_dt_read_pair(reg, &c, base, &size);
	return 0;
}

void pl011_init(uint64_t base)
{
	uint32_t cr = rd(base, UART_CR);

	if ((cr & (CR_UARTEN | CR_TXE)) != (CR_UARTEN | CR_TXE))
		wr(base, UART_CR, cr | CR_UARTEN | CR_TXE);
}

void pl011_putc(uint64_t base, char c)
{
	for (unsigned int spin = 0; spin < TX_SPIN_MAX; spin++)
		if (!(rd(base, UART_FR) & FR_TXFF))
			break;
	wr(base, UART_DR, (uint32_t)(unsigned char)c);
}
