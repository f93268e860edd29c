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

/* -------------------------------------------------- where our nodes go */

/*
 * The next kernel's DTB is a copy of the one the stage was given: /chosen and
 * /reserved-memory may be anywhere in it. libfdt finds a node by walking every tag
 * before it (250 k instructions for /chosen, last in QEMU's virt DT) and inserts a
 * property by moving every byte after it. So while the hand-over edits them the
 * two nodes are the root's last children, found by one pass that reads a tag with
 * a load (an insertion moves only them and the strings); then they become its
 * first, where any later lookup, ours or libkho's, stops at once. Node order
 * means nothing to /chosen and /reserved-memory readers. The blob is as
 * fdt_open_into() laid it out: version 17, blocks in order, room at the end.
 */
struct dtb_nodes {
	int chosen, resmem; /* the root's children, or -FDT_ERR_NOTFOUND */
	int first;	    /* the root's first child, else its END_NODE */
	int end;	    /* the root's END_NODE */
};

static u32 dtb_be32(const char *p)
{
	return fdt32_to_cpu(*(const fdt32_t *)(const void *)p);
}

/* The tag at off of the struct block s (len bytes) in *tag: the next one's offset,
 * or 0 past the block. */
static u32 dtb_next(const char *s, u32 len, u32 off, u32 *tag)
{
	u32 n;

	if (off > len || len - off < 4)
		return 0;
	*tag = dtb_be32(s + off);
	off += 4;
	switch (*tag) {
	case FDT_BEGIN_NODE:
		n = (u32)strnlen(s + off, len - off);
		return n < len - off ? off + ((n + 4) & ~3u) : 0;
	case FDT_PROP:
		if (len - off < 8)
			return 0;
		n = dtb_be32(s + off);
		return n <= len - off - 8 ? off + 8 + ((n + 3) & ~3u) : 0;
	case FDT_END_NODE:
	case FDT_NOP:
		return off;
	default:
		return 0;
	}
}

static const char *dtb_struct(const void *dtb)
{
	return (const char *)dtb + fdt_off_dt_struct(dtb);
}

/* libfdt's rule for "/name": the first child called name or name@unit. */
static void dtb_match(const char *s, int off, const char *name, int *found)
{
	size_t len = strlen(name);

	if (*found < 0 && !memcmp(s + off + 4, name, len) &&
	    (!s[off + 4 + len] || s[off + 4 + len] == '@'))
		*found = off;
}

static int dtb_scan(const void *dtb, struct dtb_nodes *n)
{
	const char *s = dtb_struct(dtb);
	u32 len = fdt_size_dt_struct(dtb), off = 0, next, tag;
	int depth = 0;

	n->chosen = n->resmem = n->first = -FDT_ERR_NOTFOUND;
	if (fdt_version(dtb) < 17 || (fdt_off_dt_struct(dtb) & 3) ||
	    fdt_off_dt_strings(dtb) != fdt_off_dt_struct(dtb) + len ||
	    fdt_off_dt_strings(dtb) + fdt_size_dt_strings(dtb) > fdt_totalsize(dtb))
		return -KHO_E_FDT;
	while ((next = dtb_next(s, len, off, &tag))) {
		if (depth == 1 && (tag == FDT_BEGIN_NODE || tag == FDT_END_NODE) &&
		    n->first < 0)
			n->first = (int)off;
		if (depth == 1 && tag == FDT_BEGIN_NODE) {
			dtb_match(s, (int)off, "chosen", &n->chosen);
			dtb_match(s, (int)off, "reserved-memory", &n->resmem);
		}
		if (depth == 1 && tag == FDT_END_NODE) {
			n->end = (int)off;
			return 0;
		}
		depth += tag == FDT_BEGIN_NODE ? 1 : tag == FDT_END_NODE ? -1 : 0;
		off = next;
	}
	return -KHO_E_FDT;
}

/* The offset right after the node at off (its END_NODE), or 0. */
static u32 dtb_node_end(const void *dtb, u32 off)
{
	const char *s = dtb_struct(dtb);
	u32 len = fdt_size_dt_struct(dtb), tag;
	int depth = 0;

	while ((off = dtb_next(s, len, off, &tag))) {
		depth += tag == FDT_BEGIN_NODE ? 1 : tag == FDT_END_NODE ? -1 : 0;
		if (depth <= 0)
			return depth ? 0 : off;
	}
	return 0;
}

/* Free bytes after the blob's data (strings last). */
static char *dtb_free(void *dtb, u32 need)
{
	u32 used = fdt_off_dt_strings(dtb) + fdt_size_dt_strings(dtb);

	return fdt_totalsize(dtb) - used >= need ? (char *)dtb + used : NULL;
}

/*
 * n bytes from s to d, overlapping, a 4-byte word at a time: struct offsets and
 * sizes are multiples of 4, and memmove() goes a byte at a time unless both ends
 * are 8-byte aligned.
 */
