/* SPDX-License-Identifier: MIT */
/*
 * mkdma: a handover with DMA allocations made by lib/boot's boot_dma_preserve()
 * (dma-alloc entries and the khofw subtree), written as a RAM image (a sparse
 * file of 64 MiB from BASE) and an OS DTB, for khotool dma's tests. Options can
 * then break it in one known way each:
 *
 *   -D NAME:PHYS:SIZE:nc|coh[:ATTRS]   a DMA buffer (device non-coherent or not)
 *   -s             preserve size >> PAGE_SHIFT order-0 pages (the wrong firmware)
 *   -n             entries only, no khofw subtree (what a kernel would emit)
 *   -W I           record I's mapping becomes "wb"
 *   -A I:ATTRS     record I's attrs become ATTRS
 *   -E PHYS:SIZE   one more dma-alloc entry, not preserved and without a record
 *   -R NAME:PHYS:SIZE:nomap|reusable|plain   a /reserved-memory region in the DTB
 *
 * KHO pages (KHO FDT, blobs, map, scratch array) come from [BASE + 1 MiB,
 * BASE + 4 MiB); scratch is [BASE + 32 MiB, BASE + 40 MiB).
 */
#include <boot/dma.h>
#include <fcntl.h>
#include <getopt.h>
#include <kho/err.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define RAM_SIZE (64ull << 20)
#define DTB_SIZE 8192
#define RM_CAP 4096
#define MAX_RESMEM 8

