/* SPDX-License-Identifier: MIT */
/*
 * The kho-v1 preserved-memory map (Linux 6.16-7.0): a linked list of chunk pages,
 * each naming bitmaps of one order. 512-byte bitmaps up to 6.17.8, 4 KiB after.
 */
#include <kho/err.h>
#include <kho/map.h>
#include <string.h>
#include "walk.h"

#define PAGE 4096u

/* Bytes covered by n blocks of order. */
static KHO_SHIFT64_FN u64 blocks_bytes(unsigned int n, unsigned int order)
{
	return (u64)n << (12 + order);
}

static int walk_chunk(struct kho_walk *w, const struct khoser_mem_chunk *c,
		      unsigned int bitmap_bytes)
{
	unsigned int order = c->hdr.order;
	int err;

	if (c->hdr.num_elms > KHOSER_BITMAP_SIZE)
		return -KHO_E_COUNT;
	if (c->hdr.num_elms && (order > w->max_order || order > KHO_V1_MAX_ORDER))
		return -KHO_E_ORDER;
	for (u32 i = 0; i < c->hdr.num_elms; i++) {
		const struct khoser_mem_bitmap_ptr *e = &c->bitmaps[i];
		const u64 *bits;

		if (e->phys_start & (blocks_bytes(bitmap_bytes * 8, order) - 1))
			return -KHO_E_MISALIGNED;
		bits = kho_walk_map_page(w, e->bitmap, bitmap_bytes, 8, &err);
		if (!bits)
			return err;
		err = kho_walk_bitmap(w, bits, bitmap_bytes / 8, e->phys_start, order);
		if (err)
			return err;
	}
	return 0;
}

int kho_v1_walk(struct kho_walk *w, u64 head, unsigned int bitmap_bytes)
{
	int err;

	if (w->page_shift != 12 || (bitmap_bytes != KHO_V1_BITMAP_BYTES_512 &&
				    bitmap_bytes != KHO_V1_BITMAP_BYTES_4K))
		return -KHO_E_INVAL;
	w->nodes = 0;
	w->blocks = 0;
	w->bytes = 0;
	while (head) {
		const struct khoser_mem_chunk *c =
			kho_walk_map_page(w, head, PAGE, PAGE, &err);

		if (!c)
			return err;
		err = walk_chunk(w, c, bitmap_bytes);
		if (err)
			return err;
		head = c->hdr.next;
	}
	return 0;
}

/* The next pointer of a chunk already read once, so known to be readable. */
static u64 chunk_next(const struct kho_mem *mem, u64 phys)
{
	const struct khoser_mem_chunk *c = kho_mem_ptr(mem, phys, PAGE, NULL);

	return c ? c->hdr.next : 0;
}

int kho_v1_guess_bitmap(const struct kho_mem *mem, u64 head)
{
	u64 slow = head, steps = 0;
	int err;

	while (head) {
		const struct khoser_mem_chunk *c;

		if (head & (PAGE - 1))
			return -KHO_E_MISALIGNED;
		c = kho_mem_ptr(mem, head, PAGE, &err);
		if (!c)
			return err;
		if (c->hdr.num_elms > KHOSER_BITMAP_SIZE)
			return -KHO_E_COUNT;
		for (u32 i = 0; i < c->hdr.num_elms; i++)
			if (c->bitmaps[i].bitmap & (PAGE - 1))
				return KHO_V1_BITMAP_BYTES_512;
		head = c->hdr.next;
		/* Floyd: slow follows at half speed; in a loop head meets it. */
		if (++steps % 2 == 0)
			slow = chunk_next(mem, slow);
		if (head == slow)
			return -KHO_E_CYCLE;
	}
	return KHO_V1_BITMAP_BYTES_4K;
}

void kho_v1_builder_init(struct kho_v1_builder *b, unsigned int bitmap_bytes)
{
	memset(b, 0, sizeof(*b));
	b->bitmap_bytes = bitmap_bytes;
}

static int new_bitmap(struct kho_v1_builder *b, const struct kho_mem *mem,
		      const struct kho_page_alloc *pa, struct kho_rmap *seen, u64 *phys)
{
	int err;

	if (!b->bm_page || b->bm_used + b->bitmap_bytes > PAGE) {
		if (!kho_alloc_map_page(mem, 12, pa, seen, &b->bm_page, &err))
			return err;
		b->bm_used = 0;
	}
	*phys = b->bm_page + b->bm_used;
	b->bm_used += b->bitmap_bytes;
	return 0;
}

