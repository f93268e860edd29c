/* SPDX-License-Identifier: MIT */
/* lib/boot internals shared between its files. */
#ifndef BOOT_INTERNAL_H
#define BOOT_INTERNAL_H

#include <boot/boot.h>

/* Bytes a firmware buffer occupies once preserved (DMA: the whole get_order block). */
u64 boot_fw_extent(const struct boot_state *st, const struct boot_fw_buf *b);

/* Preserve the firmware buffers in st->out (log as reserve_mem, DMA as dma-alloc). */
int boot_preserve_fw(struct boot_state *st);

/* The forwarding hand-over into dtb (forward.c). */
int boot_forward_kho(struct boot_state *st, void *dtb);

/* /chosen bootargs and linux,initrd-* for the placed payload. */
int boot_chosen_common(struct boot_state *st, void *dtb);

/* Drop a buffer's firmware mark, right before it is preserved. */
int boot_release_fw(struct boot_state *st, const struct boot_fw_buf *b);

/*
 * Check a forwarded hand-over's dma-alloc entries (each a block the incoming map
 * preserves, aligned, apart from the others) and khofw subtree (each record
 * describing its entry, one per entry). Errors: -KHO_E_BLOB, mem errors.
 */
int boot_dma_take_in(const struct boot_state *st);

/* The incoming dma-alloc entry at phys of size bytes: its index, or -KHO_E_NOT_FOUND. */
int boot_dma_in_find(const struct boot_state *st, u64 phys, u64 size);

/*
 * List every incoming dma-alloc entry, unchanged and in order, in st->out
 * (kho_out_dma_listed()). Errors: those of kho_out_dma_listed(), mem errors.
 */
int boot_dma_forward(struct boot_state *st);

/* Forwarding: the incoming khofw subtree (checked by boot_dma_take_in()), or NULL. */
const void *boot_dma_in_khofw(const struct boot_state *st);

#endif
