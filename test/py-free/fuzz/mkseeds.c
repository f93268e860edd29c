/* SPDX-License-Identifier: MIT */
/*
 * Seed generator for the fuzzers (make fuzz-seeds). It writes small inputs that
 * reach deep into each parser, in the layouts of fuzz.h:
 *   consume/     complete handovers made with kho_out_* for every ABI, and the
 *                captured Linux 7.3 handover moved into the fuzzers' RAM window;
 *   v1_walk/     the v1 chunk lists of those handovers, and small hand-made lists;
 *   radix_walk/  the radix trees likewise (4 and 16 KiB pages);
 *   resmem/      OS DTs: the captured one and generated ones;
 *   payload/     payload containers made by tools/mkpayload's builder;
 *   khofw_dma/   khofw DMA sub-blobs as lib/boot/dma.c lays them out.
 * Every seed is checked to be accepted before it is written, so a fuzzing run
 * starts from inputs that pass every check.
 *
 *   mkseeds OUTDIR VECTORDIR
 * VECTORDIR holds the captured vector's decompressed dtb and ram@0x<addr>.bin.
 */
#include <boot/dma.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <kho/err.h>
#include <kho/in.h>
#include <kho/out.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "../../../tools/mkpayload/container.h"

#define DT_ROOM 16384
#define NR_RANGES 4096
#define MiB 0x100000ull

static const char *outdir;

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mkseeds: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void ok(int err, const char *what)
{
	if (err < 0)
		die("%s: %s", what, kho_strerror(err));
}

static void fdt_ok(int err, const char *what)
{
	if (err < 0)
		die("libfdt %s: %s", what, fdt_strerror(err));
}

/* ------------------------------- output files ------------------------------- */

struct buf {
	u8 *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *p, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			die("out of memory");
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
}

static void put_le(struct buf *b, u64 v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++, v >>= 8) {
		u8 c = (u8)v;
		put(b, &c, 1);
	}
}

/* The window up to its last non-zero byte: the harness fills the rest with zeros. */
static void put_window(struct buf *b, const u8 *win)
{
	size_t len = FZ_WIN_SIZE;

	while (len && !win[len - 1])
		len--;
	put(b, win, len);
}

