/* SPDX-License-Identifier: MIT */
/*
 * mkhandover: write a KHO handover made with libkho's kho_out_*() into a RAM image
 * (a sparse file holding RAM from BASE) and an OS DTB whose /memory and /chosen
 * describe it, so khotool's tests have inputs whose every range is known.
 *
 * Every range is one the options name, except the pages kho_out asks for (the
 * KHO FDT, blob pages, map pages): those come, consecutively, from the arena
 * [BASE + 1 MiB, BASE + 4 MiB). A test finds which is which from the bytes (the
 * DTB's /chosen, then the KHO FDT), not from libkho's order of allocation.
 * Steps: init, -r regions, -m metadata, -D dma allocations, -X blobs (added as
 * given, not preserved), -p blocks, scratch (-S, array at -A or at the first
 * non-empty area), finish. RAM is [BASE, BASE+SIZE) plus the -x banks, which have
 * no bytes in the image; -n leaves /memory out of the DTB.
 * -N COUNT:LO:HI scatters COUNT order-0 blocks over [LO, HI): block k lies in the
 * k-th of COUNT equal page-aligned slots, at a pseudo-random page that is never the
 * slot's last, so no two blocks touch (a big machine's sparse map, for khotool map).
 * -L COUNT:PHYS writes a LUO blob (luo-v5, 32 bytes) at PHYS and COUNT sessions
 * "session-<i>" (file count i % 4) in a kho_block chain on the pages after it, 51
 * per block; the blob is listed, not preserved.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <kho/err.h>
#include <kho/out.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_ITEMS 64
#define DTB_SIZE 8192
#define RM_CAP (1u << 16)

struct item {
	char name[32];
	u64 a;
	u64 b;
};

struct params {
	enum kho_abi abi;
	unsigned int page_shift;
	u64 base, size;
	const char *ram_path, *dtb_path;
	struct item preserve[MAX_ITEMS], resmem[MAX_ITEMS], dma[MAX_ITEMS];
	struct item scratch[MAX_ITEMS], banks[MAX_ITEMS], raw[MAX_ITEMS];
	struct item scatter[MAX_ITEMS];
	unsigned int nr_scatter;
	unsigned int nr_preserve, nr_resmem, nr_dma, nr_scratch, nr_banks, nr_raw;
	const char *release;
	u32 kexec_count;
	int metadata, no_memory;
	u64 array_phys;
	int luo;
	u64 luo_sessions, luo_phys;
};

struct gen {
	struct params *p;
	struct kho_mem mem;
	struct kho_rmap rm;
	struct kho_range storage[RM_CAP];
	struct kho_out out;
	u64 next, end; /* the page arena */
	u8 *ram;
};

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("mkhandover: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void check(int err, const char *what)
{
	if (err < 0)
		die("%s: %s", what, kho_strerror(err));
}

static u64 num(const char *s)
{
	int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *digits = hex ? s + 2 : s;
	char *end;
	u64 v;

	errno = 0;
	v = strtoull(digits, &end, hex ? 16 : 10);
	if (errno || end == digits || *end)
		die("bad number '%s'", s);
	return v;
}

/* "A:B" or, with a name, "NAME:A:B". */
static void parse_item(const char *arg, int named, struct item *it)
{
	char buf[128], *a = buf, *b;

	if (strlen(arg) >= sizeof(buf))
		die("argument too long: %s", arg);
	strcpy(buf, arg);
	memset(it, 0, sizeof(*it));
	if (named) {
		a = strchr(buf, ':');
		if (!a || (size_t)(a - buf) >= sizeof(it->name))
			die("expected NAME:A:B, got %s", arg);
		*a++ = 0;
		strcpy(it->name, buf);
	}
	b = strchr(a, ':');
	if (!b)
		die("expected A:B, got %s", arg);
	*b++ = 0;
	it->a = num(a);
	it->b = num(b);
}

static void add_item(struct item *list, unsigned int *n, const char *arg, int named)
{
	if (*n == MAX_ITEMS)
		die("too many items");
	parse_item(arg, named, &list[(*n)++]);
}

static void usage(void)
{
	fputs("usage: mkhandover -a ABI -o RAM.img -d OS.dtb [-b BASE] [-s SIZE]\n"
	      "         [-P PAGE_SHIFT] [-p PHYS:ORDER]... [-r NAME:START:SIZE]...\n"
	      "         [-m RELEASE:COUNT] [-D PHYS:SIZE]... [-S ADDR:SIZE]...\n"
	      "         [-A ARRAY_PHYS] [-x BANK_BASE:BANK_SIZE]...\n"
	      "         [-X NAME:PHYS:SIZE]... [-N COUNT:LO:HI]... [-L COUNT:PHYS] "
	      "[-n]\n",
	      stderr);
	exit(2);
}

static void parse_metadata(struct params *p, char *arg)
{
	char *colon = strrchr(arg, ':');

	if (!colon)
		die("expected RELEASE:COUNT, got %s", arg);
	*colon = 0;
	p->release = arg;
	p->kexec_count = (u32)num(colon + 1);
	p->metadata = 1;
}

static void parse_luo(struct params *p, const char *arg)
{
	struct item it;

	parse_item(arg, 0, &it);
	p->luo = 1;
	p->luo_sessions = it.a;
	p->luo_phys = it.b;
}

/* The bytes at phys, which must lie in the image. */
static u8 *image_at(struct gen *g, u64 phys, u64 len)
{
	if (phys < g->p->base || phys + len > g->p->base + g->p->size)
		die("0x%llx is not in the image", (unsigned long long)phys);
	return g->ram + (phys - g->p->base);
}

/*
 * -L: struct luo_ser (compatible[8], liveupdate_num, sessions_pa, flbs_pa) at
 * phys, then kho_block pages: header {next, count}, 80-byte luo_session_ser
 * entries {name[64], files, count}, (page - 16) / 80 per block.
 */
static void build_luo(struct gen *g)
{
	u64 page = (u64)1 << g->p->page_shift, per = (page - 16) / 80;
	u64 n = g->p->luo_sessions, blk = g->p->luo_phys + page;
	u8 *ser = image_at(g, g->p->luo_phys, 32), *b;

	memcpy(ser, "luo-v5\0\0", 8);
	kho_put_u64(ser + 8, 1);
	kho_put_u64(ser + 16, n ? blk : 0);
	kho_put_u64(ser + 24, 0);
	for (u64 i = 0; i < n; i += per, blk += page) {
		u64 count = n - i < per ? n - i : per;

		b = image_at(g, blk, page);
		kho_put_u64(b, i + count < n ? blk + page : 0);
		kho_put_u64(b + 8, count);
		for (u64 j = 0; j < count; j++) {
			snprintf((char *)b + 16 + 80 * j, 64, "session-%llu",
				 (unsigned long long)(i + j));
			kho_put_u64(b + 16 + 80 * j + 72, (i + j) % 4);
		}
	}
	check(kho_out_add_blob(&g->out, "LUO", g->p->luo_phys, 32), "-L blob");
}

/* The repeated options: -p, -D, -S, -x take A:B; -r and -X take NAME:A:B. */
static int parse_list_opt(struct params *p, int c, const char *arg)
{
	static const char opts[] = "pDSxrX";
	struct item *lists[] = {
		p->preserve, p->dma, p->scratch, p->banks, p->resmem, p->raw,
	};
	unsigned int *counts[] = {
		&p->nr_preserve, &p->nr_dma,	&p->nr_scratch,
		&p->nr_banks,	 &p->nr_resmem, &p->nr_raw,
	};
	const char *at = c ? strchr(opts, c) : NULL;

	if (!at)
		return 0;
	add_item(lists[at - opts], counts[at - opts], arg, at - opts >= 4);
	return 1;
}

static void parse_opt(struct params *p, int c, char *arg)
{
	int abi;

	if (parse_list_opt(p, c, arg))
		return;
	switch (c) {
	case 'a':
		abi = kho_abi_parse(arg);
		if (abi <= 0)
			die("bad ABI '%s'", arg);
		p->abi = (enum kho_abi)abi;
		break;
	case 'o':
		p->ram_path = arg;
		break;
	case 'd':
		p->dtb_path = arg;
		break;
	case 'b':
		p->base = num(arg);
		break;
	case 's':
		p->size = num(arg);
		break;
	case 'P':
		p->page_shift = (unsigned int)num(arg);
		break;
	case 'm':
		parse_metadata(p, arg);
		break;
	case 'A':
		p->array_phys = num(arg);
		break;
	case 'n':
		p->no_memory = 1;
		break;
	case 'N':
		add_item(p->scatter, &p->nr_scatter, arg, 1);
		break;
	case 'L':
		parse_luo(p, arg);
		break;
	default:
		usage();
	}
}

static void parse_args(struct params *p, int argc, char **argv)
{
	int c;

	memset(p, 0, sizeof(*p));
	p->base = 0x40000000;
	p->size = 64u << 20;
	p->page_shift = 12;
	while ((c = getopt(argc, argv, "a:o:d:b:s:P:p:r:D:S:x:X:m:A:nN:L:")) != -1)
		parse_opt(p, c, optarg);
	if (optind != argc || !p->abi || !p->ram_path || !p->dtb_path || !p->nr_scratch)
		usage();
}

static int alloc_page(void *arg, u64 *phys)
{
	struct gen *g = arg;

	if (g->next >= g->end)
		return -KHO_E_NOMEM;
	*phys = g->next;
	g->next += (u64)1 << g->p->page_shift;
	return 0;
}

/* The RAM image: a sparse file of size bytes, mapped shared so writes land in it. */
static void open_ram(struct gen *g)
{
	struct params *p = g->p;
	int fd = open(p->ram_path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || ftruncate(fd, (off_t)p->size))
		die("%s: %s", p->ram_path, strerror(errno));
	g->ram = mmap(NULL, p->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (g->ram == MAP_FAILED)
		die("%s: mmap: %s", p->ram_path, strerror(errno));
	close(fd);
}

static void setup(struct gen *g)
{
	struct params *p = g->p;

	kho_mem_init(&g->mem);
	check(kho_mem_add_ram(&g->mem, p->base, p->size), "RAM");
	for (unsigned int i = 0; i < p->nr_banks; i++)
		check(kho_mem_add_ram(&g->mem, p->banks[i].a, p->banks[i].b), "-x bank");
	open_ram(g);
	check(kho_mem_add_window(&g->mem, p->base, p->size, g->ram), "window");
	kho_rmap_init(&g->rm, g->storage, RM_CAP);
	g->next = p->base + (1u << 20);
	g->end = p->base + (4u << 20);
}

static void build_blobs(struct gen *g)
{
	struct params *p = g->p;
	struct kho_page_alloc pa = { alloc_page, g };

	check(kho_out_init(&g->out, &g->mem, p->abi, p->page_shift, &pa, &g->rm),
	      "kho_out_init");
	for (unsigned int i = 0; i < p->nr_resmem; i++)
		check(kho_out_reserve_mem(&g->out, p->resmem[i].name, p->resmem[i].a,
					  p->resmem[i].b),
		      "kho_out_reserve_mem");
	if (p->metadata)
		check(kho_out_metadata(&g->out, p->release, p->kexec_count),
		      "kho_out_metadata");
	for (unsigned int i = 0; i < p->nr_dma; i++)
		check(kho_out_dma_alloc(&g->out, p->dma[i].a, p->dma[i].b, 0, 0),
		      "kho_out_dma_alloc");
	for (unsigned int i = 0; i < p->nr_raw; i++)
		check(kho_out_add_blob(&g->out, p->raw[i].name, p->raw[i].a, p->raw[i].b),
		      "kho_out_add_blob");
	if (p->luo)
		build_luo(g);
}

/* -N: one block per slot, at a pseudo-random page other than the slot's last. */
static void scatter(struct gen *g, const struct item *it)
{
	u64 count = num(it->name), page = (u64)1 << g->p->page_shift;
	u64 slot = count ? ((it->b - it->a) / count) & ~(page - 1) : 0;
	u64 x = 0x6b686f2d6d6170ull; /* fixed seed: the same blocks every run */

	if (slot < 2 * page || (it->a & (page - 1)))
		die("-N %s:...: LO not page aligned, or slots under two pages", it->name);
	for (u64 k = 0; k < count; k++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		check(kho_out_preserve(
			      &g->out,
			      it->a + k * slot + (x >> 33) % (slot / page - 1) * page, 0),
		      "-N block");
	}
}

static void build_rest(struct gen *g)
{
	struct params *p = g->p;
	struct kho_scratch areas[MAX_ITEMS];
	u64 array = p->array_phys;

	for (unsigned int i = 0; i < p->nr_preserve; i++)
		check(kho_out_preserve(&g->out, p->preserve[i].a,
				       (unsigned int)p->preserve[i].b),
		      "kho_out_preserve");
	for (unsigned int i = 0; i < p->nr_scatter; i++)
		scatter(g, &p->scatter[i]);
	for (unsigned int i = 0; i < p->nr_scratch; i++) {
		areas[i].addr = p->scratch[i].a;
		areas[i].size = p->scratch[i].b;
		if (!array && areas[i].size)
			array = areas[i].addr;
	}
	check(kho_out_scratch(&g->out, array, areas, p->nr_scratch), "kho_out_scratch");
	check(kho_out_finish(&g->out), "kho_out_finish");
}

static void dt_u32(void *dt, int node, const char *name, u32 v)
{
	if (fdt_setprop_u32(dt, node, name, v))
		die("DTB: %s", name);
}

static void dt_bank(void *dt, u64 base, u64 size)
{
	char name[32];
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };
	int node;

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)base);
	node = fdt_add_subnode(dt, 0, name);
	if (node < 0 || fdt_setprop_string(dt, node, "device_type", "memory") ||
	    fdt_setprop(dt, node, "reg", reg, sizeof(reg)))
		die("DTB: %s", name);
}

