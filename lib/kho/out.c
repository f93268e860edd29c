/* SPDX-License-Identifier: MIT */
/* Produce: build a KHO handover the receiving Linux accepts. */
#include <kho/config.h>
#include <kho/err.h>
#include <kho/out.h>
#include <libfdt.h>
#include <stddef.h>
#include <string.h>
#include "walk.h"

/* u64 properties are written from a u64 variable: native order, as Linux writes them. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "native u64 properties");

/*
 * An entry of the dma-alloc blob as it lies in its page, 8-byte aligned: the
 * packed ABI type would be read and written a byte at a time (-mstrict-align).
 */
struct dma_ent {
	u64 page_phys;
	u64 size;
	u64 attrs;
	u8 force_decrypted;
	u8 padding[7];
};
_Static_assert(sizeof(struct dma_ent) == sizeof(struct dma_alloc_ser) &&
		       offsetof(struct dma_ent, attrs) ==
			       offsetof(struct dma_alloc_ser, attrs) &&
		       offsetof(struct dma_ent, force_decrypted) ==
			       offsetof(struct dma_alloc_ser, force_decrypted),
	       "dma_ent mirrors dma_alloc_ser");
/* Every entry fits the blob page, whatever the page size. */
_Static_assert(KHO_OUT_MAX_DMA * sizeof(struct dma_ent) <= 4096, "dma-alloc blob page");

unsigned int kho_get_order(u64 size, unsigned int page_shift)
{
	/* The bits of size - 1 above the page offset, without a 64-bit shift. */
	unsigned int bits = size - 1 ? 64 - (unsigned int)__builtin_clzll(size - 1) : 0;

	return bits > page_shift ? bits - page_shift : 0;
}

unsigned int kho_split_order(u64 pfn, u64 end_pfn)
{
	unsigned int tz = pfn ? (unsigned int)__builtin_ctzll(pfn) : 63;
	unsigned int lg = 63 - (unsigned int)__builtin_clzll(end_pfn - pfn);

	return tz < lg ? tz : lg;
}

/* Bytes of a block of 2^order pages. */
static KHO_SHIFT64_FN u64 block_size(const struct kho_out *out, unsigned int order)
{
	return (u64)1 << (out->page_shift + order);
}

/* Pages are at most 64 KiB: a 32-bit shift. */
static u32 page_size(const struct kho_out *out)
{
	return 1u << out->page_shift;
}

/*
 * May [start, end) join the preserved ranges of rm? Preserved memory may overlap
 * itself (1 if it does, 0 if nothing is there); anything else is -KHO_E_OVERLAP,
 * and firmware anywhere in the range -KHO_E_PROTECTED (not only when it is the
 * first range met). A labelled preserved range is another owner's: -KHO_E_OVERLAP.
 */