static struct khoser_mem_chunk *chunk_at(const struct kho_mem *mem, u64 phys, int *err)
{
	return kho_mem_ptr(mem, phys, PAGE, err);
}

/* Find the bitmap covering span_start in order's chain, adding one if absent. */
static int find_bitmap(struct kho_v1_builder *b, const struct kho_mem *mem,
		       unsigned int order, u64 span_start, int create,
		       const struct kho_page_alloc *pa, struct kho_rmap *seen, u64 *bm)
{
	struct khoser_mem_chunk *c = NULL;
	u64 at;
	int err;

	*bm = 0;
	for (at = b->head[order]; at; at = c->hdr.next) {
		if (!(c = chunk_at(mem, at, &err)))
			return err;
		for (u32 i = 0; i < c->hdr.num_elms; i++)
			if (c->bitmaps[i].phys_start == span_start) {
				*bm = c->bitmaps[i].bitmap;
				return 0;
			}
		if (at == b->tail[order])
			break;
	}
	if (!create)
		return 0;
	if (!c || c->hdr.num_elms == KHOSER_BITMAP_SIZE) {
		u64 phys;
		struct khoser_mem_chunk *n =
			kho_alloc_map_page(mem, 12, pa, seen, &phys, &err);
		if (!n)
			return err;
		n->hdr.order = order;
		if (c)
			c->hdr.next = phys;
		else
			b->head[order] = phys;
		b->tail[order] = phys;
		c = n;
	}
	err = new_bitmap(b, mem, pa, seen, bm);
	if (err)
		return err;
	c->bitmaps[c->hdr.num_elms].phys_start = span_start;
	c->bitmaps[c->hdr.num_elms].bitmap = *bm;
	c->hdr.num_elms++;
	return 0;
}

int kho_v1_set(struct kho_v1_builder *b, const struct kho_mem *mem, u64 phys,
	       unsigned int order, int value, const struct kho_page_alloc *pa,
	       struct kho_rmap *seen)
{
	unsigned int bits = b->bitmap_bytes * 8, idx;
	u64 span, bm;
	u8 *map;
	int err;

	if (order > KHO_V1_MAX_ORDER)
		return -KHO_E_ORDER;
	if (phys & (blocks_bytes(1, order) - 1))
		return -KHO_E_MISALIGNED;
	span = blocks_bytes(bits, order);
	/* A mask, not a 64-bit modulo (a libgcc call): bitmaps are 512 or 4096 bytes. */
	idx = (unsigned int)(phys >> (12 + order)) & (bits - 1);
	err = find_bitmap(b, mem, order, phys & ~(span - 1), value, pa, seen, &bm);
	if (err || !bm)
		return err;
	map = kho_mem_ptr(mem, bm, b->bitmap_bytes, &err);
	if (!map)
		return err;
	/* Native u64 words on a little-endian CPU: bit b is byte b/8, bit b%8. */
	if (value)
		map[idx / 8] |= (u8)(1u << (idx % 8));
	else
		map[idx / 8] &= (u8) ~(1u << (idx % 8));
	return 0;
}

int kho_v1_finish(struct kho_v1_builder *b, const struct kho_mem *mem, int empty_chunk,
		  const struct kho_page_alloc *pa, struct kho_rmap *seen, u64 *head)
{
	struct khoser_mem_chunk *prev = NULL;
	int err;

	*head = 0;
	for (unsigned int o = 0; o <= KHO_V1_MAX_ORDER; o++) {
		if (!b->head[o])
			continue;
		if (prev)
			prev->hdr.next = b->head[o];
		else
			*head = b->head[o];
		if (!(prev = chunk_at(mem, b->tail[o], &err)))
			return err;
		prev->hdr.next = 0;
	}
	if (!*head && empty_chunk) {
		/* kho_v1_set() never made a chunk: one empty chunk, order 0. */
		if (!kho_alloc_map_page(mem, 12, pa, seen, &b->head[0], &err))
			return err;
		b->tail[0] = b->head[0];
		*head = b->head[0];
	}
	return 0;
}
