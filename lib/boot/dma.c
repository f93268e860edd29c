/* SPDX-License-Identifier: MIT */
/*
 * DMA buffers across the hand-over: their preservation as one set (dma-alloc
 * entries plus the khofw subtree, all or nothing), the stage's non-cacheable
 * regions for them, the no-map rule, a reader of the subtree, and a forwarded
 * hand-over's entries and records: checked, then merged with the firmware's own.
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

/* ----------------------------------------------------------- the subtree */

static int put_u64(void *fdt, int node, const char *name, u64 v)
{
	u8 buf[8];

	kho_put_u64(buf, v);
	return fdt_setprop(fdt, node, name, buf, sizeof(buf));
}

/*
 * The record's node, named after the buffer; if an earlier hop's record or one
 * made here has that name (taken), the name gets "-<index>".
 */
static int add_node(void *fdt, const char *name, u64 index, int taken)
{
	int node = taken ? -FDT_ERR_EXISTS : fdt_add_subnode(fdt, 0, name);
	char alt[64];
	size_t len;

	if (node != -FDT_ERR_EXISTS)
		return node;
	len = strnlen(name, sizeof(alt) - 24);
	memcpy(alt, name, len);
	alt[len++] = '-';
	do {
		alt[len++] = (char)('0' + index % 10);
		index /= 10;
	} while (index);
	return fdt_add_subnode_namelen(fdt, 0, alt, (int)len);
}

static int put_record(void *fdt, const struct boot_khofw_dma *d, int taken)
{
	int node = add_node(fdt, d->name, d->index, taken), err;

	if (node < 0)
		return node;
	err = put_u64(fdt, node, "index", d->index);
	err = err ? err : put_u64(fdt, node, "phys", d->phys);
	err = err ? err : put_u64(fdt, node, "size", d->size);
	err = err ? err : put_u64(fdt, node, "order", d->order);
	err = err ? err : put_u64(fdt, node, "attrs", d->attrs);
	err = err ? err : put_u64(fdt, node, "coherent", d->coherent);
	err = err ? err : put_u64(fdt, node, "decrypted", d->decrypted);
	err = err ? err : fdt_setprop_string(fdt, node, "device", d->device);
	return err ? err : fdt_setprop_string(fdt, node, "mapping", d->mapping);
}

/* A firmware buffer's record; attrs and decrypted as its dma-alloc entry says. */
static int own_record(const struct boot_state *st, const struct boot_fw_buf *b,
		      struct boot_khofw_dma *d)
{
	const struct dma_alloc_ser *e;
	int err;

	e = kho_mem_ptr(st->mem, st->out.dma_phys + b->dma_index * sizeof(*e), sizeof(*e),
			&err);
	if (!e)
		return err;
	*d = (struct boot_khofw_dma){
		.name = b->name,
		.index = b->dma_index,
		.phys = b->phys,
		.size = b->size,
		.order = kho_get_order(b->size, st->cfg.page_shift),
		.attrs = e->attrs,
		.coherent = b->coherent,
		.decrypted = e->force_decrypted,
		.device = b->device,
		.mapping = b->coherent ? BOOT_KHOFW_MAP_WB : BOOT_KHOFW_MAP_NC,
	};
	return 0;
}

/* What the subtree lists for each dma-alloc entry: who describes entry i. */
struct subtree_src {
	const void *in;		      /* the incoming khofw subtree, or NULL */
	int in_node[KHO_OUT_MAX_DMA]; /* its record of entry i, or -1 */
	const struct boot_fw_buf *own[KHO_OUT_MAX_DMA]; /* else this buffer's */
};

static void find_sources(const struct boot_state *st, struct subtree_src *src)
{
	u64 index;
	int node;

	for (unsigned int i = 0; i < KHO_OUT_MAX_DMA; i++) {
		src->in_node[i] = -1;
		src->own[i] = NULL;
	}
	src->in = boot_dma_in_khofw(st);
	if (src->in)
		fdt_for_each_subnode (node, src->in, 0)
			if (!get_u64(src->in, node, "index", &index) &&
			    index < KHO_OUT_MAX_DMA)
				src->in_node[index] = node;
	for (unsigned int i = 0; i < st->nr_fw; i++) {
		const struct boot_fw_buf *b = &st->fw[i];

		if (is_dma(b) && b->dma_index < KHO_OUT_MAX_DMA &&
		    src->in_node[b->dma_index] < 0)
			src->own[b->dma_index] = b;
	}
}

