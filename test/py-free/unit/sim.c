/* SPDX-License-Identifier: MIT */
/*
 * Simulated RAM, a page allocator and hand-made handover pieces for the unit
 * tests. Everything here uses the ABI notes' formulas directly, never libkho's
 * encoders, so that a test compares libkho against an independent reading.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define POISON 0xA5

void sim_init(struct sim *s)
{
	memset(s, 0, sizeof(*s));
	kho_mem_init(&s->mem);
}

void sim_fini(struct sim *s)
{
	for (unsigned int i = 0; i < s->nr; i++) {
		free(s->bank[i].host);
		free(s->bank[i].snap);
	}
	sim_init(s);
}

u8 *sim_add_bank(struct sim *s, u64 base, u64 size, int readable)
{
	struct sim_bank *b;

	if (s->nr == SIM_MAX_BANKS)
		fail_msg("sim: more than %d banks", SIM_MAX_BANKS);
	b = &s->bank[s->nr++];
	b->base = base;
	b->size = size;
	b->host = aligned_alloc(SIM_PAGE, size);
	if (!b->host)
		fail_msg("sim: no host memory for %" PRIu64 " bytes", size);
	memset(b->host, 0, size);
	b->snap = NULL;
	if (kho_mem_add_ram(&s->mem, base, size))
		fail_msg("sim: kho_mem_add_ram(0x%" PRIx64 ") failed", base);
	if (readable && kho_mem_add_window(&s->mem, base, size, b->host))
		fail_msg("sim: kho_mem_add_window(0x%" PRIx64 ") failed", base);
	return b->host;
}

void sim_std(struct sim *s, u64 low_size, u64 high_size)
{
	sim_init(s);
	sim_add_bank(s, SIM_LOW_BASE, low_size, 1);
	sim_add_bank(s, SIM_HIGH_BASE, high_size, 1);
}

void *sim_at(const struct sim *s, u64 phys, u64 len)
{
	for (unsigned int i = 0; i < s->nr; i++) {
		const struct sim_bank *b = &s->bank[i];

		if (phys >= b->base && phys - b->base <= b->size &&
		    len <= b->size - (phys - b->base))
			return b->host + (phys - b->base);
	}
	fail_msg("sim: 0x%" PRIx64 "+0x%" PRIx64 " is not simulated RAM", phys, len);
	return NULL;
}

void sim_put_u64(const struct sim *s, u64 phys, u64 v)
{
	u8 *p = sim_at(s, phys, 8);

	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (u8)v;
}

void sim_put_u32(const struct sim *s, u64 phys, u32 v)
{
	u8 *p = sim_at(s, phys, 4);

	for (int i = 0; i < 4; i++, v >>= 8)
		p[i] = (u8)v;
}

u64 sim_get_u64(const struct sim *s, u64 phys)
{
	const u8 *p = sim_at(s, phys, 8);
	u64 v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

u32 sim_get_u32(const struct sim *s, u64 phys)
{
	const u8 *p = sim_at(s, phys, 4);

	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

void sim_zero(const struct sim *s, u64 phys, u64 len)
{
	memset(sim_at(s, phys, len), 0, len);
}

void sim_poison(struct sim *s)
{
	for (unsigned int i = 0; i < s->nr; i++)
		memset(s->bank[i].host, POISON, s->bank[i].size);
}

void sim_snapshot(struct sim *s)
{
	for (unsigned int i = 0; i < s->nr; i++) {
		struct sim_bank *b = &s->bank[i];

		if (!b->snap)
			b->snap = malloc(b->size);
		if (!b->snap)
			fail_msg("sim: no memory for a snapshot");
		memcpy(b->snap, b->host, b->size);
	}
}

static int allowed_at(u64 phys, const struct sim_span *allowed, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (phys >= allowed[i].start && phys < allowed[i].end)
			return 1;
	return 0;
}

/* First changed byte of bank b at or after off, or b->size. Compares in pages. */
static u64 next_change(const struct sim_bank *b, u64 off)
{
	while (off < b->size) {
		u64 n = b->size - off < SIM_PAGE ? b->size - off : SIM_PAGE;

		if (memcmp(b->host + off, b->snap + off, n)) {
			while (b->host[off] == b->snap[off])
				off++;
			return off;
		}
		off += n;
	}
	return b->size;
}

