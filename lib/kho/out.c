/* SPDX-License-Identifier: MIT */
/* Produce: build a KHO handover the receiving Linux accepts. */
#include <kho/config.h>
#include <kho/err.h>
#include <kho/out.h>
#include <libfdt.h>
#include <string.h>
#include "walk.h"

unsigned int kho_get_order(u64 size, unsigned int page_shift)
{
	unsigned int order = 0;

	size = (size - 1) >> page_shift;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

unsigned int kho_split_order(u64 pfn, u64 end_pfn)
{
	unsigned int tz = pfn ? (unsigned int)__builtin_ctzll(pfn) : 63;
	unsigned int lg = 63 - (unsigned int)__builtin_clzll(end_pfn - pfn);

	return tz < lg ? tz : lg;
}

static u64 page_size(const struct kho_out *out)
{
	return (u64)1 << out->page_shift;
}

/*
 * May [start, end) join the preserved ranges of rm? Preserved memory may overlap
 * itself; anything else is -KHO_E_OVERLAP, and firmware anywhere in the range
 * -KHO_E_PROTECTED (not only when it is the first range met).
 */
static int rm_conflict(const struct kho_rmap *rm, u64 start, u64 end)
{
	int err = 0;

	for (unsigned int k = kho_rmap_lower_bound(rm, start);
	     k < rm->nr && rm->r[k].start < end; k++) {
		if (rm->r[k].kind == KHO_KIND_FIRMWARE)
			return -KHO_E_PROTECTED;
		if (rm->r[k].kind != KHO_KIND_PRESERVED || rm->r[k].label)
			err = -KHO_E_OVERLAP;
	}
	return err;
}

static int rm_add_preserved(struct kho_out *out, u64 phys, u64 size)
{
	int err;

	if (!out->rm)
		return 0;
	err = rm_conflict(out->rm, phys, phys + size);
	if (err)
		return err;
	return kho_rmap_add(out->rm, phys, phys + size, KHO_KIND_PRESERVED, NULL);
}

static int map_set(struct kho_out *out, u64 phys, unsigned int order, int value)
{
	u64 key;

	if (kho_abi_is_v1(out->abi))
		return KHO_HAVE_OUT_V1 ? kho_v1_set(&out->v1, out->mem, phys, order,
						    value, &out->pa, out->rm)
				       : -KHO_E_ABI;
	if (!KHO_HAVE_OUT_RADIX)
		return -KHO_E_ABI;
	key = kho_radix_encode(phys, order, out->page_shift);
	if (!key)
		return -KHO_E_KEY;
	return kho_radix_set(out->mem, out->page_shift, &out->map, key, value, &out->pa,
			     out->rm);
}

int kho_out_preserve(struct kho_out *out, u64 phys, unsigned int order)
{
	u64 size;
	int err;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	if (order > kho_abi_max_order(out->abi, out->page_shift))
		return -KHO_E_ORDER;
	size = page_size(out) << order;
	if (phys & (size - 1))
		return -KHO_E_MISALIGNED;
	err = kho_mem_check_ram(out->mem, phys, size);
	if (!err)
		err = rm_add_preserved(out, phys, size);
	if (err)
		return err;
	err = map_set(out, phys, order, 1);
	if (err && out->rm)
		kho_rmap_remove(out->rm, phys, phys + size, KHO_KIND_PRESERVED);
	return err;
}

int kho_out_unpreserve(struct kho_out *out, u64 phys, unsigned int order)
{
	u64 size = page_size(out) << order;
	int err;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	err = map_set(out, phys, order, 0);
	if (!err && out->rm)
		err = kho_rmap_remove(out->rm, phys, phys + size, KHO_KIND_PRESERVED);
	return err;
}

/* The kernel's greedy split, capped at the largest order this ABI takes. */
static unsigned int range_order(const struct kho_out *out, u64 pfn, u64 end)
{
	unsigned int order = kho_split_order(pfn, end);
	unsigned int max = kho_abi_max_order(out->abi, out->page_shift);

	return order < max ? order : max;
}

/* The checks kho_out_preserve() makes before it touches the map or rm. */
static int preserve_check(const struct kho_out *out, u64 phys, unsigned int order)
{
	u64 size = page_size(out) << order;
	int err;

	if (order > kho_abi_max_order(out->abi, out->page_shift))
		return -KHO_E_ORDER;
	err = kho_mem_check_ram(out->mem, phys, size);
	if (!err && out->rm)
		err = rm_conflict(out->rm, phys, phys + size);
	return err;
}

static int range_check(const struct kho_out *out, u64 pfn, u64 end)
{
	int err = 0;

	for (u64 at = pfn; !err && at < end;) {
		unsigned int order = range_order(out, at, end);

		err = preserve_check(out, at << out->page_shift, order);
		at += (u64)1 << order;
	}
	return err;
}

/* Unwind the blocks of [pfn, end) that kho_out_preserve_range() set below at. */
static void unpreserve_range(struct kho_out *out, u64 pfn, u64 at, u64 end)
{
	for (u64 p = pfn; p < at;) {
		unsigned int order = range_order(out, p, end);

		kho_out_unpreserve(out, p << out->page_shift, order);
		p += (u64)1 << order;
	}
}

int kho_out_preserve_range(struct kho_out *out, u64 phys, u64 size)
{
	u64 pfn = phys >> out->page_shift, end, at;
	int err = 0, count = 0;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	if (!size || ((phys | size) & (page_size(out) - 1)))
		return -KHO_E_INVAL;
	if (phys + size < phys)
		return -KHO_E_WRAP;
	end = (phys + size) >> out->page_shift;
	/*
	 * Check every block first: the unwind below cannot tell a block this call
	 * set from the same block preserved by an earlier call, and would drop both.
	 */
	err = range_check(out, pfn, end);
	if (err)
		return err;
	for (at = pfn; at < end; count++) {
		unsigned int order = range_order(out, at, end);

		err = kho_out_preserve(out, at << out->page_shift, order);
		if (err)
			break;
		at += (u64)1 << order;
	}
	if (!err)
		return count;
	unpreserve_range(out, pfn, at, end);
	return err;
}

/* A zeroed page for a blob, preserved as one order-0 block. */
static void *blob_page(struct kho_out *out, u64 *phys, int *err)
{
	void *p;

	*err = out->pa.alloc ? out->pa.alloc(out->pa.arg, phys) : -KHO_E_NOMEM;
	if (*err) {
		*err = *err < 0 ? *err : -KHO_E_NOMEM;
		return NULL;
	}
	p = kho_mem_ptr(out->mem, *phys, page_size(out), err);
	if (p)
		*err = kho_out_preserve(out, *phys, 0);
	if (!p || *err)
		return NULL;
	memset(p, 0, page_size(out));
	return p;
}

/* The blob page at *slot, made on first use; *slot stays 0 if that fails. */
static int blob_slot(struct kho_out *out, u64 *slot)
{
	u64 phys;
	int err;

	if (*slot)
		return 0;
	if (!blob_page(out, &phys, &err))
		return err;
	*slot = phys;
	return 0;
}

/* Unpreserve a blob page no entry uses yet: a failed first call preserves nothing. */
static void drop_blob(struct kho_out *out, u64 *slot)
{
	kho_out_unpreserve(out, *slot, 0);
	*slot = 0;
}

static int put_u64_prop(void *fdt, int node, const char *name, u64 v)
{
	u8 buf[8];

	kho_put_u64(buf, v);
	return fdt_setprop(fdt, node, name, buf, sizeof(buf)) ? -KHO_E_FDT : 0;
}

int kho_out_init(struct kho_out *out, const struct kho_mem *mem, enum kho_abi abi,
		 unsigned int page_shift, const struct kho_page_alloc *pa,
		 struct kho_rmap *rm)
{
	int err;

	memset(out, 0, sizeof(*out));
	if (abi <= KHO_ABI_AUTO || abi >= KHO_ABI_COUNT || !pa || !pa->alloc ||
	    (page_shift != 12 && page_shift != 14 && page_shift != 16))
		return -KHO_E_INVAL;
	if ((kho_abi_is_v1(abi) && page_shift != 12) || !kho_abi_built(abi, 1))
		return -KHO_E_ABI;
	out->mem = mem;
	out->pa = *pa;
	out->rm = rm;
	out->abi = abi;
	out->page_shift = page_shift;
	if (KHO_HAVE_OUT_V1)
		kho_v1_builder_init(&out->v1, kho_abi_bitmap_bytes(abi));
	out->fdt = blob_page(out, &out->fdt_phys, &err);
	if (!out->fdt)
		return err;
	if (fdt_create_empty_tree(out->fdt, (int)page_size(out)) ||
	    fdt_setprop_string(out->fdt, 0, "compatible", kho_abi_compatible(abi)))
		return -KHO_E_FDT;
	return put_u64_prop(out->fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, 0);
}

int kho_out_add_blob(struct kho_out *out, const char *name, u64 phys, u64 size)
{
	int node;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	if (!name || !*name || strchr(name, '/'))
		return -KHO_E_INVAL;
	if (fdt_subnode_offset(out->fdt, 0, name) >= 0)
		return -KHO_E_DUP_BLOB;
	node = fdt_add_subnode(out->fdt, 0, name);
	if (node < 0)
		return -KHO_E_FDT;
	if (kho_abi_is_v1(out->abi))
		return put_u64_prop(out->fdt, node, KHO_V1_SUB_TREE_PROP_NAME, phys);
	if (put_u64_prop(out->fdt, node, KHO_SUB_TREE_PROP_NAME, phys))
		return -KHO_E_FDT;
	return put_u64_prop(out->fdt, node, KHO_SUB_TREE_SIZE_PROP_NAME, size);
}

/* Add the blob on first use, else refresh its size in place. */
static int set_blob(struct kho_out *out, const char *name, u64 phys, u64 size)
{
	int node = fdt_subnode_offset(out->fdt, 0, name);
	u8 buf[8];

	if (node < 0)
		return kho_out_add_blob(out, name, phys, size);
	if (kho_abi_is_v1(out->abi))
		return 0;
	kho_put_u64(buf, size);
	return fdt_setprop_inplace(out->fdt, node, KHO_SUB_TREE_SIZE_PROP_NAME, buf, 8)
		       ? -KHO_E_FDT
		       : 0;
}

static int build_memblock(struct kho_out *out, void *page)
{
	int err = fdt_create_empty_tree(page, (int)page_size(out));

	err = err ? err
		  : fdt_setprop_string(page, 0, "compatible",
				       MEMBLOCK_KHO_NODE_COMPATIBLE);
	for (unsigned int i = 0; !err && i < out->nr_resmem; i++) {
		const struct kho_out_resmem *r = &out->resmem[i];
		int node = fdt_add_subnode(page, 0, r->name);

		if (node < 0)
			return -KHO_E_FDT;
		err = fdt_setprop_string(page, node, "compatible",
					 RESERVE_MEM_KHO_NODE_COMPATIBLE);
		if (!err)
			err = put_u64_prop(page, node, "start", r->start);
		if (!err)
			err = put_u64_prop(page, node, "size", r->size);
	}
	/* blob-size is the packed FDT, as Linux's sequential writer leaves it. */
	return err || fdt_pack(page) ? -KHO_E_FDT : 0;
}

static int resmem_args_ok(const struct kho_out *out, const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (!len || len >= RESERVE_MEM_NAME_SIZE || strchr(name, '/') ||
	    strchr(name, '@'))
		return -KHO_E_INVAL;
	for (unsigned int i = 0; i < out->nr_resmem; i++)
		if (!strcmp(out->resmem[i].name, name))
			return -KHO_E_DUP_BLOB;
	return out->nr_resmem == RESERVE_MEM_MAX_ENTRIES ? -KHO_E_NOSPC : 0;
}

/* Add name to the memblock sub-FDT and rewrite it (the region is preserved). */
static int list_resmem(struct kho_out *out, const char *name, u64 start, u64 size)
{
	struct kho_out_resmem *r;
	void *page;
	int err;

	r = &out->resmem[out->nr_resmem++];
	memcpy(r->name, name, strlen(name) + 1);
	r->start = start;
	r->size = size;
	page = kho_mem_ptr(out->mem, out->memblock_phys, page_size(out), &err);
	if (page)
		err = build_memblock(out, page);
	if (!err)
		err = set_blob(out, MEMBLOCK_KHO_FDT, out->memblock_phys,
			       fdt_totalsize(page));
	return err;
}

int kho_out_reserve_mem(struct kho_out *out, const char *name, u64 start, u64 size)
{
	int err;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	err = resmem_args_ok(out, name);
	if (err)
		return err;
	/* The region first: the blob page then cannot land on it. */
	err = kho_out_preserve_range(out, start, size);
	if (err < 0)
		return err;
	err = blob_slot(out, &out->memblock_phys);
	if (err) {
		unpreserve_range(out, start >> out->page_shift,
				 (start + size) >> out->page_shift,
				 (start + size) >> out->page_shift);
		return err;
	}
	return list_resmem(out, name, start, size);
}

int kho_out_reserve_mem_listed(struct kho_out *out, const char *name, u64 start, u64 size)
{
	int err;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	err = resmem_args_ok(out, name);
	if (!err && out->rm &&
	    !kho_rmap_covered(out->rm, start, start + size, KHO_KIND_PRESERVED))
		err = -KHO_E_PROTECTED;
	if (!err)
		err = blob_slot(out, &out->memblock_phys);
	return err ? err : list_resmem(out, name, start, size);
}

void kho_out_use_scratch(struct kho_out *out, u64 phys, u64 len)
{
	out->scratch_phys = phys;
	out->scratch_len = len;
}

int kho_out_metadata(struct kho_out *out, const char *release, u32 kexec_count)
{
	struct kho_kexec_metadata *m;
	size_t len;
	u64 phys;
	int err;

	if (!KHO_HAVE_OUT || kho_abi_is_v1(out->abi))
		return -KHO_E_ABI;
	len = release ? strlen(release) : 0;
	if (len > KHO_NEW_UTS_LEN)
		return -KHO_E_INVAL;
	if (fdt_subnode_offset(out->fdt, 0, KHO_METADATA_NODE_NAME) >= 0)
		return -KHO_E_DUP_BLOB;
	m = blob_page(out, &phys, &err);
	if (!m)
		return err;
	m->version = KHO_KEXEC_METADATA_VERSION;
	memcpy(m->previous_release, release, len);
	m->kexec_count = kexec_count;
	return kho_out_add_blob(out, KHO_METADATA_NODE_NAME, phys, sizeof(*m));
}

/* Entry i of the dma-alloc blob. */
static struct dma_alloc_ser *dma_entry(const struct kho_out *out, unsigned int i,
				       int *err)
{
	return kho_mem_ptr(out->mem, out->dma_phys + i * sizeof(struct dma_alloc_ser),
			   sizeof(struct dma_alloc_ser), err);
}

/* Bytes an allocation of size preserves: 1 << get_order(size) pages. */
static u64 dma_extent(const struct kho_out *out, u64 size)
{
	return page_size(out) << kho_get_order(size, out->page_shift);
}

/*
 * Two allocations on one block would share its bit in the map: unpreserving
 * either (kho_out_dma_truncate()) would drop the other's too.
 */
static int dma_overlap(const struct kho_out *out, u64 phys, u64 size)
{
	int err = 0;

	for (unsigned int i = 0; i < out->nr_dma; i++) {
		const struct dma_alloc_ser *e = dma_entry(out, i, &err);

		if (!e)
			return err;
		if (kho_overlaps(e->page_phys, dma_extent(out, e->size), phys,
				 dma_extent(out, size)))
			return -KHO_E_OVERLAP;
	}
	return 0;
}

int kho_out_remove_blob(struct kho_out *out, const char *name)
{
	int node;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	node = name ? fdt_subnode_offset(out->fdt, 0, name) : -1;
	if (node < 0)
		return -KHO_E_NOT_FOUND;
	return fdt_del_node(out->fdt, node) ? -KHO_E_FDT : 0;
}

int kho_out_dma_truncate(struct kho_out *out, unsigned int keep)
{
	int err = 0;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	if (keep > out->nr_dma)
		return -KHO_E_INVAL;
	while (out->nr_dma > keep) {
		struct dma_alloc_ser *e = dma_entry(out, out->nr_dma - 1, &err);

		if (!e)
			return err;
		/* A listed entry's block is someone else's: it stays preserved. */
		if (out->nr_dma > out->nr_dma_listed)
			err = kho_out_unpreserve(out, e->page_phys,
						 kho_get_order(e->size, out->page_shift));
		if (err)
			return err;
		memset(e, 0, sizeof(*e));
		out->nr_dma--;
	}
	if (out->nr_dma_listed > out->nr_dma)
		out->nr_dma_listed = out->nr_dma;
	if (out->nr_dma)
		return set_blob(out, DMA_ALLOC_KHO_BLOB, out->dma_phys,
				out->nr_dma * sizeof(struct dma_alloc_ser));
	if (!out->dma_phys)
		return 0;
	err = kho_out_remove_blob(out, DMA_ALLOC_KHO_BLOB);
	drop_blob(out, &out->dma_phys);
	return err == -KHO_E_NOT_FOUND ? 0 : err;
}

/* What a new entry must satisfy before anything is done for it. */
static int dma_args_ok(const struct kho_out *out, u64 phys, u64 size)
{
	if (!KHO_HAVE_OUT || kho_abi_is_v1(out->abi))
		return -KHO_E_ABI;
	if (!size)
		return -KHO_E_INVAL;
	if (out->nr_dma >= KHO_OUT_MAX_DMA ||
	    (out->nr_dma + 1) * sizeof(struct dma_alloc_ser) > page_size(out))
		return -KHO_E_NOSPC;
	if (kho_get_order(size, out->page_shift) >
	    kho_abi_max_order(out->abi, out->page_shift))
		return -KHO_E_ORDER;
	if (phys & (dma_extent(out, size) - 1))
		return -KHO_E_MISALIGNED;
	return dma_overlap(out, phys, size);
}

/*
 * Entry nr_dma, in the blob page (made on first use), with blob-size grown to
 * hold it; NULL and *err if that fails (a page made here is dropped again).
 */
static struct dma_alloc_ser *dma_append(struct kho_out *out, int *err)
{
	struct dma_alloc_ser *e = NULL;

	*err = blob_slot(out, &out->dma_phys);
	if (!*err)
		e = kho_mem_ptr(out->mem, out->dma_phys + out->nr_dma * sizeof(*e),
				sizeof(*e), err);
	if (e)
		*err = set_blob(out, DMA_ALLOC_KHO_BLOB, out->dma_phys,
				(out->nr_dma + 1) * sizeof(*e));
	if (!*err)
		return e;
	if (!out->nr_dma && out->dma_phys)
		drop_blob(out, &out->dma_phys);
	return NULL;
}

int kho_out_dma_alloc(struct kho_out *out, u64 phys, u64 size, u64 attrs, int decrypted)
{
	struct dma_alloc_ser *e;
	unsigned int order;
	int err = dma_args_ok(out, phys, size);

	if (err)
		return err;
	order = kho_get_order(size, out->page_shift);
	err = kho_out_preserve(out, phys, order);
	if (err)
		return err;
	e = dma_append(out, &err);
	if (!e) {
		kho_out_unpreserve(out, phys, order);
		return err;
	}
	memset(e, 0, sizeof(*e));
	e->page_phys = phys;
	e->size = size;
	e->attrs = attrs;
	e->force_decrypted = decrypted ? 1 : 0;
	out->nr_dma++;
	return 0;
}

int kho_out_dma_listed(struct kho_out *out, const struct dma_alloc_ser *in)
{
	struct dma_alloc_ser *e;
	int err = dma_args_ok(out, in->page_phys, in->size);

	if (!err && out->nr_dma > out->nr_dma_listed)
		err = -KHO_E_INVAL;
	if (!err && out->rm &&
	    !kho_rmap_covered(out->rm, in->page_phys,
			      in->page_phys + dma_extent(out, in->size),
			      KHO_KIND_PRESERVED))
		err = -KHO_E_PROTECTED;
	e = err ? NULL : dma_append(out, &err);
	if (!e)
		return err;
	memcpy(e, in, sizeof(*e));
	out->nr_dma++;
	out->nr_dma_listed++;
	return 0;
}

static int check_scratch_area(struct kho_out *out, const struct kho_scratch *s, u64 align)
{
	int err;

	if (!s->size)
		return 0;
	if ((s->addr | s->size) & (align - 1))
		return -KHO_E_SCRATCH_ALIGN;
	err = kho_mem_check_ram(out->mem, s->addr, s->size);
	if (!err && out->rm)
		err = kho_rmap_add(out->rm, s->addr, s->addr + s->size, KHO_KIND_SCRATCH,
				   NULL);
	return err;
}

int kho_out_scratch(struct kho_out *out, u64 phys, const struct kho_scratch *areas,
		    unsigned int n)
{
	u64 len = (u64)n * sizeof(*areas), align;
	struct kho_scratch *dst;
	int err;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	align = kho_abi_scratch_align(out->abi, out->page_shift);
	if (!n || len > KHO_EARLY_MAP_MAX)
		return -KHO_E_SCRATCH;
	if (phys & 7)
		return -KHO_E_MISALIGNED;
	for (unsigned int i = 0; i < n; i++) {
		err = check_scratch_area(out, &areas[i], align);
		if (err)
			return err;
	}
	dst = kho_mem_ptr(out->mem, phys, len, &err);
	if (!dst)
		return err;
	if (out->rm) {
		err = kho_rmap_carve(out->rm, phys, phys + len, KHO_KIND_META,
				     "scratch-array");
		if (err)
			return err;
	}
	memcpy(dst, areas, len);
	out->scratch_phys = phys;
	out->scratch_len = len;
	return 0;
}

int kho_out_finish(struct kho_out *out)
{
	u8 buf[8];
	int err = 0;

	if (kho_abi_is_v1(out->abi) ? !KHO_HAVE_OUT_V1 : !KHO_HAVE_OUT_RADIX)
		return -KHO_E_ABI;
	if (kho_abi_is_v1(out->abi))
		err = kho_v1_finish(&out->v1, out->mem, out->abi == KHO_ABI_V1_4K_NZ,
				    &out->pa, out->rm, &out->map);
	else if (!out->map)
		/* 7.1+ need a root page even when nothing is preserved. */
		kho_alloc_map_page(out->mem, out->page_shift, &out->pa, out->rm,
				   &out->map, &err);
	if (err)
		return err;
	kho_put_u64(buf, out->map);
	return fdt_setprop_inplace(out->fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, buf, 8)
		       ? -KHO_E_FDT
		       : 0;
}

int kho_out_chosen(const struct kho_out *out, void *dt)
{
	struct kho_chosen ch = {
		.fdt_phys = out->fdt_phys,
		.fdt_len = page_size(out),
		.scratch_phys = out->scratch_phys,
		.scratch_len = out->scratch_len,
	};

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	if (!out->scratch_len)
		return -KHO_E_INVAL;
	return kho_dt_set_chosen(dt, &ch);
}