/* The record of entry i, from the incoming subtree or a firmware buffer. */
static int put_entry(const struct boot_state *st, void *fdt,
		     const struct subtree_src *src, unsigned int i)
{
	struct boot_khofw_dma d = { 0 };
	int err, taken = 0;

	if (src->in_node[i] >= 0) {
		err = read_record(src->in, src->in_node[i], &d);
	} else if (src->own[i]) {
		err = own_record(st, src->own[i], &d);
		taken = !err && src->in && fdt_subnode_offset(src->in, 0, d.name) >= 0;
	} else {
		return 0; /* an incoming entry nobody recorded (Linux's own) */
	}
	return err ? err : put_record(fdt, &d, taken);
}

/*
 * The subtree in page: one node per recorded dma-alloc entry, in entry order
 * (fdt_add_subnode() puts a new node first: add them last to first).
 */
static int build_subtree(const struct boot_state *st, void *page, u64 size)
{
	struct subtree_src src;
	int err = fdt_create_empty_tree(page, (int)size);

	find_sources(st, &src);
	err = err ? err
		  : fdt_setprop_string(page, 0, "compatible", BOOT_KHOFW_COMPATIBLE);
	for (unsigned int i = st->out.nr_dma; !err && i-- > 0;)
		err = put_entry(st, page, &src, i);
	return err || fdt_pack(page) ? -KHO_E_FDT : 0;
}

/* Allocate, preserve, fill and list the subtree page; undone on error. */
static int add_subtree(struct boot_state *st)
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
	err = build_subtree(st, p, page);
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

		if (!is_dma(b) || b->adopted)
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

/* Any DMA buffer, new or adopted, or a forwarded subtree: a subtree to make. */
static int wants_subtree(const struct boot_state *st)
{
	for (unsigned int i = 0; i < st->nr_fw; i++)
		if (is_dma(&st->fw[i]))
			return 1;
	return boot_dma_in_khofw(st) != NULL;
}

int boot_dma_preserve(struct boot_state *st)
{
	unsigned int first = st->out.nr_dma, i;
	int err = 0, n = 0;

	for (i = 0; !err && i < st->nr_fw; i++) {
		struct boot_fw_buf *b = &st->fw[i];

		if (!is_dma(b) || b->adopted)
			continue;
		b->dma_index = st->out.nr_dma;
		err = boot_release_fw(st, b);
		if (!err)
			err = kho_out_dma_alloc(&st->out, b->phys, b->size, b->attrs,
						b->decrypted);
		n += !err;
	}
	if (!err && wants_subtree(st))
		err = add_subtree(st);
	if (err) {
		kho_out_dma_truncate(&st->out, first);
		reclaim(st, i);
		return err;
	}
	if (n && st->cfg.dma_short_count)
		err = short_count(st);
	return err ? err : n;
}

/* ----------------------------------------------- a forwarded hand-over's */

/*
 * The incoming dma-alloc entries (*n of them), or NULL: none (*err 0), or
 * *err. Checked as a whole by boot_dma_take_in() before anything uses them.
 */
static const struct dma_alloc_ser *in_entries(const struct boot_state *st,
					      unsigned int *n, int *err)
{
	u64 page = (u64)1 << st->cfg.page_shift;
	const struct dma_alloc_ser *e;
	struct kho_blob b;

	*n = 0;
	*err = kho_in_find_blob(&st->in, DMA_ALLOC_KHO_BLOB, &b);
	if (*err || !b.size) {
		*err = *err == -KHO_E_NOT_FOUND ? 0 : *err;
		return NULL;
	}
	if (kho_abi_is_v1(st->in.abi) || b.size % sizeof(*e) || b.size > page ||
	    b.size / sizeof(*e) > KHO_OUT_MAX_DMA) {
		*err = -KHO_E_BLOB;
		return NULL;
	}
	e = kho_mem_ptr(st->mem, b.phys, b.size, err);
	*n = e ? (unsigned int)(b.size / sizeof(*e)) : 0;
	return e;
}