struct gen {
	u64 base;
	u8 *ram;
	struct kho_mem mem;
	struct kho_range storage[RM_CAP];
	struct boot_state st;
	u64 next; /* the page arena */
	char names[BOOT_MAX_FW_BUFS][32];
};

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("mkdma: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void check(int err, const char *what)
{
	if (err < 0)
		die("%s: %s", what, kho_strerror(err));
}

static u64 num(const char *s)
{
	char *end;
	u64 v = strtoull(s, &end, 0);

	if (!*s || *end)
		die("bad number '%s'", s);
	return v;
}

/* Split s at ':' into at most max fields; returns how many. */
static int fields(char *s, char **f, int max)
{
	int n = 0;

	while (s && n < max) {
		f[n++] = s;
		s = strchr(s, ':');
		if (s)
			*s++ = 0;
	}
	return n;
}

static int alloc_page(void *arg, u64 *phys)
{
	struct gen *g = arg;

	if (g->next >= g->base + (4ull << 20))
		return -KHO_E_NOMEM;
	*phys = g->next;
	g->next += 4096;
	return 0;
}

static void *at(struct gen *g, u64 phys, u64 len)
{
	int err;
	void *p = kho_mem_ptr(&g->mem, phys, len, &err);

	check(p ? 0 : err, "address");
	return p;
}

static void add_buf(struct gen *g, char *arg)
{
	char *f[5];
	int n = fields(arg, f, 5);
	struct boot_fw_buf *b = &g->st.fw[g->st.nr_fw];

	if (n < 4 || g->st.nr_fw == BOOT_MAX_FW_BUFS)
		die("-D NAME:PHYS:SIZE:nc|coh[:ATTRS]");
	snprintf(g->names[g->st.nr_fw], sizeof(g->names[0]), "%s", f[0]);
	b->name = g->names[g->st.nr_fw];
	b->kind = BOOT_FW_DMA;
	b->phys = num(f[1]);
	b->size = num(f[2]);
	b->coherent = !strcmp(f[3], "coh");
	b->device = b->coherent ? "/soc/dev-coh" : "/soc/dev-nc";
	b->attrs = n == 5 ? num(f[4]) : 0;
	g->st.nr_fw++;
}

/* The khofw subtree's node for entry index, in the image. */
static int record(struct gen *g, u64 index, void **fdt)
{
	int kho = fdt_subnode_offset(g->st.out.fdt, 0, BOOT_KHOFW_BLOB), node, len;
	const void *p = fdt_getprop(g->st.out.fdt, kho, "preserved-data", &len);

	if (!p || len != 8)
		die("no khofw subtree to change");
	*fdt = at(g, kho_get_u64(p), 4096);
	fdt_for_each_subnode (node, *fdt, 0) {
		const void *v = fdt_getprop(*fdt, node, "index", &len);

		if (v && len == 8 && kho_get_u64(v) == index)
			return node;
	}
	die("no khofw record %llu", (unsigned long long)index);
}

static void set_mapping_wb(struct gen *g, const char *arg)
{
	void *fdt;
	int node = record(g, num(arg), &fdt);

	check(fdt_setprop_inplace(fdt, node, "mapping", "wb", 3) ? -KHO_E_FDT : 0, "-W");
}

static void set_attrs(struct gen *g, char *arg)
{
	char *f[2];
	void *fdt;
	u8 v[8];
	int node;

	if (fields(arg, f, 2) != 2)
		die("-A I:ATTRS");
	node = record(g, num(f[0]), &fdt);
	kho_put_u64(v, num(f[1]));
	check(fdt_setprop_inplace(fdt, node, "attrs", v, 8) ? -KHO_E_FDT : 0, "-A");
}

/* One more entry in the dma-alloc blob, nothing preserved for it. */
static void extra_entry(struct gen *g, char *arg)
{
	struct kho_out *out = &g->st.out;
	struct dma_alloc_ser *e;
	char *f[2];
	u8 size[8];
	int node = fdt_subnode_offset(out->fdt, 0, "dma-alloc");

	if (fields(arg, f, 2) != 2 || node < 0)
		die("-E PHYS:SIZE needs a dma-alloc blob (-D)");
	e = at(g, out->dma_phys + out->nr_dma * sizeof(*e), sizeof(*e));
	memset(e, 0, sizeof(*e));
	e->page_phys = num(f[0]);
	e->size = num(f[1]);
	out->nr_dma++;
	kho_put_u64(size, out->nr_dma * sizeof(*e));
	check(fdt_setprop_inplace(out->fdt, node, "blob-size", size, 8) ? -KHO_E_FDT : 0,
	      "-E");
}

static void dt_reg(void *dt, int node, u64 base, u64 size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	check(fdt_setprop(dt, node, "reg", reg, sizeof(reg)) ? -KHO_E_FDT : 0, "reg");
}

static void dt_resmem(void *dt, char *arg)
{
	char *f[4];
	int rsv = fdt_path_offset(dt, "/reserved-memory"), node;

	if (fields(arg, f, 4) != 4)
		die("-R NAME:PHYS:SIZE:nomap|reusable|plain");
	if (rsv < 0) {
		rsv = fdt_add_subnode(dt, 0, "reserved-memory");
		if (rsv < 0 || fdt_setprop_u32(dt, rsv, "#address-cells", 2) ||
		    fdt_setprop_u32(dt, rsv, "#size-cells", 2) ||
		    fdt_setprop(dt, rsv, "ranges", NULL, 0))
			die("/reserved-memory");
	}
	node = fdt_add_subnode(dt, rsv, f[0]);
	if (node < 0)
		die("/reserved-memory/%s", f[0]);
	dt_reg(dt, node, num(f[1]), num(f[2]));
	if (!strcmp(f[3], "nomap") && fdt_setprop(dt, node, "no-map", NULL, 0))
		die("no-map");
	if (!strcmp(f[3], "reusable") &&
	    (fdt_setprop_string(dt, node, "compatible", "shared-dma-pool") ||
	     fdt_setprop(dt, node, "reusable", NULL, 0)))
		die("reusable");
}

static void write_file(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(p, 1, len, f) != len || fclose(f))
		die("cannot write %s", path);
}

static void open_ram(struct gen *g, const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || ftruncate(fd, (off_t)RAM_SIZE))
		die("cannot create %s", path);
	g->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (g->ram == MAP_FAILED)
		die("cannot map %s", path);
	kho_mem_init(&g->mem);
	check(kho_mem_add_ram(&g->mem, g->base, RAM_SIZE), "RAM");
	check(kho_mem_add_window(&g->mem, g->base, RAM_SIZE, g->ram), "window");
}

