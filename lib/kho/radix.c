/* SPDX-License-Identifier: MIT */
/*
 * The kho-v3/v4 radix tree (Linux 7.1-7.3): key encoding, a validating walk that
 * reports runs, and insertion with caller-provided node pages.
 */
#include <kho/err.h>
#include <kho/map.h>
#include "walk.h"

static unsigned int msb64(u64 x)
{
	return 63u - (unsigned int)__builtin_clzll(x);
}

u64 kho_radix_encode(u64 phys, unsigned int order, unsigned int page_shift)
{
	unsigned int shift = page_shift + order;

	if (shift >= 64 || order > 64 - page_shift - 1 ||
	    (phys & (((u64)1 << shift) - 1)))
		return 0;
	return ((u64)1 << (64 - shift)) | (phys >> shift);
}

int kho_radix_decode(u64 key, unsigned int page_shift, u64 *phys, unsigned int *order)
{
	unsigned int ob;

	if (!key)
		return -KHO_E_KEY;
	ob = msb64(key);
	if (ob == 0 || ob >= KHO_RADIX_KEY_WIDTH(page_shift))
		return -KHO_E_KEY;
	*order = 64 - page_shift - ob;
	*phys = (key & (((u64)1 << ob) - 1)) << (page_shift + *order);
	return 0;
}

unsigned int kho_radix_table_index(u64 key, unsigned int level, unsigned int page_shift)
{
	unsigned int shift = KHO_BITMAP_SIZE_LOG2(page_shift) +
			     KHO_TABLE_SIZE_LOG2(page_shift) * (level - 1);

	return shift >= 64
		       ? 0
		       : (unsigned int)((key >> shift) &
					((1u << KHO_TABLE_SIZE_LOG2(page_shift)) - 1));
}

unsigned int kho_radix_bit_index(u64 key, unsigned int page_shift)
{
	return (unsigned int)(key & ((1u << KHO_BITMAP_SIZE_LOG2(page_shift)) - 1));
}

/* Number of usable slots at level: the key is only KEY_WIDTH bits wide. */
static u64 slots_at(unsigned int level, unsigned int p)
{
	unsigned int low = KHO_BITMAP_SIZE_LOG2(p) + KHO_TABLE_SIZE_LOG2(p) * (level - 1);
	unsigned int width = KHO_RADIX_KEY_WIDTH(p);
	u64 all = (u64)1 << KHO_TABLE_SIZE_LOG2(p);

	if (width <= low)
		return 1;
	return width - low >= KHO_TABLE_SIZE_LOG2(p) ? all : (u64)1 << (width - low);
}

static int walk_leaf(struct kho_walk *w, u64 phys, u64 prefix)
{
	unsigned int p = w->page_shift, order;
	u64 size = (u64)1 << p, base;
	const u64 *bits;
	int err;

	bits = kho_walk_map_page(w, phys, size, size, &err);
	if (!bits)
		return err;
	if (prefix >> KHO_BITMAP_SIZE_LOG2(p) == 0) {
		/* Keys this small encode orders beyond any page size: must be empty. */
		for (u64 i = 0; i < size / 8; i++)
			if (bits[i])
				return -KHO_E_ORDER;
		return 0;
	}
	/* Every key in a leaf shares its order bit: one order, one base. */
	err = kho_radix_decode(prefix | 1, p, &base, &order);
	if (err)
		return err;
	if (w->leaf)
		return w->leaf(w->arg, prefix, bits);
	base = (prefix & (((u64)1 << msb64(prefix)) - 1)) << (p + order);
	return kho_walk_bitmap(w, bits, size / 8, base, order);
}

