/* SPDX-License-Identifier: MIT */
/*
 * DMA buffers across the hand-over: their preservation as one set (dma-alloc
 * entries plus the khofw subtree, all or nothing), the stage's non-cacheable
 * regions for them, the no-map rule, and a reader of the subtree.
 */
#include <boot/dma.h>
#include "internal.h"
#include <kho/dt.h>
#include <kho/err.h>
#include <libfdt.h>
#include <string.h>

static int is_dma(const struct boot_fw_buf *b)
{
	return b->kind == BOOT_FW_DMA;
}

int boot_dma_nc_regions(const struct boot_state *st, struct arch_region *r,
			unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < st->nr_fw; i++) {
		const struct boot_fw_buf *b = &st->fw[i];

		if (!is_dma(b) || b->coherent)
			continue;
		if (n == max)
			return -KHO_E_NOSPC;
		r[n++] = (struct arch_region){ b->phys, boot_fw_extent(st, b),
					       ARCH_MEM_NORMAL_NC };
	}
	return (int)n;
}

/* ------------------------------------------------------------------ no-map */

struct nomap_ctx {
	const struct boot_state *st;
};

static int nomap_region(void *arg, const struct kho_resmem *r)
{
	const struct boot_state *st = ((struct nomap_ctx *)arg)->st;

	if (!(r->flags & KHO_RESMEM_NO_MAP) || r->base == KHO_RESMEM_DYNAMIC)
		return 0;
	for (unsigned int i = 0; i < st->nr_fw; i++) {
		const struct boot_fw_buf *b = &st->fw[i];

		if (kho_overlaps(b->phys, boot_fw_extent(st, b), r->base, r->size))
			return -KHO_E_OVERLAP;
	}
	return 0;
}

int boot_dma_check_no_map(const struct boot_state *st)
{
	struct nomap_ctx c = { st };
	const void *dtb;
	int err;

	dtb = kho_mem_ptr(st->mem, st->dtb, st->dtb_cap, &err);
	if (!dtb)
		return err;
	err = kho_dt_for_each_resmem(dtb, nomap_region, &c);
	return err < 0 ? err : 0;
}

/* ----------------------------------------------------------- the subtree */

static int put_u64(void *fdt, int node, const char *name, u64 v)
{
	u8 buf[8];

	kho_put_u64(buf, v);
	return fdt_setprop(fdt, node, name, buf, sizeof(buf));
}

static int put_record(const struct boot_state *st, void *fdt, const struct boot_fw_buf *b,
		      u64 index)
{
	int node = fdt_add_subnode(fdt, 0, b->name), err;

	if (node < 0)
		return node;
	err = put_u64(fdt, node, "index", index);
	err = err ? err : put_u64(fdt, node, "phys", b->phys);
	err = err ? err : put_u64(fdt, node, "size", b->size);
	err = err ? err
		  : put_u64(fdt, node, "order",
			    kho_get_order(b->size, st->cfg.page_shift));
	err = err ? err : put_u64(fdt, node, "attrs", b->attrs);
	err = err ? err : put_u64(fdt, node, "coherent", b->coherent);
	err = err ? err : put_u64(fdt, node, "decrypted", b->decrypted);
	err = err ? err : fdt_setprop_string(fdt, node, "device", b->device);
	return err ? err
		   : fdt_setprop_string(fdt, node, "mapping",
					b->coherent ? BOOT_KHOFW_MAP_WB
						    : BOOT_KHOFW_MAP_NC);
}

/*
 * The subtree in page: one node per DMA buffer, in dma-alloc entry order
 * (fdt_add_subnode() puts a new node first: add them last to first).
 */
static int build_subtree(const struct boot_state *st, void *page, u64 size, u64 first,
			 unsigned int n)
{
	int err = fdt_create_empty_tree(page, (int)size);
	u64 index = first + n;

	err = err ? err
		  : fdt_setprop_string(page, 0, "compatible", BOOT_KHOFW_COMPATIBLE);
	for (unsigned int i = st->nr_fw; !err && i-- > 0;)
		if (is_dma(&st->fw[i]))
			err = put_record(st, page, &st->fw[i], --index);
	return err || fdt_pack(page) ? -KHO_E_FDT : 0;
}

/* Allocate, preserve, fill and list the subtree page; undone on error. */
static int add_subtree(struct boot_state *st, u64 first, unsigned int n)
{
	struct kho_out *out = &st->out;
	u64 page = (u64)1 << st->cfg.page_shift, phys;
	void *p;
	int err = out->pa.alloc(out->pa.arg, &phys);

	if (err)
		return err < 0 ? err : -KHO_E_NOMEM;
	p = kho_mem_ptr(st->mem, phys, page, &err);
	if (!p)
		return err;
	err = kho_out_preserve(out, phys, 0);
	if (err)
		return err;
	err = build_subtree(st, p, page, first, n);
	if (!err)
		err = kho_out_add_blob(out, BOOT_KHOFW_BLOB, phys, fdt_totalsize(p));
	if (err) {
		kho_out_remove_blob(out, BOOT_KHOFW_BLOB);
		kho_out_unpreserve(out, phys, 0);
	}
	return err;
}