void sim_assert_unchanged(const struct sim *s, const struct sim_span *allowed,
			  unsigned int n, const char *what)
{
	for (unsigned int i = 0; i < s->nr; i++) {
		const struct sim_bank *b = &s->bank[i];

		if (!b->snap)
			fail_msg("sim: no snapshot taken before %s", what);
		for (u64 off = next_change(b, 0); off < b->size;
		     off = next_change(b, off + 1))
			if (!allowed_at(b->base + off, allowed, n))
				fail_msg("%s wrote outside its memory: byte at 0x%" PRIx64
					 " changed from 0x%02x to 0x%02x",
					 what, b->base + off, b->snap[off], b->host[off]);
	}
}

/* ------------------------------ page allocator ------------------------------ */

static int sim_alloc_page(void *arg, u64 *phys)
{
	struct sim_alloc *a = arg;

	if (a->nr_free) {
		*phys = a->free[--a->nr_free];
	} else {
		if (a->next >= a->end || a->end - a->next < a->page)
			return -KHO_E_NOMEM;
		*phys = a->next;
		a->next += a->page;
	}
	a->count++;
	return 0;
}

void sim_alloc_init(struct sim_alloc *a, struct sim *s, u64 start, u64 end,
		    unsigned int page_shift)
{
	memset(a, 0, sizeof(*a));
	a->pa.alloc = sim_alloc_page;
	a->pa.arg = a;
	a->s = s;
	a->start = a->next = start;
	a->end = end;
	a->page = (u64)1 << page_shift;
	sim_at(s, start, end - start); /* the pool must be simulated RAM */
}

void sim_alloc_reset(struct sim_alloc *a)
{
	if (a->next > a->start)
		sim_zero(a->s, a->start, a->next - a->start);
	a->next = a->start;
	a->nr_free = 0;
	a->count = 0;
}

void sim_alloc_free(struct sim_alloc *a, u64 phys)
{
	if (a->nr_free == SIM_ALLOC_FREE)
		fail_msg("sim: allocator free list full");
	a->free[a->nr_free++] = phys;
}

struct sim_span sim_alloc_span(const struct sim_alloc *a)
{
	struct sim_span sp = { a->start, a->end };

	return sp;
}

u64 sim_page(struct sim_alloc *a)
{
	u64 phys = 0;

	if (sim_alloc_page(a, &phys))
		fail_msg("sim: page pool [0x%" PRIx64 ", 0x%" PRIx64 ") exhausted",
			 a->start, a->end);
	sim_zero(a->s, phys, a->page);
	return phys;
}

/* ------------------------- hand-made handover pieces ------------------------ */

u64 sim_radix_key(u64 phys, unsigned int order)
{
	/* order bit at 52 - order, then the shifted PFN (ABI notes 2.2) */
	return ((u64)1 << (52 - order)) | (phys >> (12 + order));
}

void sim_radix_add(struct sim *s, struct sim_alloc *a, u64 *root, u64 phys,
		   unsigned int order)
{
	u64 key = sim_radix_key(phys, order), node;

	if (!*root)
		*root = sim_page(a);
	node = *root;
	for (unsigned int level = 5; level >= 1; level--) {
		u64 slot = node + 8 * ((key >> (15 + 9 * (level - 1))) & 511);
		u64 child = sim_get_u64(s, slot);

		if (!child) {
			child = sim_page(a);
			sim_put_u64(s, slot, child);
		}
		node = child;
	}
	sim_set_bit(s, node, key & 0x7fff);
}