static void dtb_move(char *d, const char *s, u32 n)
{
	u32 *dw = (u32 *)(void *)d;
	const u32 *sw = (const u32 *)(const void *)s;

	if (d < s)
		for (u32 i = 0; i < n / 4; i++)
			dw[i] = sw[i];
	else
		for (u32 i = n / 4; i; i--)
			dw[i - 1] = sw[i - 1];
}

/* Struct bytes [b, c) before [a, b), the smaller part through the free space. */
static int dtb_rotate(void *dtb, u32 a, u32 b, u32 c)
{
	char *s = (char *)dtb + fdt_off_dt_struct(dtb);
	char *tmp = dtb_free(dtb, b - a < c - b ? b - a : c - b);

	if (!tmp)
		return -KHO_E_FDT;
	if (b - a <= c - b) {
		memcpy(tmp, s + a, b - a);
		dtb_move(s + a, s + b, c - b);
		memcpy(s + a + (c - b), tmp, b - a);
	} else {
		memcpy(tmp, s + b, c - b);
		dtb_move(s + a + (c - b), s + a, b - a);
		memcpy(s + a, tmp, c - b);
	}
	return 0;
}

/* The root's child at off becomes its last: 1 if it moved (n is stale then). */
static int dtb_move_last(void *dtb, const struct dtb_nodes *n, int off)
{
	u32 end = dtb_node_end(dtb, (u32)off);
	int err;

	if (!end)
		return -KHO_E_FDT;
	if (end == (u32)n->end)
		return 0;
	err = dtb_rotate(dtb, (u32)off, end, (u32)n->end);
	return err ? err : 1;
}

/* An empty child called name, the root's last: at n->end, which moves on. */
static int dtb_append(void *dtb, struct dtb_nodes *n, const char *name)
{
	u32 nlen = (u32)strlen(name), size = 4 + ((nlen + 4) & ~3u) + 4;
	char *s = (char *)dtb + fdt_off_dt_struct(dtb) + n->end;
	char *tail_end = dtb_free(dtb, size);
	fdt32_t tag;

	if (!tail_end)
		return -KHO_E_FDT;
	memmove(s + size, s, (size_t)(tail_end - s));
	memset(s, 0, size);
	tag = cpu_to_fdt32(FDT_BEGIN_NODE);
	memcpy(s, &tag, 4);
	memcpy(s + 4, name, nlen);
	tag = cpu_to_fdt32(FDT_END_NODE);
	memcpy(s + size - 4, &tag, 4);
	fdt_set_size_dt_struct(dtb, fdt_size_dt_struct(dtb) + size);
	fdt_set_off_dt_strings(dtb, fdt_off_dt_strings(dtb) + size);
	n->end += (int)size;
	return n->end - (int)size;
}

/*
 * /reserved-memory as the root's last child, with the root's cells, created if
 * absent. Its properties go inside it: the offsets before it stay.
 */
static int dtb_resmem_last(void *dtb, struct dtb_nodes *n)
{
	struct kho_cells c;
	int err;

	if (n->resmem >= 0) {
		err = dtb_move_last(dtb, n, n->resmem);
		return err > 0 ? dtb_scan(dtb, n) : err;
	}
	if (kho_dt_cells(dtb, 0, &c))
		return -KHO_E_CELLS;
	n->resmem = dtb_append(dtb, n, "reserved-memory");
	if (n->resmem < 0)
		return n->resmem;
	if (fdt_setprop_u32(dtb, n->resmem, "#address-cells", (u32)c.addr) ||
	    fdt_setprop_u32(dtb, n->resmem, "#size-cells", (u32)c.size) ||
	    fdt_setprop(dtb, n->resmem, "ranges", NULL, 0))
		return -KHO_E_FDT;
	return 0;
}

/*
 * /chosen, then /reserved-memory, the root's last children (created if absent):
 * n holds where they are (n->end is stale).
 */
static int dtb_edit_begin(void *dtb, struct dtb_nodes *n)
{
	int err = dtb_scan(dtb, n);

	if (err)
		return err;
	if (n->chosen < 0) {
		n->chosen = dtb_append(dtb, n, "chosen");
		if (n->chosen < 0)
			return n->chosen;
	} else {
		err = dtb_move_last(dtb, n, n->chosen);
		if (err > 0)
			err = dtb_scan(dtb, n);
		if (err)
			return err;
	}
	return dtb_resmem_last(dtb, n);
}

/*
 * The two, /chosen right before /reserved-memory as n says (n->first unchanged
 * since: the edits were inside them), become the root's first children.
 */
