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

#endif