void sim_set_bit(const struct sim *s, u64 bitmap, u64 b)
{
	u64 word = bitmap + 8 * (b / 64);

	sim_put_u64(s, word, sim_get_u64(s, word) | (u64)1 << (b % 64));
}

void sim_v1_chunk(const struct sim *s, u64 phys, u64 next, u32 order, u32 num_elms)
{
	sim_zero(s, phys, SIM_PAGE);
	sim_put_u64(s, phys + 0, next);
	sim_put_u32(s, phys + 8, order);
	sim_put_u32(s, phys + 12, num_elms);
}

void sim_v1_entry(const struct sim *s, u64 chunk, unsigned int i, u64 phys_start,
		  u64 bitmap)
{
	sim_put_u64(s, chunk + 0x10 + 16 * (u64)i, phys_start);
	sim_put_u64(s, chunk + 0x18 + 16 * (u64)i, bitmap);
}

static void fdt_ok(int err, const char *what)
{
	if (err < 0)
		fail_msg("libfdt %s: %s", what, fdt_strerror(err));
}

void *sim_kho_fdt(const struct sim *s, u64 phys, u64 room, const char *compat,
		  int with_map, u64 map)
{
	void *fdt = sim_at(s, phys, room);
	u8 v[8];

	fdt_ok(fdt_create_empty_tree(fdt, (int)room), "create_empty_tree");
	if (compat)
		fdt_ok(fdt_setprop_string(fdt, 0, "compatible", compat), "compatible");
	if (with_map) {
		kho_put_u64(v, map);
		fdt_ok(fdt_setprop(fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, v, 8), "map");
	}
	return fdt;
}

void sim_kho_blob(void *fdt, const char *name, const char *data_prop, u64 phys,
		  const char *size_prop, u64 size)
{
	int node = fdt_add_subnode(fdt, 0, name);
	u8 v[8];

	fdt_ok(node, "add_subnode");
	if (data_prop) {
		kho_put_u64(v, phys);
		fdt_ok(fdt_setprop(fdt, node, data_prop, v, 8), data_prop);
	}
	if (size_prop) {
		kho_put_u64(v, size);
		fdt_ok(fdt_setprop(fdt, node, size_prop, v, 8), size_prop);
	}
}

/* ---------------------------------- OS DT ---------------------------------- */

static int put_cells(fdt32_t *p, int cells, u64 v)
{
	if (cells == 1 && v >> 32)
		return 0;
	if (cells == 2)
		*p++ = cpu_to_fdt32((u32)(v >> 32));
	*p = cpu_to_fdt32((u32)v);
	return cells;
}

static void add_memory_node(void *dt, const struct sim_bank *b, int ac, int sc)
{
	fdt32_t reg[4];
	char name[32];
	int node, n;

	n = put_cells(reg, ac, b->base);
	if (!n || !put_cells(reg + n, sc, b->size))
		return; /* does not fit these cells: a 32-bit DT cannot name it */
	snprintf(name, sizeof(name), "memory@%" PRIx64, b->base);
	node = fdt_add_subnode(dt, 0, name);
	fdt_ok(node, "memory node");
	fdt_ok(fdt_setprop_string(dt, node, "device_type", "memory"), "device_type");
	fdt_ok(fdt_setprop(dt, node, "reg", reg, 4 * (ac + sc)), "reg");
}

void sim_os_dt(void *buf, int len, const struct sim *s, int addr_cells, int size_cells)
{
	int ac = addr_cells ? addr_cells : 1, sc = size_cells ? size_cells : 1;

	fdt_ok(fdt_create_empty_tree(buf, len), "create_empty_tree");
	if (addr_cells)
		fdt_ok(fdt_setprop_u32(buf, 0, "#address-cells", (u32)addr_cells),
		       "cells");
	if (size_cells)
		fdt_ok(fdt_setprop_u32(buf, 0, "#size-cells", (u32)size_cells), "cells");
	for (unsigned int i = 0; s && i < s->nr; i++)
		add_memory_node(buf, &s->bank[i], ac, sc);
	fdt_ok(fdt_add_subnode(buf, 0, "chosen"), "chosen");
}