static int dtb_edit_end(void *dtb, const struct dtb_nodes *n)
{
	u32 end = dtb_node_end(dtb, (u32)n->resmem);

	if (!end || n->first > n->chosen ||
	    dtb_node_end(dtb, (u32)n->chosen) != (u32)n->resmem)
		return -KHO_E_FDT;
	return dtb_rotate(dtb, (u32)n->first, (u32)n->chosen, end);
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

static int add_resmem(void *dtb, int parent, const char *name, u64 base, u64 size,
		      int *node)
{
	char unit[64];
	u8 reg[16];
	struct kho_cells c;
	int len;

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
static int drop_default_cma(void *dtb, int parent)
{
	int node;

	fdt_for_each_subnode (node, dtb, parent)
		if (fdt_getprop(dtb, node, "linux,cma-default", NULL)) {
			if (fdt_del_node(dtb, node))
				return -KHO_E_FDT;
			return drop_default_cma(dtb,
						parent); /* offsets moved: start again */
		}
	return 0;
}

static int add_cma(struct boot_state *st, void *dtb, int parent)
{
	int node, err;

	if (!st->cfg.cma_size)
		return 0;
	err = drop_default_cma(dtb, parent);
	if (err)
		return err;
	err = boot_find_free(st, st->cfg.cma_size, CMA_ALIGN, &st->cma);
	if (!err)
		err = kho_rmap_add(&st->rm, st->cma, st->cma + st->cfg.cma_size,
				   KHO_KIND_CMA, "linux,cma");
	if (!err)
		err = add_resmem(dtb, parent, "linux,cma", st->cma, st->cfg.cma_size,
				 &node);
	if (err)
		return err;
	if (fdt_setprop_string(dtb, node, "compatible", "shared-dma-pool") ||
	    fdt_setprop(dtb, node, "reusable", NULL, 0) ||
	    fdt_setprop(dtb, node, "linux,cma-default", NULL, 0))
		return -KHO_E_FDT;
	return 0;
}

/* A kernel without KHO still must not touch the buffers: reserve them. */
static int fallback_resmem(struct boot_state *st, void *dtb, int parent)
{
	for (unsigned int i = 0; i < st->nr_fw; i++) {
		const struct boot_fw_buf *b = &st->fw[i];
		int node, err;

		err = add_resmem(dtb, parent, b->name, b->phys, b->size, &node);
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

static int chosen_props(const struct boot_state *st, void *dtb, int chosen)
{
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

int boot_chosen_common(struct boot_state *st, void *dtb)
{
	int chosen = fdt_path_offset(dtb, "/chosen");

	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(dtb, 0, "chosen");
	if (chosen < 0)
		return -KHO_E_FDT;
	return chosen_props(st, dtb, chosen);
}

/*
 * The KHO properties, zero, for kho_dt_set_chosen() to replace in place (an
 * insertion into /chosen once it is first would move the whole tree).
 */
static int kho_placeholders(void *dtb, int chosen)
{
	static const u8 zero[16];
	struct kho_cells c;
	int len;

	if (kho_dt_cells(dtb, 0, &c))
		return -KHO_E_CELLS;
	len = 4 * (c.addr + c.size);
	if (fdt_setprop(dtb, chosen, KHO_CHOSEN_FDT_PROP, zero, len) ||
	    fdt_setprop(dtb, chosen, KHO_CHOSEN_SCRATCH_PROP, zero, len))
		return -KHO_E_FDT;
	return 0;
}

/* /chosen and /reserved-memory of the next kernel's DTB, edited last, then first. */
static int edit_dtb(struct boot_state *st, void *dtb)
{
	struct dtb_nodes n;
	int err = dtb_edit_begin(dtb, &n);

	if (!err)
		err = chosen_props(st, dtb, n.chosen);
	if (!err && !(st->pl.flags & BOOT_PAYLOAD_F_NO_KHO))
		err = kho_placeholders(dtb, n.chosen);
	if (!err) { /* /chosen grew: /reserved-memory, right after it, moved */
		n.resmem = (int)dtb_node_end(dtb, (u32)n.chosen);
		err = n.resmem ? 0 : -KHO_E_FDT;
	}
	if (!err)
		err = add_cma(st, dtb, n.resmem);
	if (!err && (st->pl.flags & BOOT_PAYLOAD_F_NO_KHO) && !st->forward)
		err = fallback_resmem(st, dtb, n.resmem);
	return err ? err : dtb_edit_end(dtb, &n);
}

int boot_handoff(struct boot_state *st)
{
	void *dtb;
	int err;

	dtb = kho_mem_ptr(st->mem, st->dtb, st->dtb_cap, &err);
	if (!dtb)
		return err;
	err = edit_dtb(st, dtb);
	if (err)
		return err;
	if (st->pl.flags & BOOT_PAYLOAD_F_NO_KHO) {
		/* Preserved memory of a previous kernel cannot be handed on without KHO.
		 */
		if (st->forward)
			return -KHO_E_ABI;
		st->abi = 0;
		return kho_dt_clear_chosen(dtb);
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
	const struct kho_range *r = st->rm.r, *end = r + st->rm.nr;

	/* Thousands of preserved ranges, skipped in a tight loop when pages are known. */
	for (; r < end; r++) {
		while (own && r < end && r->kind == KHO_KIND_PRESERVED)
			r++;
		if (r == end)
			break;
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