static void write_dtb(struct gen *g)
{
	struct params *p = g->p;
	static u8 dt[DTB_SIZE];
	FILE *f;

	if (fdt_create_empty_tree(dt, sizeof(dt)))
		die("DTB: create");
	dt_u32(dt, 0, "#address-cells", 2);
	dt_u32(dt, 0, "#size-cells", 2);
	if (!p->no_memory) {
		dt_bank(dt, p->base, p->size);
		for (unsigned int i = 0; i < p->nr_banks; i++)
			dt_bank(dt, p->banks[i].a, p->banks[i].b);
	}
	check(kho_out_chosen(&g->out, dt), "kho_out_chosen");
	fdt_pack(dt);
	f = fopen(p->dtb_path, "wb");
	if (!f || fwrite(dt, fdt_totalsize(dt), 1, f) != 1 || fclose(f))
		die("%s: %s", p->dtb_path, strerror(errno));
}

int main(int argc, char **argv)
{
	static struct params p;
	static struct gen g;

	parse_args(&p, argc, argv);
	g.p = &p;
	setup(&g);
	build_blobs(&g);
	build_rest(&g);
	write_dtb(&g);
	if (msync(g.ram, p.size, MS_SYNC) || munmap(g.ram, p.size))
		die("%s: %s", p.ram_path, strerror(errno));
	return 0;
}