static int walk_table(struct kho_walk *w, u64 phys, unsigned int level, u64 prefix)
{
	unsigned int p = w->page_shift;
	unsigned int shift =
		KHO_BITMAP_SIZE_LOG2(p) + KHO_TABLE_SIZE_LOG2(p) * (level - 1);
	u64 size = (u64)1 << p, n = size / 8, usable = slots_at(level, p);
	const u64 *table;
	int err;

	table = kho_walk_map_page(w, phys, size, size, &err);
	if (!table)
		return err;
	for (u64 i = 0; i < n; i++) {
		u64 child = table[i], key;

		if (!child) {
			/* Mostly empty: the next slots four at a time. */
			while (i + 4 < n && !(table[i + 1] | table[i + 2] | table[i + 3] |
					      table[i + 4]))
				i += 4;
			continue;
		}
		key = prefix | (i << shift);
		if (i >= usable)
			return -KHO_E_KEY;
		err = level == 1 ? walk_leaf(w, child, key)
				 : walk_table(w, child, level - 1, key);
		if (err)
			return err;
	}
	return 0;
}

int kho_radix_walk(struct kho_walk *w, u64 root)
{
	if (!root)
		return -KHO_E_MAP_ZERO;
	w->nodes = 0;
	w->blocks = 0;
	w->bytes = 0;
	return walk_table(w, root, KHO_TREE_MAX_DEPTH(w->page_shift) - 1, 0);
}

/*
 * The leaf page for key in the tree at *root. With create, the root and missing
 * tables and leaf are allocated from pa (zeroed, recorded in seen); without, NULL
 * and *err 0 if the path ends early.
 */
static u64 *leaf_of(const struct kho_mem *mem, unsigned int p, u64 *root, u64 key,
		    int create, const struct kho_page_alloc *pa, struct kho_rmap *seen,
		    int *err)
{
	u64 size = (u64)1 << p, *slot = root;

	*err = 0;
	for (unsigned int level = KHO_TREE_MAX_DEPTH(p);; level--) {
		u64 *t;

		if (!*slot) {
			if (!create || !kho_alloc_map_page(mem, p, pa, seen, slot, err))
				return NULL;
		}
		t = kho_mem_ptr(mem, *slot, size, err);
		if (!t || level == 1)
			return t;
		slot = &t[kho_radix_table_index(key, level - 1, p)];
	}
}

int kho_radix_set(const struct kho_mem *mem, unsigned int page_shift, u64 *root, u64 key,
		  int value, const struct kho_page_alloc *pa, struct kho_rmap *seen)
{
	u64 bit, *t;
	int err;

	if (!key || msb64(key) >= KHO_RADIX_KEY_WIDTH(page_shift))
		return -KHO_E_KEY;
	t = leaf_of(mem, page_shift, root, key, value, pa, seen, &err);
	if (!t)
		return err;
	bit = kho_radix_bit_index(key, page_shift);
	if (value)
		t[bit / 64] |= (u64)1 << (bit % 64);
	else
		t[bit / 64] &= ~((u64)1 << (bit % 64));
	return 0;
}

struct merge {
	const struct kho_mem *mem;
	unsigned int p;
	u64 *root;
	const struct kho_page_alloc *pa;
	struct kho_rmap *rm;
};

static int merge_leaf(void *arg, u64 prefix, const u64 *src)
{
	const struct merge *m = arg;
	u64 n = ((u64)1 << m->p) / 8, i, *dst;
	int err;

	for (i = 0; i < n && !src[i]; i++)
		;
	if (i == n)
		return 0;
	dst = leaf_of(m->mem, m->p, m->root, prefix, 1, m->pa, m->rm, &err);
	if (!dst)
		return err;
	for (; i < n; i++)
		dst[i] |= src[i];
	return 0;
}

int kho_radix_merge(const struct kho_mem *mem, unsigned int page_shift, u64 *root,
		    u64 src, const struct kho_page_alloc *pa, struct kho_rmap *rm)
{
	struct merge m = { mem, page_shift, root, pa, rm };
	struct kho_walk w = {
		.mem = mem, .page_shift = page_shift, .leaf = merge_leaf, .arg = &m
	};
	const struct kho_range *r = rm ? kho_rmap_find(rm, src) : NULL;

	/* The walk that protected src recorded its root first. */
	if (src && (!r || (r->kind != KHO_KIND_MAP && r->kind != KHO_KIND_PRESERVED)))
		return -KHO_E_INVAL;
	return kho_radix_walk(&w, src);
}
