/* SPDX-License-Identifier: MIT */
/*
 * The hand-over itself: KHO state (or /reserved-memory for a kernel without KHO),
 * the CMA pool and /chosen, written into the DTB placed in scratch.
 */
#include <boot/boot.h>
#include <boot/dma.h>
#include "internal.h"
#include <kho/dt.h>
#include <kho/err.h>
#include <libfdt.h>
#include <string.h>

#define CMA_ALIGN (4u << 20)

static int fdt_err(int err)
{
	return err < 0 ? -KHO_E_FDT : err;
}

/* /reserved-memory with the root's cells and an empty ranges, created if absent. */
static int resmem_node(void *dtb)
{
	int node = fdt_path_offset(dtb, "/reserved-memory");
	struct kho_cells c;

	if (node >= 0)
		return node;
	if (kho_dt_cells(dtb, 0, &c))
		return -KHO_E_CELLS;
	node = fdt_add_subnode(dtb, 0, "reserved-memory");
	if (node < 0 || fdt_setprop_u32(dtb, node, "#address-cells", (u32)c.addr) ||
	    fdt_setprop_u32(dtb, node, "#size-cells", (u32)c.size) ||
	    fdt_setprop(dtb, node, "ranges", NULL, 0))
		return -KHO_E_FDT;
	return node;
}

/* "name@hexaddr" into buf (at least 40 bytes), as DT unit names are written. */
static void unit_name(char *buf, size_t cap, const char *name, u64 addr)
{
	size_t n = 0;
	int shift = 60;

	while (*name && *name != '@' && n + 18 < cap)
		buf[n++] = *name++;
	buf[n++] = '@';
	while (shift > 0 && !((addr >> shift) & 0xf))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		buf[n++] = "0123456789abcdef"[(addr >> shift) & 0xf];
	buf[n] = 0;
}

static int add_resmem(void *dtb, const char *name, u64 base, u64 size, int *node)
{
	char unit[64];
	u8 reg[16];
	struct kho_cells c;
	int parent = resmem_node(dtb), len;

	if (parent < 0)
		return parent;
	if (kho_dt_cells(dtb, parent, &c))
		return -KHO_E_CELLS;
	len = kho_dt_write_pair(reg, &c, base, size);
	if (len < 0)
		return len;
	unit_name(unit, sizeof(unit), name, base);
	*node = fdt_add_subnode(dtb, parent, unit);
	if (*node < 0)
		return -KHO_E_FDT;
	return fdt_err(fdt_setprop(dtb, *node, "reg", reg, len));
}

/*
 * A DT that went through a kernel carries the default CMA pool an earlier stage
 * described; its memory may now hold preserved pages. Only ours may stay.
 */
static int drop_default_cma(void *dtb)
{
	int parent = fdt_path_offset(dtb, "/reserved-memory"), node;

	if (parent < 0)
		return 0;
	fdt_for_each_subnode (node, dtb, parent)
		if (fdt_getprop(dtb, node, "linux,cma-default", NULL)) {
			if (fdt_del_node(dtb, node))
				return -KHO_E_FDT;
			return drop_default_cma(dtb); /* offsets moved: start again */
		}
	return 0;
}

static int add_cma(struct boot_state *st, void *dtb)
{
	int node, err;

	if (!st->cfg.cma_size)
		return 0;
	err = drop_default_cma(dtb);
	if (err)
		return err;
	err = boot_find_free(st, st->cfg.cma_size, CMA_ALIGN, &st->cma);
	if (!err)
		err = kho_rmap_add(&st->rm, st->cma, st->cma + st->cfg.cma_size,
				   KHO_KIND_CMA, "linux,cma");
	if (!err)
		err = add_resmem(dtb, "linux,cma", st->cma, st->cfg.cma_size, &node);
	if (err)
		return err;
	if (fdt_setprop_string(dtb, node, "compatible", "shared-dma-pool") ||
	    fdt_setprop(dtb, node, "reusable", NULL, 0) ||
	    fdt_setprop(dtb, node, "linux,cma-default", NULL, 0))
		return -KHO_E_FDT;
	return 0;
}

/* A kernel without KHO still must not touch the buffers: reserve them. */
static int fallback_resmem(struct boot_state *st, void *dtb)
{
	for (unsigned int i = 0; i < st->nr_fw; i++) {
		const struct boot_fw_buf *b = &st->fw[i];
		int node, err;

		err = add_resmem(dtb, b->name, b->phys, b->size, &node);
		if (err)
			return err;
		/* Non-coherent DMA memory must have no cacheable linear alias. */
		if (b->kind == BOOT_FW_DMA && !b->coherent &&
		    fdt_setprop(dtb, node, "no-map", NULL, 0))
			return -KHO_E_FDT;
	}
	return 0;
}

/*
 * A buffer stays recorded as firmware (so no page of the hand-over lands on it)
 * until just before KHO records it as preserved.
 */
int boot_release_fw(struct boot_state *st, const struct boot_fw_buf *b)
{
	return kho_rmap_remove(&st->rm, b->phys, b->phys + boot_fw_extent(st, b),
			       KHO_KIND_FIRMWARE);
}

int boot_preserve_fw(struct boot_state *st)
{
	int err = boot_dma_check_no_map(st);

	for (unsigned int i = 0; !err && i < st->nr_fw; i++) {
		const struct boot_fw_buf *b = &st->fw[i];

		if (b->kind != BOOT_FW_LOG || b->adopted)
			continue;
		err = boot_release_fw(st, b);
		if (!err)
			err = kho_out_reserve_mem(&st->out, st->cfg.log_name, b->phys,
						  b->size);
		err = err < 0 ? err : 0;
	}
	/* The DMA buffers go as one set: all preserved, or none. */
	if (!err)
		err = boot_dma_preserve(st);
	return err < 0 ? err : 0;
}