void sim_chosen_cells(void *dt, const char *prop, const u32 *cells, int n)
{
	fdt32_t v[8];
	int chosen = fdt_path_offset(dt, "/chosen");

	fdt_ok(chosen, "/chosen");
	for (int i = 0; i < n; i++)
		v[i] = cpu_to_fdt32(cells[i]);
	fdt_ok(fdt_setprop(dt, chosen, prop, v, 4 * n), prop);
}

static int pair_cells(u32 *c, int ac, int sc, u64 addr, u64 size)
{
	int n = 0;

	if (ac == 2)
		c[n++] = (u32)(addr >> 32);
	c[n++] = (u32)addr;
	if (sc == 2)
		c[n++] = (u32)(size >> 32);
	c[n++] = (u32)size;
	return n;
}

void sim_chosen_pair(void *dt, int addr_cells, int size_cells, u64 fdt, u64 fdt_len,
		     u64 scratch, u64 scratch_len)
{
	u32 c[4];
	int n;

	n = pair_cells(c, addr_cells, size_cells, fdt, fdt_len);
	sim_chosen_cells(dt, KHO_CHOSEN_FDT_PROP, c, n);
	n = pair_cells(c, addr_cells, size_cells, scratch, scratch_len);
	sim_chosen_cells(dt, KHO_CHOSEN_SCRATCH_PROP, c, n);
}

/* ----------------------------- handover fixture ----------------------------- */

int sim_fx_setup(void **state)
{
	struct sim_fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	sim_std(&f->s, 12 * 1024 * 1024, 2 * 1024 * 1024);
	sim_add_bank(&f->s, SIM_DARK_BASE, 1024 * 1024, 0);
	sim_poison(&f->s);
	sim_alloc_init(&f->a, &f->s, SIM_POOL, SIM_POOL_END, 12);
	sim_os_dt(f->dt, sizeof(f->dt), &f->s, 2, 2);
	kho_rmap_init(&f->rm, f->store, SIM_FX_RANGES);
	*state = f;
	return 0;
}

int sim_fx_teardown(void **state)
{
	struct sim_fx *f = *state;

	sim_fini(&f->s);
	free(f);
	return 0;
}

void sim_fx_chosen(struct sim_fx *f, u64 scratch, u64 scratch_size)
{
	sim_put_u64(&f->s, SIM_SCR_ARRAY, scratch);
	sim_put_u64(&f->s, SIM_SCR_ARRAY + 8, scratch_size);
	sim_chosen_pair(f->dt, 2, 2, SIM_FDT, 0x1000, SIM_SCR_ARRAY, 16);
}

void sim_fx_v4(struct sim_fx *f, const char *compat)
{
	f->map = 0;
	sim_radix_add(&f->s, &f->a, &f->map, SIM_FDT, 0);
	sim_radix_add(&f->s, &f->a, &f->map, SIM_DATA, 0);
	sim_radix_add(&f->s, &f->a, &f->map, SIM_HIGH_PAGE, 0);
	f->fdt = sim_kho_fdt(&f->s, SIM_FDT, 0x1000, compat, 1, f->map);
	sim_fx_chosen(f, SIM_SCRATCH, SIM_SCRATCH_SIZE);
}

void sim_fx_v1(struct sim_fx *f)
{
	u64 bm;

	f->map = sim_page(&f->a);
	bm = sim_page(&f->a);
	sim_v1_chunk(&f->s, f->map, 0, 0, 1);
	sim_v1_entry(&f->s, f->map, 0, 0x40000000ull, bm);
	sim_set_bit(&f->s, bm, (SIM_FDT - 0x40000000ull) >> 12);
	sim_set_bit(&f->s, bm, (SIM_DATA - 0x40000000ull) >> 12);
	f->fdt = sim_kho_fdt(&f->s, SIM_FDT, 0x1000, "kho-v1", 1, f->map);
	sim_fx_chosen(f, SIM_SCRATCH, SIM_SCRATCH_SIZE);
}

