/* SPDX-License-Identifier: MIT */
/* The firmware buffers a board declares in its DT (/firmware/khofw). */
#include <boot/boot.h>
#include "internal.h"
#include <kho/dt.h>
#include <kho/err.h>
#include <libfdt.h>
#include <string.h>

void boot_init(struct boot_state *st, const struct kho_mem *mem,
	       struct kho_range *storage, unsigned int cap, const struct boot_cfg *cfg)
{
	memset(st, 0, sizeof(*st));
	st->mem = mem;
	st->cfg = *cfg;
	if (!st->cfg.page_shift)
		st->cfg.page_shift = 12;
	if (!st->cfg.scratch_scale)
		st->cfg.scratch_scale = 200;
	kho_rmap_init(&st->rm, storage, cap);
}

int boot_protect_firmware(struct boot_state *st, u64 start, u64 end, const char *label)
{
	return kho_rmap_add(&st->rm, start, end, KHO_KIND_FIRMWARE, label);
}

/* Linux's of_dma_is_coherent(): the nearest node that says, else non-coherent. */
static u32 dma_coherent(const void *dt, int node)
{
	for (; node >= 0; node = fdt_parent_offset(dt, node)) {
		if (fdt_getprop(dt, node, "dma-coherent", NULL))
			return 1;
		if (fdt_getprop(dt, node, "dma-noncoherent", NULL))
			return 0;
	}
	return 0;
}

static int read_dma(const void *dt, int node, struct boot_fw_buf *b)
{
	int len, dev;
	const char *path;
	const void *attrs;

	b->kind = BOOT_FW_DMA;
	path = fdt_getprop(dt, node, "khofw,device", &len);
	if (!path || len < 2 || path[len - 1])
		return -KHO_E_PROP;
	dev = fdt_path_offset(dt, path);
	if (dev < 0)
		return -KHO_E_NOT_FOUND;
	b->device = path;
	b->coherent = dma_coherent(dt, dev);
	b->decrypted = fdt_getprop(dt, node, "khofw,dma-decrypted", NULL) != NULL;
	attrs = fdt_getprop(dt, node, "khofw,dma-attrs", &len);
	if (attrs && len == 4)
		b->attrs = fdt32_to_cpu(*(const fdt32_t *)attrs);
	else if (attrs)
		return -KHO_E_PROP;
	return 0;
}

static int read_buf(const struct boot_state *st, const void *dt, int node,
		    const struct kho_cells *c, struct boot_fw_buf *b)
{
	int len;
	const void *reg = fdt_getprop(dt, node, "reg", &len);
	const char *kind = fdt_getprop(dt, node, "khofw,kind", NULL);
	const fdt32_t *seed;
	u64 page = (u64)1 << st->cfg.page_shift;

	memset(b, 0, sizeof(*b));
	b->name = fdt_get_name(dt, node, NULL);
	if (!reg || len != 4 * (c->addr + c->size) || !kind)
		return -KHO_E_PROP;
	kho_dt_read_pair(reg, c, &b->phys, &b->size);
	if (!b->size || ((b->phys | b->size) & (page - 1)))
		return -KHO_E_MISALIGNED;
	seed = fdt_getprop(dt, node, "khofw,pattern-seed", &len);
	if (seed && len == 8)
		b->seed = (u64)fdt32_to_cpu(seed[0]) << 32 | fdt32_to_cpu(seed[1]);
	else if (seed)
		return -KHO_E_PROP;
	if (!strcmp(kind, "log")) {
		b->kind = BOOT_FW_LOG;
	} else if (!strcmp(kind, "dma")) {
		int err = read_dma(dt, node, b);
		if (err)
			return err;
	} else {
		return -KHO_E_PROP;
	}
	return kho_mem_check_ram(st->mem, b->phys, b->size);
}

u64 boot_fw_extent(const struct boot_state *st, const struct boot_fw_buf *b)
{
	if (b->kind != BOOT_FW_DMA)
		return b->size;
	return (u64)1 << (st->cfg.page_shift +
			  kho_get_order(b->size, st->cfg.page_shift));
}

/*
 * Forwarding: the log a previous hop handed over is still there (the kernel in
 * between revived it): adopt it, content and all.
 */
static int adopt_log(struct boot_state *st, struct boot_fw_buf *b)
{
	u64 start, size;

	if (b->kind != BOOT_FW_LOG || boot_in_resmem(st, st->cfg.log_name, &start, &size))
		return 0;
	b->phys = start;
	b->size = size;
	b->adopted = 1;
	return 1;
}

/*
 * Forwarding: a DMA buffer a previous hop handed over where the board puts it
 * (an incoming dma-alloc entry of the same phys and size: the device kept
 * running) is still preserved: adopt it, entry and content, not a second one.
 */
static int adopt_dma(struct boot_state *st, struct boot_fw_buf *b)
{
	int i = b->kind == BOOT_FW_DMA ? boot_dma_in_find(st, b->phys, b->size) : -1;

	if (i < 0)
		return 0;
	b->dma_index = (u32)i;
	b->adopted = 1;
	return 1;
}

/*
 * Record a buffer as the firmware's at its DT address; when forwarding, a buffer
 * whose address the previous kernel's hand-over uses moves to free memory.
 */
static int claim(struct boot_state *st, struct boot_fw_buf *b)
{
	u64 ext = boot_fw_extent(st, b), align = b->kind == BOOT_FW_DMA ? ext : 4096;
	int err;

	if (st->forward && (adopt_log(st, b) || adopt_dma(st, b)))
		return 0;
	err = kho_rmap_add(&st->rm, b->phys, b->phys + ext, KHO_KIND_FIRMWARE, b->name);
	if (err != -KHO_E_OVERLAP || !st->forward)
		return err;
	err = boot_find_free(st, ext, align, &b->phys);
	return err ? err
		   : kho_rmap_add(&st->rm, b->phys, b->phys + ext, KHO_KIND_FIRMWARE,
				  b->name);
}

int boot_read_fw(struct boot_state *st, const void *board_dt)
{
	int parent = fdt_path_offset(board_dt, "/firmware/khofw"), node, err;
	struct kho_cells c;

	if (parent < 0)
		return -KHO_E_NOT_FOUND;
	err = kho_dt_cells(board_dt, parent, &c);
	if (err)
		return err;
	fdt_for_each_subnode (node, board_dt, parent) {
		struct boot_fw_buf *b = &st->fw[st->nr_fw];

		if (st->nr_fw == BOOT_MAX_FW_BUFS)
			return -KHO_E_NOSPC;
		err = read_buf(st, board_dt, node, &c, b);
		if (!err)
			err = claim(st, b);
		if (err)
			return err;
		st->nr_fw++;
	}
	return (int)st->nr_fw;
}