static void write_seed(const char *harness, const char *name, struct buf *b)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, harness);
	if (mkdir(path, 0755) && errno != EEXIST)
		die("mkdir %s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, harness, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b->p, 1, b->len, f) != b->len || fclose(f))
		die("cannot write %s", path);
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ------------------------------ the machine ------------------------------- */

/* The fuzzers' RAM (fuzz.h) with the window in a buffer and a bump allocator. */
struct machine {
	u8 *win;
	struct kho_mem mem;
	struct kho_page_alloc pa;
	unsigned int page_shift;
	u64 next;
};

static int bump_alloc(void *arg, u64 *phys)
{
	struct machine *m = arg;
	u64 size = (u64)1 << m->page_shift;

	if (m->next + size > FZ_META_PAGE)
		return -KHO_E_NOMEM;
	*phys = m->next;
	m->next += size;
	return 0;
}

static void machine_init(struct machine *m, unsigned int page_shift, u64 low_size)
{
	if (!m->win)
		m->win = aligned_alloc(65536, FZ_WIN_SIZE);
	if (!m->win)
		die("out of memory");
	memset(m->win, 0, FZ_WIN_SIZE);
	kho_mem_init(&m->mem);
	ok(kho_mem_add_ram(&m->mem, FZ_RAM_BASE, low_size), "RAM");
	ok(kho_mem_add_ram(&m->mem, FZ_HIGH_BASE, FZ_HIGH_SIZE), "high RAM");
	ok(kho_mem_add_window(&m->mem, FZ_RAM_BASE, FZ_WIN_SIZE, m->win), "window");
	m->pa.alloc = bump_alloc;
	m->pa.arg = m;
	m->page_shift = page_shift;
	m->next = FZ_RAM_BASE;
}

static void rmap_fenced(struct kho_rmap *rm, struct kho_range *store, int meta)
{
	kho_rmap_init(rm, store, NR_RANGES);
	ok(kho_rmap_add(rm, FZ_FW_START, FZ_FW_END, KHO_KIND_FIRMWARE, "stage"), "fw");
	if (meta)
		ok(kho_rmap_add(rm, FZ_META_PAGE, FZ_META_PAGE + 0x1000, KHO_KIND_META,
				"kho-fdt"),
		   "meta");
}

/* --------------------------------- OS DTs --------------------------------- */

static void prop_cells(void *dt, int node, const char *name, const u64 *v,
		       const int *cells, int n)
{
	fdt32_t c[16];
	int k = 0;

	for (int i = 0; i < n; i++) {
		if (cells[i % 2] == 2)
			c[k++] = cpu_to_fdt32((u32)(v[i] >> 32));
		c[k++] = cpu_to_fdt32((u32)v[i]);
	}
	fdt_ok(fdt_setprop(dt, node, name, c, 4 * k), name);
}

static int subnode(void *dt, int parent, const char *name)
{
	int node = fdt_add_subnode(dt, parent, name);

	fdt_ok(node, name);
	return node;
}

static void resmem_nodes(void *dt, int cells)
{
	const int c[2] = { cells, cells };
	int rm = subnode(dt, 0, "reserved-memory"), n;

	fdt_ok(fdt_setprop_u32(dt, rm, "#address-cells", (u32)cells), "cells");
	fdt_ok(fdt_setprop_u32(dt, rm, "#size-cells", (u32)cells), "cells");
	fdt_ok(fdt_setprop(dt, rm, "ranges", NULL, 0), "ranges");
	n = subnode(dt, rm, "secure@4e000000");
	prop_cells(dt, n, "reg", (const u64[]){ 0x4e000000, 0x100000 }, c, 2);
	fdt_ok(fdt_setprop(dt, n, "no-map", NULL, 0), "no-map");
	n = subnode(dt, rm, "linux,cma");
	fdt_ok(fdt_setprop_string(dt, n, "compatible", "shared-dma-pool"), "compatible");
	fdt_ok(fdt_setprop(dt, n, "reusable", NULL, 0), "reusable");
	fdt_ok(fdt_setprop(dt, n, "linux,cma-default", NULL, 0), "cma-default");
	prop_cells(dt, n, "size", (const u64[]){ 0x4000000 }, c, 1);
	prop_cells(dt, n, "alignment", (const u64[]){ 0x400000 }, c, 1);
	n = subnode(dt, rm, "ramoops@4f000000");
	prop_cells(dt, n, "reg",
		   (const u64[]){ 0x4f000000, 0x100000, 0x4f200000, 0x100000 }, c, 4);
	fdt_ok(fdt_setprop_string(dt, n, "status", "okay"), "status");
	n = subnode(dt, rm, "pool@50000000");
	fdt_ok(fdt_setprop_string(dt, n, "compatible", "shared-dma-pool"), "compatible");
	fdt_ok(fdt_setprop(dt, n, "reusable", NULL, 0), "reusable");
	prop_cells(dt, n, "reg", (const u64[]){ 0x50000000, 0x800000 }, c, 2);
	n = subnode(dt, rm, "off@51000000");
	prop_cells(dt, n, "reg", (const u64[]){ 0x51000000, 0x1000 }, c, 2);
	fdt_ok(fdt_setprop_string(dt, n, "status", "disabled"), "status");
}

/* An OS DT like QEMU virt's: root cells, RAM, /reserved-memory, /chosen. */
static void os_dt(void *dt, int cells, int with_resmem)
{
	const int c[2] = { cells, cells };
	int n;

	fdt_ok(fdt_create_empty_tree(dt, DT_ROOM), "create");
	fdt_ok(fdt_add_mem_rsv(dt, 0x787a0000, 0x400000), "memreserve");
	fdt_ok(fdt_setprop_string(dt, 0, "compatible", "linux,dummy-virt"), "compatible");
	fdt_ok(fdt_setprop_u32(dt, 0, "#address-cells", (u32)cells), "cells");
	fdt_ok(fdt_setprop_u32(dt, 0, "#size-cells", (u32)cells), "cells");
	n = subnode(dt, 0, "memory@40000000");
	fdt_ok(fdt_setprop_string(dt, n, "device_type", "memory"), "device_type");
	prop_cells(dt, n, "reg", (const u64[]){ FZ_RAM_BASE, FZ_RAM_BIG }, c, 2);
	if (cells == 2) {
		n = subnode(dt, 0, "memory@880000000");
		fdt_ok(fdt_setprop_string(dt, n, "device_type", "memory"), "device_type");
		prop_cells(dt, n, "reg", (const u64[]){ FZ_HIGH_BASE, FZ_HIGH_SIZE }, c,
			   2);
	}
	if (with_resmem)
		resmem_nodes(dt, cells);
	n = subnode(dt, 0, "chosen");
	fdt_ok(fdt_setprop_string(dt, n, "bootargs", "console=ttyAMA0 kho=on"),
	       "bootargs");
}

/* The /reserved-memory harness's checks, in short: the seed must pass them. */
static void check_resmem_seed(const void *dt)
{
	struct kho_range store[NR_RANGES];
	struct kho_rmap rm;
	struct kho_mem mem;

	ok(kho_fdt_check(dt, fdt_totalsize(dt)), "DT check");
	rmap_fenced(&rm, store, 0);
	ok(kho_dt_protect_resmem(dt, &rm), "protect /reserved-memory");
	kho_mem_init(&mem);
	ok(kho_mem_from_dt(&mem, dt, 0), "memory from the DT");
}

static void seed_dt(const char *name, void *dt)
{
	struct buf b = { 0 };

	fdt_ok(fdt_pack(dt), "pack");
	check_resmem_seed(dt);
	put(&b, dt, fdt_totalsize(dt));
	write_seed("resmem", name, &b);
}

static void resmem_seeds(void)
{
	static u8 dt[DT_ROOM];
	int n;

	os_dt(dt, 2, 1);
	seed_dt("virt-2-cells.dtb", dt);
	os_dt(dt, 1, 1);
	ok(kho_dt_set_chosen(dt, &(const struct kho_chosen){ 0x40000000, 0x1000,
							     0x40001000, 0x20 }),
	   "chosen");
	seed_dt("virt-1-cell.dtb", dt);
	/* Cells absent (Linux's early default 1/1), and a handover in /chosen. */
	os_dt(dt, 2, 0);
	fdt_ok(fdt_delprop(dt, 0, "#address-cells"), "delprop");
	fdt_ok(fdt_delprop(dt, 0, "#size-cells"), "delprop");
	n = fdt_path_offset(dt, "/memory@40000000");
	fdt_ok(fdt_setprop(dt, n, "reg",
			   (const fdt32_t[]){ cpu_to_fdt32(0x40000000),
					      cpu_to_fdt32(0x40000000) },
			   8),
	       "reg");
	fdt_ok(fdt_del_node(dt, fdt_path_offset(dt, "/memory@880000000")), "del");
	seed_dt("virt-no-cells.dtb", dt);
}

/* ------------------------- handovers made by kho_out ------------------------ */

struct made {
	struct machine m;
	u8 dt[DT_ROOM];
	enum kho_abi abi;
	u64 map;
};

static void make_scratch(struct made *h, struct kho_out *out)
{
	unsigned int ps = h->m.page_shift;
	u64 align =
		h->abi == KHO_ABI_V4 ? KHO_SCRATCH_ALIGN(ps) : KHO_SCRATCH_ALIGN_V1(ps);
	/* lowmem, global (0 bytes, as 7.0 and 7.1 emit it), one node */
	struct kho_scratch areas[3] = {
		{ 0x42000000, align },
		{ 0, 0 },
		{ 0x48000000, 2 * align },
	};
	u64 arr;

	ok(h->m.pa.alloc(h->m.pa.arg, &arr), "scratch array page");
	ok(kho_out_scratch(out, arr, areas, 3), "kho_out_scratch");
}

/* A handover with a bit of everything this ABI carries. */
static void make_handover(struct made *h, enum kho_abi abi, unsigned int ps, int cells)
{
	struct kho_range store[NR_RANGES];
	struct kho_rmap rm;
	struct kho_out out;
	u64 page = (u64)1 << ps;

	machine_init(&h->m, ps, FZ_RAM_BIG);
	h->abi = abi;
	rmap_fenced(&rm, store, 1);
	ok(kho_out_init(&out, &h->m.mem, abi, ps, &h->m.pa, &rm), "kho_out_init");
	/*
	 * Every order costs a path of map pages, and the seeds must stay small: order
	 * 0 (a run of three pages, one above 4 GiB, the blob pages) and order 2.
	 */
	for (u64 i = 0; i < 3; i++)
		ok(kho_out_preserve(&out, 0x40800000 + i * page, 0), "preserve");
	ok(kho_out_preserve(&out, FZ_HIGH_BASE + 4 * page, 0), "preserve high");
	ok(kho_out_reserve_mem(&out, "fwlog", 0x41000000, 4 * page), "reserve_mem");
	if (!kho_abi_is_v1(abi)) {
		ok(kho_out_metadata(&out, "7.3.4", 1), "metadata");
		ok(kho_out_dma_alloc(&out, 0x41800000, 3 * page, KHO_DMA_ATTR_NO_WARN, 0),
		   "dma_alloc");
	}
	make_scratch(h, &out);
	ok(kho_out_finish(&out), "kho_out_finish");
	h->map = out.map;
	os_dt(h->dt, cells, 1);
	ok(kho_out_chosen(&out, h->dt), "kho_out_chosen");
	fdt_ok(fdt_pack(h->dt), "pack");
}

/* The consume harness, in short: the seed must be accepted whole. */
static void check_consume(const void *dt, const struct kho_mem *mem, unsigned int ps,
			  enum kho_abi hint, struct kho_rmap *rm)
{
	struct kho_in in;

	ok(kho_fdt_check(dt, fdt_totalsize(dt)), "OS DT check");
	ok(kho_in_open(&in, dt, mem, ps, hint), "kho_in_open");
	ok(kho_in_protect(&in, rm), "kho_in_protect");
}

static void seed_consume(const char *name, const void *dt, const u8 *win,
			 enum kho_abi hint, unsigned int ps)
{
	struct buf b = { 0 };
	u8 hdr[2] = { (u8)hint, (u8)((ps - 12) / 2) };

	put(&b, hdr, 2);
	put_le(&b, fdt_totalsize(dt), 2);
	put(&b, dt, fdt_totalsize(dt));
	put_window(&b, win);
	write_seed("consume", name, &b);
}

static void seed_walk(const char *harness, const char *name, const u8 *win, u8 flags,
		      unsigned int max_order, unsigned int ps, u64 head)
{
	struct buf b = { 0 };
	u8 hdr[8] = { flags, (u8)max_order, (u8)((ps - 12) / 2), 3 };

	put(&b, hdr, 8);
	put_le(&b, head, 8);
	put_window(&b, win);
	write_seed(harness, name, &b);
}

/* kho_v1_walk()/kho_radix_walk() as the walk harness runs them with these flags. */
static void check_walk(const struct machine *m, u8 flags, unsigned int max_order,
		       u64 head, unsigned int bitmap_bytes)
{
	struct kho_range store[NR_RANGES];
	struct kho_rmap rm;
	struct kho_walk w = { .mem = &m->mem,
			      .page_shift = m->page_shift,
			      .max_order = max_order };

	if (flags & FZ_F_SEEN) {
		rmap_fenced(&rm, store, flags & FZ_F_FENCE);
		w.seen = &rm;
	}
	ok(bitmap_bytes ? kho_v1_walk(&w, head, bitmap_bytes) : kho_radix_walk(&w, head),
	   "walk");
	if (!w.blocks)
		die("walk seed without blocks");
}

static void handover_seeds(void)
{
	static const struct {
		enum kho_abi abi, hint;
		unsigned int ps;
		int cells;
		const char *name;
	} hs[] = {
		{ KHO_ABI_V1_512, KHO_ABI_V1_512, 12, 2, "v1-512" },
		{ KHO_ABI_V1_4K_NZ, KHO_ABI_V1_4K_NZ, 12, 1, "v1-4k-nz-1-cell" },
		{ KHO_ABI_V4, KHO_ABI_AUTO, 12, 2, "v4" },
	};
	static struct made h;
	struct kho_range store[NR_RANGES];
	struct kho_rmap rm;
	char name[64];

	for (unsigned int i = 0; i < sizeof(hs) / sizeof(hs[0]); i++) {
		unsigned int bytes = kho_abi_bitmap_bytes(hs[i].abi);
		unsigned int max = kho_abi_max_order(hs[i].abi, hs[i].ps);
		u8 flags = FZ_F_BIG | FZ_F_SEEN | FZ_F_FENCE |
			   (bytes == KHO_V1_BITMAP_BYTES_4K ? FZ_F_4K : 0);

		make_handover(&h, hs[i].abi, hs[i].ps, hs[i].cells);
		rmap_fenced(&rm, store, 0);
		check_consume(h.dt, &h.m.mem, hs[i].ps, hs[i].hint, &rm);
		seed_consume(hs[i].name, h.dt, h.m.win, hs[i].hint, hs[i].ps);
		check_walk(&h.m, flags, max, h.map, bytes);
		snprintf(name, sizeof(name), "%s-map", hs[i].name);
		seed_walk(bytes ? "v1_walk" : "radix_walk", name, h.m.win, flags, max,
			  hs[i].ps, h.map);
	}
}

/* ----------------------- small maps in the small RAM ----------------------- */

/* Blocks inside FZ_RAM_SMALL: walks without a page record stay cheap there. */
static const struct {
	u64 phys;
	unsigned int order;
} small_blocks[] = {
	{ 0x40200000, 0 }, { 0x40201000, 0 }, { 0x40202000, 0 },
	{ 0x403ff000, 0 }, { 0x40300000, 8 },
};

static void small_v1(unsigned int bytes, const char *name)
{
	static struct machine m;
	struct kho_v1_builder b;
	u64 head;
	u8 flags = bytes == KHO_V1_BITMAP_BYTES_4K ? FZ_F_4K : 0;

	machine_init(&m, 12, FZ_RAM_SMALL);
	kho_v1_builder_init(&b, bytes);
	for (unsigned int i = 0; i < sizeof(small_blocks) / sizeof(small_blocks[0]); i++)
		ok(kho_v1_set(&b, &m.mem, small_blocks[i].phys, small_blocks[i].order, 1,
			      &m.pa, NULL),
		   "kho_v1_set");
	ok(kho_v1_finish(&b, &m.mem, 1, &m.pa, NULL, &head), "kho_v1_finish");
	check_walk(&m, flags, KHO_V1_MAX_ORDER, head, bytes);
	seed_walk("v1_walk", name, m.win, flags, KHO_V1_MAX_ORDER, 12, head);
}

static void small_radix(unsigned int ps, const char *name)
{
	static struct machine m;
	u64 root = 0;
	unsigned int max = kho_abi_max_order(KHO_ABI_V4, ps);

	machine_init(&m, ps, FZ_RAM_SMALL);
	for (unsigned int i = 0; i < sizeof(small_blocks) / sizeof(small_blocks[0]);
	     i++) {
		u64 key;

		if (small_blocks[i].order + 12 < ps)
			continue;
		key = kho_radix_encode(small_blocks[i].phys,
				       small_blocks[i].order + 12 - ps, ps);
		if (!key)
			continue;
		ok(kho_radix_set(&m.mem, ps, &root, key, 1, &m.pa, NULL),
		   "kho_radix_set");
	}
	check_walk(&m, 0, max, root, 0);
	seed_walk("radix_walk", name, m.win, 0, max, ps, root);
}

static void small_seeds(void)
{
	small_v1(KHO_V1_BITMAP_BYTES_512, "small-512");
	small_v1(KHO_V1_BITMAP_BYTES_4K, "small-4k");
	small_radix(12, "small-4k-pages");
	small_radix(14, "small-16k-pages");
}

/* ------------------------ the captured Linux handover ---------------------- */

struct vector {
	u8 *dtb;
	struct kho_mem mem;
	struct kho_in in;
};

static u8 *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;
	u8 *p;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET))
		die("cannot read %s", path);
	p = aligned_alloc(4096, ((size_t)n + 4095) & ~(size_t)4095);
	if (!p || fread(p, 1, (size_t)n, f) != (size_t)n)
		die("cannot read %s", path);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* The vector's DTB, and its RAM pieces as windows at their physical addresses. */