static int rm_conflict(const struct kho_rmap *rm, u64 start, u64 end)
{
	unsigned int kinds = kho_rmap_kinds(rm, start, end);

	if (kinds & 1u << KHO_KIND_FIRMWARE)
		return -KHO_E_PROTECTED;
	if (kinds & ~(1u << KHO_KIND_PRESERVED))
		return -KHO_E_OVERLAP;
	return kinds != 0;
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

/*
 * -KHO_E_ORDER or -KHO_E_MISALIGNED unless phys starts a block of 2^order pages
 * this ABI takes; *len gets the block's bytes.
 */
static int block_check(const struct kho_out *out, u64 phys, unsigned int order, u64 *len)
{
	if (order > out->max_order)
		return -KHO_E_ORDER;
	*len = block_size(out, order);
	return phys & (*len - 1) ? -KHO_E_MISALIGNED : 0;
}

/*
 * The checks kho_out_preserve() makes before it touches the map or rm: an error,
 * or rm_conflict()'s 1 if rm holds preserved memory there already, else 0.
 */
static int preserve_check(struct kho_out *out, u64 phys, unsigned int order)
{
	u64 size;
	int err = block_check(out, phys, order, &size);

	if (!err)
		err = kho_mem_check_ram(out->mem, phys, size);
	if (!err && out->rm)
		err = rm_conflict(out->rm, phys, phys + size);
	return err;
}

int kho_out_preserve(struct kho_out *out, u64 phys, unsigned int order)
{
	u64 end;
	int err, had;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	/*
	 * Memory already preserved there (a forwarded block) stays so if the map
	 * refuses the block: only a block that was all new is taken out again.
	 */
	had = preserve_check(out, phys, order);
	if (had < 0)
		return had;
	end = phys + block_size(out, order);
	if (out->rm) {
		err = kho_rmap_add(out->rm, phys, end, KHO_KIND_PRESERVED, NULL);
		if (err)
			return err;
	}
	err = map_set(out, phys, order, 1);
	if (err && out->rm && !had)
		kho_rmap_remove(out->rm, phys, end, KHO_KIND_PRESERVED);
	return err;
}

int kho_out_unpreserve(struct kho_out *out, u64 phys, unsigned int order)
{
	u64 size = block_size(out, order);
	int err;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	err = map_set(out, phys, order, 0);
	if (!err && out->rm)
		err = kho_rmap_remove(out->rm, phys, phys + size, KHO_KIND_PRESERVED);
	return err;
}

/* The blocks of the kernel's greedy split of [at, end) that start below stop. */
struct span {
	u64 at, end, stop;
};

typedef int block_fn(struct kho_out *out, u64 phys, unsigned int order);

/*
 * Walk s (page-aligned bytes), capped at the largest order this ABI takes:
 * fn (check, preserve or unpreserve) each block. Stops at the first error (< 0), with
 * s->at on the block that failed. Returns the number of blocks or the error.
 * The split of the byte addresses is that of the page frames plus page_shift,
 * so no address is shifted.
 */
static int each_block(struct kho_out *out, struct span *s, block_fn *fn)
{
	unsigned int max = out->max_order;
	int err, count = 0;

	for (; s->at < s->stop; count++) {
		unsigned int order = kho_split_order(s->at, s->end) - out->page_shift;

		order = order < max ? order : max;
		err = fn(out, s->at, order);
		if (err < 0)
			return err;
		s->at += block_size(out, order);
	}
	return count;
}

/* An unwind goes on past a block it could not clear. */
static int unpreserve_block(struct kho_out *out, u64 phys, unsigned int order)
{
	kho_out_unpreserve(out, phys, order);
	return 0;
}

/* Unwind the blocks of s from start up to s->at, which kho_out_preserve_range() set. */
static void unpreserve_span(struct kho_out *out, struct span *s, u64 start)
{
	s->stop = s->at;
	s->at = start;
	each_block(out, s, unpreserve_block);
}

int kho_out_preserve_range(struct kho_out *out, u64 phys, u64 size)
{
	struct span s = { phys, phys + size, phys + size };
	int ret;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	if (!size || ((phys | size) & (page_size(out) - 1)))
		return -KHO_E_INVAL;
	if (s.end < phys)
		return -KHO_E_WRAP;
	/*
	 * Check every block first: the unwind below cannot tell a block this call
	 * set from the same block preserved by an earlier call, and would drop both.
	 */
	ret = each_block(out, &s, preserve_check);
	if (ret < 0)
		return ret;
	s.at = phys;
	ret = each_block(out, &s, kho_out_preserve);
	if (ret < 0)
		unpreserve_span(out, &s, phys);
	return ret;
}

/*
 * A zeroed page for a blob, preserved as one order-0 block; *phys stays 0 if that
 * fails. It is written only once preserved: the checks (RAM, rm) come before the
 * memset. pa.alloc is set: kho_out_init() refuses a pa without one.
 */
static void *blob_page(struct kho_out *out, u64 *phys, int *err)
{
	u32 len = page_size(out);
	void *p = NULL;
	int e = out->pa.alloc(out->pa.arg, phys);

	if (e)
		*err = e < 0 ? e : -KHO_E_NOMEM;
	else if ((p = kho_mem_ptr(out->mem, *phys, len, err)))
		*err = kho_out_preserve(out, *phys, 0);
	if (!p || *err) {
		*phys = 0;
		return NULL;
	}
	return memset(p, 0, len);
}

/*
 * A region [r[0], r[0] + r[1]) going into one of our blobs: preserved here (with
 * the kernel's split) unless listed, in which case rm, if any, must hold it
 * preserved already. Then the blob page at *slot (*page), made on first use:
 * after the region, so it cannot land on it. If that fails, the region is
 * unpreserved again and *slot stays 0.
 */
static int claim(struct kho_out *out, const u64 *r, int listed, u64 *slot, void **page)
{
	u64 start = r[0], size = r[1];
	int err;

	if (listed)
		err = out->rm && !kho_rmap_covered(out->rm, start, start + size,
						   KHO_KIND_PRESERVED)
			      ? -KHO_E_PROTECTED
			      : 0;
	else
		err = kho_out_preserve_range(out, start, size);
	if (err < 0 || *slot)
		return err < 0 ? err : 0;
	*page = blob_page(out, slot, &err);
	if (!*page && !listed) {
		struct span s = { start + size, start + size, 0 };

		unpreserve_span(out, &s, start);
	}
	return *page ? 0 : err;
}

/* Create or replace property name of node (an existing one of the same length in place).
 */
static int set_prop(void *fdt, int node, const char *name, const void *val, int len)
{
	return fdt_setprop(fdt, node, name, val, len) ? -KHO_E_FDT : 0;
}

static int set_u64(void *fdt, int node, const char *name, const u64 *v)
{
	return set_prop(fdt, node, name, v, sizeof(*v));
}

static int set_compatible(void *fdt, int node, const char *compat)
{
	return set_prop(fdt, node, "compatible", compat, (int)strlen(compat) + 1);
}

/* An empty tree of size bytes at fdt whose root is compatible with compat. */
static int new_tree(void *fdt, u32 size, const char *compat)
{
	return fdt_create_empty_tree(fdt, (int)size) ? -KHO_E_FDT
						     : set_compatible(fdt, 0, compat);
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
	out->max_order = kho_abi_max_order(abi, page_shift);
	if (KHO_HAVE_OUT_V1)
		kho_v1_builder_init(&out->v1, kho_abi_bitmap_bytes(abi));
	out->fdt = blob_page(out, &out->fdt_phys, &err);
	if (!out->fdt)
		return err;
	err = new_tree(out->fdt, page_size(out), kho_abi_compatible(abi));
	return err ? err : set_u64(out->fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &out->map);
}

/* The length of node name name, 0 if it is NULL or empty or holds a '/' or c. */
static unsigned int node_name_len(const char *name, char c)
{
	unsigned int n = 0;

	for (; name && name[n]; n++)
		if (name[n] == '/' || name[n] == c)
			return 0;
	return n;
}

/* Point blob node (a fdt_add_subnode() result) at [b[0], b[0] + b[1]). */
static int blob_props(struct kho_out *out, int node, const u64 *b)
{
	int err;

	if (node < 0)
		return -KHO_E_FDT;
	if (kho_abi_is_v1(out->abi))
		return set_u64(out->fdt, node, KHO_V1_SUB_TREE_PROP_NAME, b);
	err = set_u64(out->fdt, node, KHO_SUB_TREE_PROP_NAME, b);
	return err ? err : set_u64(out->fdt, node, KHO_SUB_TREE_SIZE_PROP_NAME, b + 1);
}

int kho_out_add_blob(struct kho_out *out, const char *name, u64 phys, u64 size)
{
	u64 b[2] = { phys, size };
	int node;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	if (!node_name_len(name, '/'))
		return -KHO_E_INVAL;
	node = fdt_add_subnode(out->fdt, 0, name);
	if (node == -FDT_ERR_EXISTS)
		return -KHO_E_DUP_BLOB;
	return blob_props(out, node, b);
}

/* Add one of our blobs on first use, else rewrite its properties in place. */
static int set_blob(struct kho_out *out, const char *name, const u64 *slot, u32 size)
{
	u64 b[2] = { *slot, size };
	int node = fdt_subnode_offset(out->fdt, 0, name);

	if (node < 0)
		node = fdt_add_subnode(out->fdt, 0, name);
	return blob_props(out, node, b);
}

/*
 * Add node name for [r[0], r[0] + r[1]) to the memblock sub-FDT mb, which holds
 * the nr_resmem earlier ones (none: a new tree). fdt_add_subnode() puts it
 * before them, so the nodes run newest first. blob-size is the packed FDT, as
 * Linux's sequential writer leaves it: the tree is reopened to the page first.
 */
static int memblock_add(struct kho_out *out, void *mb, const char *name, const u64 *r)
{
	u32 len = page_size(out);
	int node, err;

	if (out->nr_resmem)
		err = fdt_open_into(mb, mb, (int)len) ? -KHO_E_FDT : 0;
	else
		err = new_tree(mb, len, MEMBLOCK_KHO_NODE_COMPATIBLE);
	node = err ? err : fdt_add_subnode(mb, 0, name);
	/* Each is 0 or -KHO_E_FDT: one test for the three. */
	err = node < 0 ? -KHO_E_FDT
		       : set_compatible(mb, node, RESERVE_MEM_KHO_NODE_COMPATIBLE) |
				 set_u64(mb, node, "start", r) |
				 set_u64(mb, node, "size", r + 1);
	if (!err && fdt_pack(mb))
		err = -KHO_E_FDT;
	return err;
}

/*
 * kho_out_reserve_mem() (listed 0) and kho_out_reserve_mem_listed(): add name to
 * the memblock sub-FDT, preserving the region first unless listed.
 */
static int reserve_mem(struct kho_out *out, const char *name, u64 start, u64 size,
		       int listed)
{
	u64 r[2] = { start, size };
	unsigned int len = node_name_len(name, '@');
	int err;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	if (!len || len >= RESERVE_MEM_NAME_SIZE)
		return -KHO_E_INVAL;
	if (out->nr_resmem && fdt_subnode_offset(out->memblock, 0, name) >= 0)
		return -KHO_E_DUP_BLOB;
	if (out->nr_resmem == RESERVE_MEM_MAX_ENTRIES)
		return -KHO_E_NOSPC;
	err = claim(out, r, listed, &out->memblock_phys, &out->memblock);
	if (!err)
		err = memblock_add(out, out->memblock, name, r);
	if (err)
		return err;
	out->nr_resmem++;
	return set_blob(out, MEMBLOCK_KHO_FDT, &out->memblock_phys,
			fdt_totalsize(out->memblock));
}

int kho_out_reserve_mem(struct kho_out *out, const char *name, u64 start, u64 size)
{
	return reserve_mem(out, name, start, size, 0);
}

int kho_out_reserve_mem_listed(struct kho_out *out, const char *name, u64 start, u64 size)
{
	return reserve_mem(out, name, start, size, 1);
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
	return set_blob(out, KHO_METADATA_NODE_NAME, &phys, sizeof(*m));
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
	struct dma_ent *t = out->dma;
	int err = 0;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	if (keep > out->nr_dma)
		return -KHO_E_INVAL;
	while (out->nr_dma > keep) {
		struct dma_ent *e = &t[out->nr_dma - 1];

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
		return set_blob(out, DMA_ALLOC_KHO_BLOB, &out->dma_phys,
				out->nr_dma * sizeof(*t));
	if (!out->dma_phys)
		return 0;
	/* The blob page goes too: a failed first kho_out_dma_alloc() preserves nothing.
	 */
	err = kho_out_remove_blob(out, DMA_ALLOC_KHO_BLOB);
	kho_out_unpreserve(out, out->dma_phys, 0);
	out->dma_phys = 0;
	out->dma = NULL;
	return err == -KHO_E_NOT_FOUND ? 0 : err;
}

/*
 * Do the naturally aligned blocks of 2^order pages at a and at b overlap? Only
 * if they lie in one block of the larger order.
 */
static int blocks_overlap(const struct kho_out *out, u64 a, unsigned int order, u64 b,
			  unsigned int order_b)
{
	return (a ^ b) < block_size(out, order > order_b ? order : order_b);
}

/*
 * What entry in must satisfy before anything is done for it, as
 * kho_out_dma_alloc() (listed 0) or kho_out_dma_listed() adds it; *len gets
 * its block's bytes. Two allocations on one block would share its bit
 * in the map: unpreserving either (kho_out_dma_truncate()) would drop the
 * other's too. Entries in the table passed these checks: their blocks are aligned.
 */
static int dma_check(const struct kho_out *out, const struct dma_ent *in, int listed,
		     u64 *len)
{
	const struct dma_ent *t = out->dma; /* NULL while n is 0 */
	unsigned int n = out->nr_dma, order;
	int err;

	if (!KHO_HAVE_OUT || kho_abi_is_v1(out->abi))
		return -KHO_E_ABI;
	if (!in->size)
		return -KHO_E_INVAL;
	if (n >= KHO_OUT_MAX_DMA)
		return -KHO_E_NOSPC;
	order = kho_get_order(in->size, out->page_shift);
	err = block_check(out, in->page_phys, order, len);
	for (unsigned int i = 0; !err && i < n; i++)
		if (blocks_overlap(out, t[i].page_phys,
				   kho_get_order(t[i].size, out->page_shift),
				   in->page_phys, order))
			err = -KHO_E_OVERLAP;
	if (!err && listed && n > out->nr_dma_listed)
		err = -KHO_E_INVAL;
	return err;
}

/*
 * Add entry in after dma_check(), preserving its block unless listed. The blob
 * page is made on first use, and blob-size grown to hold the entry; on error
 * what was done here is undone.
 */
static int dma_add(struct kho_out *out, const struct dma_ent *in, int listed)
{
	unsigned int n = out->nr_dma;
	struct dma_ent *t;
	u64 r[2] = { in->page_phys, 0 };
	int err = dma_check(out, in, listed, &r[1]);

	if (!err)
		err = claim(out, r, listed, &out->dma_phys, &out->dma);
	if (err)
		return err;
	t = out->dma;
	t[n] = *in;
	out->nr_dma = n + 1;
	out->nr_dma_listed += listed ? 1 : 0;
	err = set_blob(out, DMA_ALLOC_KHO_BLOB, &out->dma_phys, (n + 1) * sizeof(*t));
	if (err)
		kho_out_dma_truncate(out, n);
	return err;
}

int kho_out_dma_alloc(struct kho_out *out, u64 phys, u64 size, u64 attrs, int decrypted)
{
	struct dma_ent e = { phys, size, attrs, decrypted ? 1 : 0, { 0 } };

	return dma_add(out, &e, 0);
}

int kho_out_dma_listed(struct kho_out *out, const struct dma_alloc_ser *in)
{
	struct dma_ent e;

	memcpy(&e, in, sizeof(e));
	return dma_add(out, &e, 1);
}

static int check_scratch_area(struct kho_out *out, const struct kho_scratch *s, u64 mask)
{
	int err;

	if ((s->addr | s->size) & mask)
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
	/* At most KHO_EARLY_MAP_MAX bytes: the length fits 32 bits. */
	u32 len = n * (u32)sizeof(*areas);
	struct kho_scratch *dst;
	u64 mask;
	int err;

	if (!KHO_HAVE_OUT)
		return -KHO_E_ABI;
	if (!n || n > KHO_EARLY_MAP_MAX / sizeof(*areas))
		return -KHO_E_SCRATCH;
	if (phys & 7)
		return -KHO_E_MISALIGNED;
	mask = kho_abi_scratch_align(out->abi, out->page_shift) - 1;
	for (unsigned int i = 0; i < n; i++) {
		/* Zero-size entries are kept as they are. */
		err = areas[i].size ? check_scratch_area(out, &areas[i], mask) : 0;
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
	kho_out_use_scratch(out, phys, len);
	return 0;
}

int kho_out_finish(struct kho_out *out)
{
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
	return err ? err : set_u64(out->fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &out->map);
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