const void *boot_dma_in_khofw(const struct boot_state *st)
{
	struct kho_blob b;
	int err;

	if (!st->forward || kho_in_find_blob(&st->in, BOOT_KHOFW_BLOB, &b) ||
	    b.size > (u64)1 << st->cfg.page_shift)
		return NULL;
	return kho_mem_ptr(st->mem, b.phys, b.size, &err);
}

/* An entry that describes a block the incoming map preserves, apart from the rest. */
static int check_entry(const struct boot_state *st, const struct dma_alloc_ser *e,
		       unsigned int i)
{
	unsigned int shift = st->cfg.page_shift, order;
	u64 ext;

	if (!e[i].size || e[i].force_decrypted > 1)
		return -KHO_E_BLOB;
	order = kho_get_order(e[i].size, shift);
	if (order > kho_abi_max_order(st->in.abi, shift))
		return -KHO_E_BLOB;
	ext = (u64)1 << (shift + order);
	if ((e[i].page_phys & (ext - 1)) || e[i].page_phys + ext < e[i].page_phys ||
	    !kho_rmap_covered(&st->rm, e[i].page_phys, e[i].page_phys + ext,
			      KHO_KIND_PRESERVED))
		return -KHO_E_BLOB;
	for (unsigned int j = 0; j < i; j++)
		if (kho_overlaps(e[j].page_phys,
				 (u64)1 << (shift + kho_get_order(e[j].size, shift)),
				 e[i].page_phys, ext))
			return -KHO_E_BLOB;
	return 0;
}

struct in_check {
	const struct boot_state *st;
	const struct dma_alloc_ser *e;
	unsigned int n;
	u64 seen; /* bit i: entry i has a record */
};

/* A forwarded record must describe its entry, and be its only record. */
static int check_record(void *arg, const struct boot_khofw_dma *d)
{
	struct in_check *c = arg;
	const struct dma_alloc_ser *e;

	if (d->index >= c->n || (c->seen >> d->index & 1))
		return -KHO_E_BLOB;
	e = &c->e[d->index];
	c->seen |= (u64)1 << d->index;
	if (d->phys != e->page_phys || d->size != e->size || d->attrs != e->attrs ||
	    d->decrypted != e->force_decrypted ||
	    d->order != kho_get_order(d->size, c->st->cfg.page_shift))
		return -KHO_E_BLOB;
	return 0;
}

int boot_dma_take_in(const struct boot_state *st)
{
	struct in_check c = { st, NULL, 0, 0 };
	const void *sub;
	struct kho_blob b;
	int err;

	c.e = in_entries(st, &c.n, &err);
	for (unsigned int i = 0; !err && i < c.n; i++)
		err = check_entry(st, c.e, i);
	if (err)
		return err;
	err = kho_in_find_blob(&st->in, BOOT_KHOFW_BLOB, &b);
	if (err)
		return err == -KHO_E_NOT_FOUND ? 0 : err;
	if (b.size > (u64)1 << st->cfg.page_shift)
		return -KHO_E_BLOB;
	sub = kho_mem_ptr(st->mem, b.phys, b.size, &err);
	if (!sub)
		return err;
	err = boot_khofw_for_each_dma(sub, b.size, check_record, &c);
	return err < 0 ? -KHO_E_BLOB : 0;
}

int boot_dma_in_find(const struct boot_state *st, u64 phys, u64 size)
{
	unsigned int n;
	int err;
	const struct dma_alloc_ser *e = in_entries(st, &n, &err);

	for (unsigned int i = 0; e && i < n; i++)
		if (e[i].page_phys == phys && e[i].size == size)
			return (int)i;
	return err ? err : -KHO_E_NOT_FOUND;
}

int boot_dma_forward(struct boot_state *st)
{
	unsigned int n;
	int err;
	const struct dma_alloc_ser *e = in_entries(st, &n, &err);

	for (unsigned int i = 0; !err && i < n; i++)
		err = kho_out_dma_listed(&st->out, &e[i]);
	return err;
}