static void os_dtb(struct gen *g, char **resmem, unsigned int nres, const char *path)
{
	static u8 dt[DTB_SIZE];
	int node;

	if (fdt_create_empty_tree(dt, sizeof(dt)) ||
	    fdt_setprop_u32(dt, 0, "#address-cells", 2) ||
	    fdt_setprop_u32(dt, 0, "#size-cells", 2))
		die("DTB");
	node = fdt_add_subnode(dt, 0, "memory@40000000");
	if (node < 0 || fdt_setprop_string(dt, node, "device_type", "memory"))
		die("DTB /memory");
	dt_reg(dt, node, g->base, RAM_SIZE);
	if (fdt_add_subnode(dt, 0, "chosen") < 0)
		die("DTB /chosen");
	check(kho_out_chosen(&g->st.out, dt), "/chosen");
	for (unsigned int i = 0; i < nres; i++)
		dt_resmem(dt, resmem[i]);
	write_file(path, dt, fdt_totalsize(dt));
}

int main(int argc, char **argv)
{
	static struct gen g;
	const struct boot_cfg cfg = { .page_shift = 12 };
	const char *ram = NULL, *dtb = NULL;
	struct {
		int opt;
		char *arg;
	} later[32];
	char *resmem[MAX_RESMEM];
	unsigned int nlater = 0, nres = 0;
	int c, plain = 0, shrt = 0;

	g.base = 0x40000000;
	while ((c = getopt(argc, argv, "b:o:d:D:snW:A:E:R:")) != -1) {
		if (c == 'b')
			g.base = num(optarg);
		else if (c == 'o')
			ram = optarg;
		else if (c == 'd')
			dtb = optarg;
		else if (c == 's')
			shrt = 1;
		else if (c == 'n')
			plain = 1;
		else if (c == 'R' && nres < MAX_RESMEM)
			resmem[nres++] = optarg;
		else if (strchr("DWAE", c) && nlater < 32)
			later[nlater].opt = c, later[nlater++].arg = optarg;
		else
			die("usage: mkdma -o RAM -d DTB [-b BASE] [-D ...] [-s] [-n] "
			    "[-W I] [-A I:ATTRS] [-E PHYS:SIZE] [-R ...]");
	}
	if (!ram || !dtb || optind != argc)
		die("-o RAM and -d DTB are required");
	open_ram(&g, ram);
	boot_init(&g.st, &g.mem, g.storage, RM_CAP, &cfg);
	g.st.cfg.dma_short_count = shrt;
	g.next = g.base + (1ull << 20);
	for (unsigned int i = 0; i < nlater; i++)
		if (later[i].opt == 'D')
			add_buf(&g, later[i].arg);
	check(kho_out_init(&g.st.out, &g.mem, KHO_ABI_V4, 12,
			   &(struct kho_page_alloc){ alloc_page, &g }, &g.st.rm),
	      "init");
	if (plain)
		for (unsigned int i = 0; i < g.st.nr_fw; i++)
			check(kho_out_dma_alloc(&g.st.out, g.st.fw[i].phys,
						g.st.fw[i].size, g.st.fw[i].attrs, 0),
			      "dma");
	else
		check(boot_dma_preserve(&g.st), "boot_dma_preserve");
	for (unsigned int i = 0; i < nlater; i++) {
		if (later[i].opt == 'W')
			set_mapping_wb(&g, later[i].arg);
		else if (later[i].opt == 'A')
			set_attrs(&g, later[i].arg);
		else if (later[i].opt == 'E')
			extra_entry(&g, later[i].arg);
	}
	g.next += 4096; /* the scratch array */
	check(kho_out_scratch(&g.st.out, g.next - 4096,
			      &(struct kho_scratch){ g.base + (32ull << 20), 8ull << 20 },
			      1),
	      "scratch");
	check(kho_out_finish(&g.st.out), "finish");
	os_dtb(&g, resmem, nres, dtb);
	munmap(g.ram, RAM_SIZE);
	return 0;
}