/*
 * Test only (cfg.dma_short_count): turn each block into size >> page_shift
 * order-0 pages, as a firmware that counts pages that way would preserve it;
 * the entries and the subtree still say what the allocation is. Never undone.
 */
static int short_count(struct boot_state *st)
{
	unsigned int shift = st->cfg.page_shift;
	int err = 0;

	for (unsigned int i = 0; !err && i < st->nr_fw; i++) {
		const struct boot_fw_buf *b = &st->fw[i];

		if (!is_dma(b))
			continue;
		err = kho_out_unpreserve(&st->out, b->phys,
					 kho_get_order(b->size, shift));
		for (u64 p = 0; !err && p < b->size >> shift; p++)
			err = kho_out_preserve(&st->out, b->phys + (p << shift), 0);
	}
	return err;
}

/*
 * After a failed set: the buffers released so far (all DMA buffers before
 * index end) are the firmware's again, as boot_read_fw() recorded them.
 */
static void reclaim(struct boot_state *st, unsigned int end)
{
	for (unsigned int i = 0; i < end; i++) {
		const struct boot_fw_buf *b = &st->fw[i];

		if (is_dma(b) && !b->adopted)
			kho_rmap_add(&st->rm, b->phys, b->phys + boot_fw_extent(st, b),
				     KHO_KIND_FIRMWARE, b->name);
	}
}

int boot_dma_preserve(struct boot_state *st)
{
	unsigned int first = st->out.nr_dma, i;
	int err = 0, n = 0;

	for (i = 0; !err && i < st->nr_fw; i++) {
		const struct boot_fw_buf *b = &st->fw[i];

		if (!is_dma(b) || b->adopted)
			continue;
		err = boot_release_fw(st, b);
		if (!err)
			err = kho_out_dma_alloc(&st->out, b->phys, b->size, b->attrs,
						b->decrypted);
		n += !err;
	}
	if (!err && n)
		err = add_subtree(st, first, (unsigned int)n);
	if (err) {
		kho_out_dma_truncate(&st->out, first);
		reclaim(st, i);
		return err;
	}
	if (n && st->cfg.dma_short_count)
		err = short_count(st);
	return err ? err : n;
}

/* ------------------------------------------------------ reading it back */

static int get_u64(const void *fdt, int node, const char *name, u64 *v)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len != 8)
		return -KHO_E_PROP;
	*v = kho_get_u64(p);
	return 0;
}

static int get_str(const void *fdt, int node, const char *name, const char **s)
{
	int len;
	const char *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len < 1 || p[len - 1] || strlen(p) + 1 != (size_t)len)
		return -KHO_E_PROP;
	*s = p;
	return 0;
}

static int read_record(const void *fdt, int node, struct boot_khofw_dma *d)
{
	int err;

	memset(d, 0, sizeof(*d));
	d->name = fdt_get_name(fdt, node, NULL);
	err = get_u64(fdt, node, "index", &d->index);
	err = err ? err : get_u64(fdt, node, "phys", &d->phys);
	err = err ? err : get_u64(fdt, node, "size", &d->size);
	err = err ? err : get_u64(fdt, node, "order", &d->order);
	err = err ? err : get_u64(fdt, node, "attrs", &d->attrs);
	err = err ? err : get_u64(fdt, node, "coherent", &d->coherent);
	err = err ? err : get_u64(fdt, node, "decrypted", &d->decrypted);
	err = err ? err : get_str(fdt, node, "device", &d->device);
	return err ? err : get_str(fdt, node, "mapping", &d->mapping);
}

int boot_khofw_for_each_dma(const void *blob, u64 size,
			    int (*fn)(void *arg, const struct boot_khofw_dma *d),
			    void *arg)
{
	struct boot_khofw_dma d;
	int node, err, n = 0;

	err = kho_fdt_check(blob, size);
	if (err)
		return err;
	if (fdt_node_check_compatible(blob, 0, BOOT_KHOFW_COMPATIBLE))
		return -KHO_E_COMPAT;
	fdt_for_each_subnode (node, blob, 0) {
		err = read_record(blob, node, &d);
		if (!err && fn)
			err = fn(arg, &d);
		if (err < 0)
			return err;
		n++;
	}
	return n;
}
