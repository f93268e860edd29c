/* SPDX-License-Identifier: MIT */
/*
 * The kho-v3/v4 radix tree (Linux 7.1-7.3): key encoding, a validating walk that
 * reports runs, and insertion with caller-provided node pages.
 */
#include <kho/err.h>
#include <kho/map.h>
#include "walk.h"

/*
 * KHO_TREE_MAX_DEPTH() without its division, a libgcc call on AArch32, for the
 * page sizes struct kho_walk allows.
 */
#define DEPTH(p) (12u - (p) / 2)
_Static_assert(DEPTH(12) == KHO_TREE_MAX_DEPTH(12) &&
		       DEPTH(14) == KHO_TREE_MAX_DEPTH(14) &&
		       DEPTH(16) == KHO_TREE_MAX_DEPTH(16),
	       "tree depth");

static unsigned int msb64(u64 x)
{
	return 63u - (unsigned int)__builtin_clzll(x);
}

u64 kho_radix_encode(u64 phys, unsigned int order, unsigned int page_shift)
{
	unsigned int shift = page_shift + order;

	/* order > 63 - p also catches a sum that wraps. */
	if (order > 63 - page_shift || (phys & (((u64)1 << shift) - 1)))
		return 0;
	/* The order bit is 1 << (64 - shift): shifted in from above phys. */
	return (phys >> 1 | (u64)1 << 63) >> (shift - 1);
}

int kho_radix_decode(u64 key, unsigned int page_shift, u64 *phys, unsigned int *order)
{
	unsigned int ob = key ? msb64(key) : 0;

	if (ob == 0 || ob >= KHO_RADIX_KEY_WIDTH(page_shift))
		return -KHO_E_KEY;
	*order = 64 - page_shift - ob;
	*phys = key << (64 - ob); /* shifts the order bit out */
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

/*
 * The node at phys, whose slot or bit 0 has key prefix: a table above level 0,
 * a leaf at it. Keys too small to hold a leaf's bit index encode orders beyond
 * any page size: such a leaf must be empty, which kho_walk_bitmap() checks when
 * given order ~0u. A prefix has no bit below a leaf's bit index, so the only such
 * key is 0.
 */
static int walk_node(struct kho_walk *w, u64 phys, unsigned int level, u64 prefix)
{
	unsigned int p = w->page_shift, n = 1u << (p - 3), order = ~0u;
	unsigned int shift =
		KHO_BITMAP_SIZE_LOG2(p) + KHO_TABLE_SIZE_LOG2(p) * (level - 1);
	/* Slots from 1 << room on would make keys wider than the ABI's (room >= 1). */
	unsigned int room = KHO_RADIX_KEY_WIDTH(p) - shift;
	u64 key = 0;
	int err;
	const u64 *t = kho_walk_map_page(w, phys, 1u << p, 1u << p, &err);

	if (!t)
		return err;
	if (!level) {
		if (prefix) {
			err = kho_radix_decode(prefix, p, &key, &order);
			if (err)
				return err;
			if (w->leaf)
				return w->leaf(w->arg, prefix, t);
		}
		return kho_walk_bitmap(w, t, n, key, order);
	}
	for (unsigned int i = 0; (i = kho_walk_skip_zero(t, i, n)) < n; i++) {
		if (room < p - 3 && i >> room)
			return -KHO_E_KEY;
		err = walk_node(w, t[i], level - 1, prefix | (u64)i << shift);
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
	return walk_node(w, root, DEPTH(w->page_shift) - 1, 0);
}

/* A tree being written: pages come from pa, zeroed and recorded in seen. */
struct tree {
	const struct kho_mem *mem;
	unsigned int p;
	u64 *root;
	const struct kho_page_alloc *pa;
	struct kho_rmap *seen;
};

/*
 * The leaf page for key. With create, the root and missing tables and leaf are
 * allocated; without, NULL and *err 0 if the path ends early.
 */
static u64 *leaf_of(const struct tree *tr, u64 key, int create, int *err)
{
	unsigned int p = tr->p;
	u64 *slot = tr->root;

	*err = 0;
	for (unsigned int level = DEPTH(p);; level--) {
		u64 *t;

		if (!*slot && (!create || !kho_alloc_map_page(tr->mem, p, tr->pa,
							      tr->seen, slot, err)))
			return NULL;
		t = kho_mem_ptr(tr->mem, *slot, 1u << p, err);
		if (!t || level == 1)
			return t;
		slot = &t[kho_radix_table_index(key, level - 1, p)];
	}
}

int kho_radix_set(const struct kho_mem *mem, unsigned int page_shift, u64 *root, u64 key,
		  int value, const struct kho_page_alloc *pa, struct kho_rmap *seen)
{
	struct tree tr = { mem, page_shift, root, pa, seen };
	unsigned int bit = kho_radix_bit_index(key, page_shift);
	u8 *t;
	int err;

	if (!key || key >> KHO_RADIX_KEY_WIDTH(page_shift))
		return -KHO_E_KEY;
	t = (u8 *)leaf_of(&tr, key, value, &err);
	if (!t)
		return err;
	/* Native u64 words on a little-endian CPU: bit b is byte b/8, bit b%8. */
	if (value)
		t[bit / 8] |= (u8)(1u << (bit % 8));
	else
		t[bit / 8] &= (u8) ~(1u << (bit % 8));
	return 0;
}

static int merge_leaf(void *arg, u64 prefix, const u64 *src)
{
	const struct tree *tr = arg;
	unsigned int n = 1u << (tr->p - 3), i;
	u64 *dst;
	int err;

	i = kho_walk_skip_zero(src, 0, n);
	if (i == n)
		return 0;
	dst = leaf_of(tr, prefix, 1, &err);
	if (!dst)
		return err;
	for (; i < n; i++)
		dst[i] |= src[i];
	return 0;
}

int kho_radix_merge(const struct kho_mem *mem, unsigned int page_shift, u64 *root,
		    u64 src, const struct kho_page_alloc *pa, struct kho_rmap *rm)
{
	struct tree tr = { mem, page_shift, root, pa, rm };
	struct kho_walk w = {
		.mem = mem, .page_shift = page_shift, .leaf = merge_leaf, .arg = &tr
	};
	const struct kho_range *r = rm ? kho_rmap_find(rm, src) : NULL;

	/* The walk that protected src recorded its root first. */
	if (src && (!r || (r->kind != KHO_KIND_MAP && r->kind != KHO_KIND_PRESERVED)))
		return -KHO_E_INVAL;
	return kho_radix_walk(&w, src);
}