int sim_fx_consume(struct sim_fx *f, enum kho_abi hint)
{
	int err;

	sim_snapshot(&f->s);
	err = kho_in_open(&f->in, f->dt, &f->s.mem, 12, hint);
	if (!err)
		err = kho_in_protect(&f->in, &f->rm);
	sim_assert_unchanged(&f->s, NULL, 0, "the consumer");
	return err;
}

u64 sim_fx_root(struct sim_fx *f, unsigned int slot, u64 child)
{
	u64 root = sim_page(&f->a);

	sim_put_u64(&f->s, root + 8 * slot, child);
	return root;
}

u64 sim_fx_path(struct sim_fx *f, const unsigned int slot[6], u64 *leaf)
{
	u64 root = sim_page(&f->a), node = root;

	for (int level = 5; level >= 1; level--) {
		u64 child = sim_page(&f->a);
		sim_put_u64(&f->s, node + 8 * slot[level], child);
		node = child;
	}
	*leaf = node;
	return root;
}

void sim_fx_set_map(struct sim_fx *f, u64 map)
{
	u8 v[8];

	kho_put_u64(v, map);
	assert_int_equal(fdt_setprop_inplace(f->fdt, 0, "preserved-memory-map", v, 8), 0);
}

void sim_fx_dup_blob_fdt(struct sim_fx *f)
{
	void *fdt = sim_at(&f->s, SIM_FDT, 0x1000);
	u8 v[8];

	assert_int_equal(fdt_create(fdt, 0x1000), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_property_string(fdt, "compatible", "kho-v4"), 0);
	kho_put_u64(v, f->map);
	assert_int_equal(fdt_property(fdt, "preserved-memory-map", v, 8), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(fdt_begin_node(fdt, "blob"), 0);
		kho_put_u64(v, SIM_DATA);
		assert_int_equal(fdt_property(fdt, "preserved-data", v, 8), 0);
		kho_put_u64(v, 0x1000);
		assert_int_equal(fdt_property(fdt, "blob-size", v, 8), 0);
		assert_int_equal(fdt_end_node(fdt), 0);
	}
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
}

void sim_fx_add_firmware(struct sim_fx *f)
{
	sim_expect(kho_rmap_add(&f->rm, SIM_FW, SIM_FW_END, KHO_KIND_FIRMWARE, "fw"), 0);
}

/* --------------------------------- checks ---------------------------------- */

static const char *const err_names[KHO_E_COUNT_MAX] = {
	[KHO_OK] = "KHO_OK",
	[KHO_E_INVAL] = "KHO_E_INVAL",
	[KHO_E_NOSPC] = "KHO_E_NOSPC",
	[KHO_E_NOMEM] = "KHO_E_NOMEM",
	[KHO_E_NO_HANDOVER] = "KHO_E_NO_HANDOVER",
	[KHO_E_CHOSEN] = "KHO_E_CHOSEN",
	[KHO_E_CELLS] = "KHO_E_CELLS",
	[KHO_E_FDT_HEADER] = "KHO_E_FDT_HEADER",
	[KHO_E_FDT_SIZE] = "KHO_E_FDT_SIZE",
	[KHO_E_FDT_ALIGN] = "KHO_E_FDT_ALIGN",
	[KHO_E_COMPAT] = "KHO_E_COMPAT",
	[KHO_E_PROP] = "KHO_E_PROP",
	[KHO_E_MAP_ZERO] = "KHO_E_MAP_ZERO",
	[KHO_E_OUTSIDE_RAM] = "KHO_E_OUTSIDE_RAM",
	[KHO_E_UNMAPPED] = "KHO_E_UNMAPPED",
	[KHO_E_MISALIGNED] = "KHO_E_MISALIGNED",
	[KHO_E_CYCLE] = "KHO_E_CYCLE",
	[KHO_E_COUNT] = "KHO_E_COUNT",
	[KHO_E_ORDER] = "KHO_E_ORDER",
	[KHO_E_WRAP] = "KHO_E_WRAP",
	[KHO_E_OVERLAP] = "KHO_E_OVERLAP",
	[KHO_E_PROTECTED] = "KHO_E_PROTECTED",
	[KHO_E_DUP_BLOB] = "KHO_E_DUP_BLOB",
	[KHO_E_SCRATCH] = "KHO_E_SCRATCH",
	[KHO_E_SCRATCH_ALIGN] = "KHO_E_SCRATCH_ALIGN",
	[KHO_E_KEY] = "KHO_E_KEY",
	[KHO_E_FDT] = "KHO_E_FDT",
	[KHO_E_ABI] = "KHO_E_ABI",
	[KHO_E_BLOB] = "KHO_E_BLOB",
	[KHO_E_NOT_FOUND] = "KHO_E_NOT_FOUND",
};