/* The array lives outside scratch, in a page of its own (ABI notes 7.8). */
static int scratch_array(struct boot_state *st)
{
	u64 page = (u64)1 << st->cfg.page_shift, phys;
	struct kho_rmap *rm = st->out.rm;
	int err = boot_find_free(st, page, page, &phys);

	if (err)
		return err;
	/* The areas are recorded already, partly as payload: write the array only. */
	st->out.rm = NULL;
	err = kho_out_scratch(&st->out, phys, st->scratch, st->nr_scratch);
	st->out.rm = rm;
	if (!err)
		err = kho_rmap_add(rm, phys, phys + st->out.scratch_len, KHO_KIND_META,
				   "scratch-array");
	return err;
}

static int handoff_kho(struct boot_state *st, void *dtb)
{
	struct kho_page_alloc pa = boot_page_alloc(st);
	int err = kho_out_init(&st->out, st->mem, st->abi, st->cfg.page_shift, &pa,
			       &st->rm);
	if (!err)
		err = boot_preserve_fw(st);
	if (!err && !kho_abi_is_v1(st->abi))
		err = kho_out_metadata(&st->out, st->cfg.release, 0);
	if (!err)
		err = scratch_array(st);
	if (!err)
		err = kho_out_finish(&st->out);
	return err ? err : kho_out_chosen(&st->out, dtb);
}

static int set_cells_prop(void *dtb, int node, const char *name, u64 v)
{
	fdt64_t be = cpu_to_fdt64(v);

	return fdt_setprop(dtb, node, name, &be, sizeof(be)) ? -KHO_E_FDT : 0;
}

int boot_chosen_common(struct boot_state *st, void *dtb)
{
	int chosen = fdt_path_offset(dtb, "/chosen");

	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(dtb, 0, "chosen");
	if (chosen < 0)
		return -KHO_E_FDT;
	if (st->pl.cmdline && fdt_setprop_string(dtb, chosen, "bootargs", st->pl.cmdline))
		return -KHO_E_FDT;
	if (!st->pl.initrd.size) {
		fdt_delprop(dtb, chosen, "linux,initrd-start");
		fdt_delprop(dtb, chosen, "linux,initrd-end");
		return 0;
	}
	if (set_cells_prop(dtb, chosen, "linux,initrd-start", st->initrd))
		return -KHO_E_FDT;
	return set_cells_prop(dtb, chosen, "linux,initrd-end",
			      st->initrd + st->pl.initrd.size);
}

int boot_handoff(struct boot_state *st)
{
	void *dtb;
	int err;

	dtb = kho_mem_ptr(st->mem, st->dtb, st->dtb_cap, &err);
	if (!dtb)
		return err;
	err = boot_chosen_common(st, dtb);
	if (!err)
		err = add_cma(st, dtb);
	if (err)
		return err;
	if (st->pl.flags & BOOT_PAYLOAD_F_NO_KHO) {
		/* Preserved memory of a previous kernel cannot be handed on without KHO.
		 */
		if (st->forward)
			return -KHO_E_ABI;
		st->abi = 0;
		err = kho_dt_clear_chosen(dtb);
		return err ? err : fallback_resmem(st, dtb);
	}
	if (st->forward)
		return boot_forward_kho(st, dtb);
	st->abi = st->pl.kho_abi ? st->pl.kho_abi : KHO_ABI_DEFAULT;
	return handoff_kho(st, dtb);
}

/*
 * What the CPU wrote through a cacheable mapping: map pages, blobs and buffers
 * (preserved), meta, and the payload it copied or built. The container and the
 * input DTB were only read: their memory already holds what the kernel reads.
 * Map and preserved ranges are the pages the stage allocated (all of them on a
 * cold boot, a few forwarding: the rest is the previous kernel's, never written
 * here; 10 k blocks are 40 MiB to clean for nothing) and the buffers it filled
 * (a buffer not filled is not written). Only when too many runs of pages were
 * handed out to remember are the whole ranges cleaned.
 */
static int own_pages_known(const struct boot_state *st)
{
	return !st->alloc_lost;
}

static int written(const struct boot_state *st, const struct kho_range *r)
{
	if (r->kind == KHO_KIND_PAYLOAD)
		return !r->label ||
		       (strcmp(r->label, "container") && strcmp(r->label, "input-dtb"));
	if (r->kind == KHO_KIND_META)
		return 1;
	if (own_pages_known(st))
		return 0;
	return r->kind == KHO_KIND_MAP || r->kind == KHO_KIND_PRESERVED;
}

void boot_for_each_written(const struct boot_state *st,
			   void (*fn)(void *arg, u64 phys, u64 size), void *arg)
{
	int own = own_pages_known(st);

	for (unsigned int k = 0; k < st->rm.nr; k++) {
		const struct kho_range *r = &st->rm.r[k];

		if (written(st, r))
			fn(arg, r->start, r->end - r->start);
	}
	for (unsigned int i = 0; own && i < st->nr_alloc; i++)
		fn(arg, st->alloc[i].addr, st->alloc[i].size);
	/*
	 * Buffers the stage filled: covered above when preserved, unless forwarding;
	 * left firmware ranges when nothing preserved them (a kernel without KHO).
	 */
	for (unsigned int i = 0; i < st->nr_fw; i++) {
		const struct boot_fw_buf *b = &st->fw[i];
		int clean_here =
			own ? !b->adopted
			    : kho_rmap_covered(&st->rm, b->phys, b->phys + b->size,
					       KHO_KIND_FIRMWARE);

		if (b->seed && clean_here)
			fn(arg, b->phys, b->size);
	}
}