static void load_vector(struct vector *v, const char *dir)
{
	char path[512];
	struct dirent *e;
	size_t len;
	DIR *d;

	snprintf(path, sizeof(path), "%s/dtb", dir);
	v->dtb = read_file(path, &len);
	ok(kho_fdt_check(v->dtb, len), "vector DTB");
	kho_mem_init(&v->mem);
	ok(kho_mem_from_dt(&v->mem, v->dtb, 0), "vector /memory");
	d = opendir(dir);
	if (!d)
		die("cannot open %s", dir);
	while ((e = readdir(d))) {
		char *end;
		u64 base;
		u8 *host;

		if (strncmp(e->d_name, "ram@", 4))
			continue;
		base = strtoull(e->d_name + 4, &end, 0);
		if (strcmp(end, ".bin"))
			die("unexpected file %s", e->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		host = read_file(path, &len);
		ok(kho_mem_add_window(&v->mem, base, len, host), "vector RAM piece");
	}
	closedir(d);
	ok(kho_in_open(&v->in, v->dtb, &v->mem, 12, KHO_ABI_AUTO), "vector kho_in_open");
	if (v->in.abi != KHO_ABI_V4)
		die("the vector is not kho-v4");
}

/* Pages of the vector copied into the window: old page -> new page. */
#define MAX_MOVED 64
struct reloc {
	const struct kho_mem *src;
	struct machine *m;
	u64 from[MAX_MOVED], to[MAX_MOVED];
	unsigned int n;
};

static void move_page(struct reloc *r, u64 page)
{
	const void *p;
	int err;

	page &= ~(u64)0xfff;
	for (unsigned int i = 0; i < r->n; i++)
		if (r->from[i] == page)
			return;
	if (r->n == MAX_MOVED)
		die("too many pages to move");
	p = kho_mem_ptr(r->src, page, 0x1000, &err);
	if (!p)
		die("vector page 0x%" PRIx64 ": %s", page, kho_strerror(err));
	ok(r->m->pa.alloc(r->m->pa.arg, &r->to[r->n]), "window page");
	memcpy(r->m->win + (r->to[r->n] - FZ_RAM_BASE), p, 0x1000);
	r->from[r->n++] = page;
}

static u64 moved(const struct reloc *r, u64 phys)
{
	for (unsigned int i = 0; i < r->n; i++)
		if (r->from[i] == (phys & ~(u64)0xfff))
			return r->to[i] | (phys & 0xfff);
	die("0x%" PRIx64 " was not moved", phys);
}

static u64 *window_u64(const struct reloc *r, u64 phys)
{
	return (u64 *)(r->m->win + (phys - FZ_RAM_BASE));
}

/* Move every table and leaf of the tree at node (level 0 is a leaf). */
static void move_tree(struct reloc *r, u64 node, unsigned int level)
{
	const u64 *t;
	int err;

	move_page(r, node);
	if (!level)
		return;
	t = kho_mem_ptr(r->src, node, 0x1000, &err);
	for (unsigned int i = 0; t && i < 512; i++)
		if (t[i])
			move_tree(r, t[i], level - 1);
}

/* Point the moved tables at the moved nodes; node is a new address. */
static void patch_tree(const struct reloc *r, u64 node, unsigned int level)
{
	u64 *t = window_u64(r, node);

	for (unsigned int i = 0; level && i < 512; i++) {
		if (!t[i])
			continue;
		t[i] = moved(r, t[i]);
		patch_tree(r, t[i], level - 1);
	}
}

static int move_blob(void *arg, const struct kho_blob *b)
{
	struct reloc *r = arg;

	for (u64 off = 0; off < b->size; off += 0x1000)
		move_page(r, b->phys + off);
	return 0;
}

static void set_u64_prop(void *fdt, int node, const char *name, u64 v)
{
	u8 le[8];

	kho_put_u64(le, v);
	fdt_ok(fdt_setprop_inplace(fdt, node, name, le, 8), name);
}

static void patch_kho_fdt(const struct reloc *r, void *fdt, u64 map)
{
	int node, len;

	set_u64_prop(fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, moved(r, map));
	fdt_for_each_subnode (node, fdt, 0) {
		const void *p = fdt_getprop(fdt, node, KHO_SUB_TREE_PROP_NAME, &len);

		if (p && len == 8)
			set_u64_prop(fdt, node, KHO_SUB_TREE_PROP_NAME,
				     moved(r, kho_get_u64(p)));
	}
}

static void set_chosen_pair(void *dt, const char *name, u64 addr, u64 size)
{
	fdt64_t v[2] = { cpu_to_fdt64(addr), cpu_to_fdt64(size) };

	fdt_ok(fdt_setprop_inplace(dt, fdt_path_offset(dt, "/chosen"), name, v, 16),
	       name);
}

/* The preserved ranges a consumer records for dt over mem. */
static unsigned int preserved_of(const void *dt, const struct kho_mem *mem,
				 struct kho_range *out)
{
	struct kho_range store[NR_RANGES];
	struct kho_rmap rm;
	unsigned int n = 0;

	rmap_fenced(&rm, store, 0);
	check_consume(dt, mem, 12, KHO_ABI_AUTO, &rm);
	for (unsigned int i = 0; i < rm.nr; i++)
		if (rm.r[i].kind == KHO_KIND_PRESERVED)
			out[n++] = rm.r[i];
	return n;
}

/*
 * Move the KHO FDT, scratch array, tree and blob pages into the window and rewrite
 * the pointers to them. The preserved blocks, scratch areas and blob contents stay
 * as captured: the moved handover preserves exactly what the original did.
 */
static void vector_seeds(const char *dir)
{
	static struct kho_range before[NR_RANGES], after[NR_RANGES];
	static struct machine m;
	static struct vector v;
	struct reloc r = { .src = &v.mem, .m = &m };
	u8 flags = FZ_F_BIG | FZ_F_SEEN | FZ_F_FENCE;
	u64 fdt, root;
	unsigned int nb, na;
	void *dt;

	load_vector(&v, dir);
	machine_init(&m, 12, FZ_RAM_BIG);
	move_page(&r, v.in.ch.fdt_phys);
	move_page(&r, v.in.ch.scratch_phys);
	move_tree(&r, v.in.map, KHO_TREE_MAX_DEPTH(12) - 1);
	ok(kho_in_for_each_blob(&v.in, move_blob, &r), "vector blobs");
	fdt = moved(&r, v.in.ch.fdt_phys);
	root = moved(&r, v.in.map);
	patch_tree(&r, root, KHO_TREE_MAX_DEPTH(12) - 1);
	patch_kho_fdt(&r, m.win + (fdt - FZ_RAM_BASE), v.in.map);
	dt = malloc(fdt_totalsize(v.dtb));
	if (!dt)
		die("out of memory");
	memcpy(dt, v.dtb, fdt_totalsize(v.dtb));
	set_chosen_pair(dt, KHO_CHOSEN_FDT_PROP, fdt, v.in.ch.fdt_len);
	set_chosen_pair(dt, KHO_CHOSEN_SCRATCH_PROP, moved(&r, v.in.ch.scratch_phys),
			v.in.ch.scratch_len);
	nb = preserved_of(v.dtb, &v.mem, before);
	na = preserved_of(dt, &m.mem, after);
	for (unsigned int i = 0; i < na && na == nb; i++)
		nb -= before[i].start != after[i].start || before[i].end != after[i].end;
	if (na != nb)
		die("the moved handover preserves other ranges than the captured one");
	seed_consume("linux-7.3-arm64", dt, m.win, KHO_ABI_AUTO, 12);
	check_walk(&m, flags, kho_abi_max_order(KHO_ABI_V4, 12), root, 0);
	seed_walk("radix_walk", "linux-7.3-arm64", m.win, flags,
		  kho_abi_max_order(KHO_ABI_V4, 12), 12, root);
	seed_dt("linux-7.3-arm64.dtb", v.dtb);
	free(dt);
}

/* ------------------------------ payload containers ------------------------- */

/* The payload harness's input: flags, size, then the non-zero runs as records. */
static void seed_payload(const char *name, const u8 *c, u64 len)
{
	struct buf b = { 0 };
	u8 flags[4] = { 0x03 }; /* check the data CRCs; keep the CRCs right */
	u64 at = 0;

	put(&b, flags, 4);
	put_le(&b, len, 4);
	while (at < len) {
		u64 end, zeros = 0;

		while (at < len && !c[at])
			at++;
		/* A run ends at 16 zero bytes in a row or at the largest record. */
		for (end = at; end < len && end - at < 0xffff && zeros < 16; end++)
			zeros = c[end] ? 0 : zeros + 1;
		end -= zeros;
		if (end > at) {
			put_le(&b, at, 4);
			put_le(&b, end - at, 2);
			put(&b, c + at, end - at);
		}
		at = end + zeros;
	}
	write_seed("payload", name, &b);
}

static void payload_seed(const char *name, u32 abi, int with_initrd)
{
	static u8 image[4096];
	static const char initrd[] = "070701 not really a cpio archive";
	struct mkp_input in = { image, sizeof(image), NULL, 0, NULL, abi };
	struct boot_payload p;
	u64 len;
	u8 *c;

	memset(image, 0, sizeof(image));
	kho_put_u64(image + 16, 0x20000); /* image_size */
	kho_put_u64(image + 24, 0x2);	  /* little-endian, 4 KiB pages */
	memcpy(image + 0x38, "ARM\x64", 4);
	memcpy(image + 0x100, "kho-v4", 6);
	if (with_initrd) {
		in.initrd = initrd;
		in.initrd_size = sizeof(initrd);
		in.cmdline = "console=ttyAMA0 kho=on";
	}
	len = mkp_size(&in);
	c = aligned_alloc(8, (len + 7) & ~7ull);
	if (!c || !len)
		die("no container");
	memset(c, 0, len);
	if (mkp_build(&in, c))
		die("mkp_build failed");
	ok(boot_payload_parse(c, len, 0x48000000, 1, &p), "boot_payload_parse");
	seed_payload(name, c, len);
	free(c);
}

static void payload_seeds(void)
{
	payload_seed("kho-v4", KHO_ABI_V4, 1);
	payload_seed("no-kho", 0, 0);
}

/* --------------------------- khofw DMA sub-blobs -------------------------- */

struct dma_seed {
	const char *name, *device;
	u64 phys, size, order, attrs, coherent;
};

static void dma_record(void *fdt, const struct dma_seed *d, u64 index)
{
	const char *const names[] = { "index", "phys",	   "size",     "order",
				      "attrs", "coherent", "decrypted" };
	const u64 v[] = { index, d->phys, d->size, d->order, d->attrs, d->coherent, 0 };
	int node = fdt_add_subnode(fdt, 0, d->name);

	fdt_ok(node, "subnode");
	for (unsigned int i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		u8 le[8];

		kho_put_u64(le, v[i]); /* little-endian, as KHO FDTs store numbers */
		fdt_ok(fdt_setprop(fdt, node, names[i], le, sizeof(le)), names[i]);
	}
	fdt_ok(fdt_setprop_string(fdt, node, "device", d->device), "device");
	fdt_ok(fdt_setprop_string(fdt, node, "mapping",
				  d->coherent ? BOOT_KHOFW_MAP_WB : BOOT_KHOFW_MAP_NC),
	       "mapping");
}

/* A subtree as lib/boot/dma.c lays it out: records in entry order. */
static void dma_seed(const char *name, const struct dma_seed *d, unsigned int n)
{
	static u8 page[4096];
	struct buf b = { 0 };

	fdt_ok(fdt_create_empty_tree(page, sizeof(page)), "empty tree");
	fdt_ok(fdt_setprop_string(page, 0, "compatible", BOOT_KHOFW_COMPATIBLE),
	       "compatible");
	for (unsigned int i = n; i-- > 0;)
		dma_record(page, &d[i], i);
	fdt_ok(fdt_pack(page), "pack");
	if (boot_khofw_for_each_dma(page, fdt_totalsize(page), NULL, NULL) != (int)n)
		die("khofw seed %s not read back", name);
	put(&b, page, fdt_totalsize(page));
	write_seed("khofw_dma", name, &b);
}

static void dma_seeds(void)
{
	/* The board DT's buffers (dts/qemu-virt-arm64.dts), and a coherent one. */
	static const struct dma_seed d[] = {
		{ "dma@70200000", "/khofw-sim-dma", 0x70200000, 0x3000, 2, 0, 0 },
		{ "ring@71000000", "/pcie@10000000/nvme@0", 0x71000000, 0x1000, 0, 0x100,
		  1 },
	};

	dma_seed("qemu-virt-nc", d, 1);
	dma_seed("nc-and-coherent", d, 2);
	dma_seed("empty", d, 0);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		die("usage: mkseeds OUTDIR VECTORDIR");
	outdir = argv[1];
	if (mkdir(outdir, 0755) && errno != EEXIST)
		die("mkdir %s: %s", outdir, strerror(errno));
	handover_seeds();
	small_seeds();
	resmem_seeds();
	vector_seeds(argv[2]);
	payload_seeds();
	dma_seeds();
	return 0;
}