const char *sim_err_name(int err)
{
	int e = err < 0 ? -err : err;

	if (e >= KHO_E_COUNT_MAX || !err_names[e])
		return "(unknown code)";
	return err_names[e];
}

void sim_expect_at(int got, int want, const char *expr, const char *file, int line)
{
	if (got == want)
		return;
	print_error("%s:%d: %s returned %d (%s%s: %s), expected %d (%s%s)\n", file, line,
		    expr, got, got < 0 ? "-" : "", sim_err_name(got), kho_strerror(got),
		    want, want < 0 ? "-" : "", sim_err_name(want));
	fail();
}

void sim_assert_strerror_distinct(int code)
{
	const char *s = kho_strerror(code);

	if (!s || !*s)
		fail_msg("kho_strerror(%d) is empty", code);
	if (!strcmp(s, kho_strerror(KHO_E_COUNT_MAX)))
		fail_msg("kho_strerror(%d) is the unknown-code string \"%s\"", code, s);
	for (int other = 0; other < KHO_E_COUNT_MAX; other++)
		if (other != (code < 0 ? -code : code) && !strcmp(s, kho_strerror(other)))
			fail_msg("kho_strerror(%d) and kho_strerror(%d) are both \"%s\"",
				 code, other, s);
}

static int span_cmp(const void *a, const void *b)
{
	const struct sim_span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

unsigned int sim_spans_merge(struct sim_span *v, unsigned int n)
{
	unsigned int out = 0;

	qsort(v, n, sizeof(*v), span_cmp);
	for (unsigned int i = 0; i < n; i++) {
		if (out && v[i].start <= v[out - 1].end) {
			if (v[i].end > v[out - 1].end)
				v[out - 1].end = v[i].end;
			continue;
		}
		v[out++] = v[i];
	}
	return out;
}

unsigned int sim_rmap_spans(const struct kho_rmap *rm, unsigned int kind,
			    struct sim_span *out, unsigned int cap)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < rm->nr; i++) {
		if (rm->r[i].kind != kind)
			continue;
		if (n == cap)
			fail_msg("sim: more than %u ranges of kind %s", cap,
				 kho_kind_name(kind));
		out[n].start = rm->r[i].start;
		out[n].end = rm->r[i].end;
		n++;
	}
	return n;
}

static void print_spans(const char *label, const struct sim_span *v, unsigned int n)
{
	print_error("  %s (%u):\n", label, n);
	for (unsigned int i = 0; i < n && i < 64; i++)
		print_error("    [0x%" PRIx64 ", 0x%" PRIx64 ")\n", v[i].start, v[i].end);
}

void sim_assert_spans(const struct sim_span *got, unsigned int ngot,
		      const struct sim_span *want, unsigned int nwant, const char *what)
{
	int same = ngot == nwant;

	for (unsigned int i = 0; same && i < ngot; i++)
		same = got[i].start == want[i].start && got[i].end == want[i].end;
	if (same)
		return;
	print_error("%s: ranges differ\n", what);
	print_spans("got", got, ngot);
	print_spans("expected", want, nwant);
	fail();
}
