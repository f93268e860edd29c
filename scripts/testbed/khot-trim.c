/*
 * khot-trim: find the pages of a RAM dump that a Linux KHO handover (kho-v4,
 * 4 KiB pages, little-endian) references, and optionally save only those, so a
 * captured handover fits in a small regression vector. Host tool; its own FDT
 * walker and radix-tree walk, independent of the project's library.
 *
 *   khot-trim [-d DTB_ADDR] [-o OUTDIR] [-p] DTB RAMFILE@BASE...
 *
 * Prints one line per referenced range, "0x<start> 0x<end> <kind>" (end
 * exclusive; kinds: dtb, kho-fdt, scratch-array, scratch, tree, blob:<name>).
 *   -d DTB_ADDR  where the DTB sits in RAM, to keep its pages too
 *   -o OUTDIR    write the referenced pages as OUTDIR/ram@0x<addr>.bin runs
 *   -p           also print the preserved ranges the tree describes, merged
 *                ("... preserved")
 * RAM may come in several RAMFILE@BASE pieces (a trimmed vector); every object
 * must lie inside one piece. Exit 1 on malformed or out-of-dump data.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096ull
#define TABLE_ENTRIES 512
#define BITMAP_BITS (PAGE * 8)
#define TREE_TOP_LEVEL 5 /* KHO_TREE_MAX_DEPTH - 1 for 4 KiB pages */
#define MAX_RANGES (1 << 20)

typedef uint64_t u64;
typedef uint32_t u32;

#define MAX_PIECES 64

struct piece {
	const uint8_t *p;
	u64 base, size;
};

struct ram {
	struct piece pc[MAX_PIECES];
	unsigned int n;
};

struct range {
	u64 start, end;
	char kind[64];
};

struct list {
	struct range *r;
	size_t n;
};

static int add(struct list *l, u64 start, u64 end, const char *kind)
{
	if (l->n == MAX_RANGES || end < start)
		return -1;
	if (!l->r && !(l->r = calloc(MAX_RANGES, sizeof(*l->r))))
		return -1;
	l->r[l->n].start = start;
	l->r[l->n].end = end;
	snprintf(l->r[l->n].kind, sizeof(l->r[l->n].kind), "%s", kind);
	l->n++;
	return 0;
}

static const uint8_t *ram_ptr(const struct ram *m, u64 phys, u64 len)
{
	for (unsigned int i = 0; i < m->n; i++) {
		const struct piece *c = &m->pc[i];

		if (phys >= c->base && len <= c->size && phys - c->base <= c->size - len)
			return c->p + (phys - c->base);
	}
	return NULL;
}

static u64 le64(const uint8_t *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return v;
}

static u32 be32(const uint8_t *p)
{
	return (u32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* --- FDT ------------------------------------------------------------------ */

struct fdt {
	const uint8_t *p;
	u64 len;
};

/*
 * Find PROP of the node at PATH ("/" or "/a/b"); with PROP NULL, call @child
 * for every direct child of PATH instead. Returns the value (and *plen) or
 * NULL.
 */
static const uint8_t *fdt_walk(const struct fdt *f, const char *path, const char *prop,
			       u32 *plen, void (*child)(const char *name, void *arg),
			       void *arg)
{
	char cur[512] = "";
	size_t depth_len[64] = { 0 };
	int depth = 0;
	u64 off, strs;

	if (f->len < 40 || be32(f->p) != 0xd00dfeed || be32(f->p + 4) > f->len)
		return NULL;
	off = be32(f->p + 8);
	strs = be32(f->p + 12);
	if (!strcmp(path, "/"))
		path = "";
	while (off + 4 <= f->len) {
		u32 tok = be32(f->p + off);
		const char *name;
		size_t nl;

		off += 4;
		if (tok == 1) { /* BEGIN_NODE */
			name = (const char *)f->p + off;
			nl = strnlen(name, f->len - off);
			if (off + nl >= f->len || depth >= 63 ||
			    depth_len[depth] + nl + 2 > sizeof(cur))
				return NULL;
			if (child && depth >= 1 && !strcmp(cur, path) &&
			    depth_len[depth] == strlen(path))
				child(name, arg);
			depth_len[depth + 1] = depth_len[depth] + (depth ? nl + 1 : 0);
			if (depth)
				sprintf(cur + depth_len[depth], "/%s", name);
			depth++;
			off += (nl + 4) & ~3ull;
		} else if (tok == 2) { /* END_NODE */
			if (!depth--)
				return NULL;
			cur[depth_len[depth]] = 0;
		} else if (tok == 3) { /* PROP */
			u32 len, no;

			if (off + 8 > f->len)
				return NULL;
			len = be32(f->p + off);
			no = be32(f->p + off + 4);
			off += 8;
			if (len > f->len - off || strs + no >= f->len)
				return NULL;
			if (prop && !strcmp(cur, path) &&
			    !strcmp((const char *)f->p + strs + no, prop)) {
				*plen = len;
				return f->p + off;
			}
			off += (len + 3) & ~3ull;
		} else if (tok == 4) { /* NOP */
		} else {
			return NULL; /* END or garbage */
		}
	}
	return NULL;
}

static int fdt_u64(const struct fdt *f, const char *path, const char *prop, u64 *v)
{
	u32 len;
	const uint8_t *p = fdt_walk(f, path, prop, &len, NULL, NULL);

	if (!p || len != 8)
		return -1;
	*v = le64(p); /* KHO FDT values are native (little-endian) */
	return 0;
}

static u32 root_cells(const struct fdt *f, const char *prop, u32 dflt)
{
	u32 len;
	const uint8_t *p = fdt_walk(f, "/", prop, &len, NULL, NULL);

	return p && len == 4 ? be32(p) : dflt;
}

/* /chosen PROP = <addr size> in big-endian cells. */
static int chosen_range(const struct fdt *dt, const char *prop, u64 *addr, u64 *size)
{
	u32 ac = root_cells(dt, "#address-cells", 2),
	    sc = root_cells(dt, "#size-cells", 1), len;
	const uint8_t *p = fdt_walk(dt, "/chosen", prop, &len, NULL, NULL);

	if (!p || ac < 1 || ac > 2 || sc < 1 || sc > 2 || len != 4 * (ac + sc))
		return -1;
	*addr = ac == 2 ? (u64)be32(p) << 32 | be32(p + 4) : be32(p);
	p += 4 * ac;
	*size = sc == 2 ? (u64)be32(p) << 32 | be32(p + 4) : be32(p);
	return 0;
}

/* --- radix tree ------------------------------------------------------------ */

struct walk {
	const struct ram *m;
	struct list *refs, *preserved;
	unsigned int nodes;
};

static int walk_leaf(struct walk *w, u64 phys, u64 prefix)
{
	const uint8_t *leaf = ram_ptr(w->m, phys, PAGE);

	if (!leaf || phys % PAGE || add(w->refs, phys, phys + PAGE, "tree"))
		return -1;
	for (u64 b = 0; b < BITMAP_BITS; b++) {
		u64 key, p;
		unsigned int ob, order;

		if (!(leaf[b / 8] >> (b % 8) & 1))
			continue;
		key = prefix | b;
		ob = 63 - __builtin_clzll(key);
		order = 64 - 12 - ob;
		if (ob < 12 || order > 40)
			return -1;
		p = key << (12 + order);
		if (w->preserved &&
		    add(w->preserved, p, p + (PAGE << order), "preserved"))
			return -1;
	}
	return 0;
}

static int walk_node(struct walk *w, u64 phys, unsigned int level, u64 prefix)
{
	const uint8_t *node = ram_ptr(w->m, phys, PAGE);

	if (!node || phys % PAGE || ++w->nodes > 100000 ||
	    add(w->refs, phys, phys + PAGE, "tree"))
		return -1;
	for (u64 i = 0; i < TABLE_ENTRIES; i++) {
		u64 next = le64(node + 8 * i);
		u64 key = prefix | i << ((level - 1) * 9 + 15);
		int err;

		if (!next)
			continue;
		err = level == 1 ? walk_leaf(w, next, key)
				 : walk_node(w, next, level - 1, key);
		if (err)
			return err;
	}
	return 0;
}

/* --- output ---------------------------------------------------------------- */

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort and merge overlapping or touching ranges (the first kind wins). */
static void merge(struct list *l)
{
	size_t o = 0;

	qsort(l->r, l->n, sizeof(*l->r), cmp_range);
	for (size_t i = 0; i < l->n; i++) {
		if (o && l->r[i].start <= l->r[o - 1].end) {
			if (l->r[i].end > l->r[o - 1].end)
				l->r[o - 1].end = l->r[i].end;
			continue;
		}
		l->r[o++] = l->r[i];
	}
	l->n = o;
}

static int write_chunks(const struct ram *m, const struct list *refs, const char *dir)
{
	struct list pages = { 0 };

	for (size_t i = 0; i < refs->n; i++)
		if (add(&pages, refs->r[i].start & ~(PAGE - 1),
			(refs->r[i].end + PAGE - 1) & ~(PAGE - 1), "page"))
			return -1;
	merge(&pages);
	for (size_t i = 0; i < pages.n; i++) {
		char path[4096];
		const uint8_t *p =
			ram_ptr(m, pages.r[i].start, pages.r[i].end - pages.r[i].start);
		FILE *f;

		snprintf(path, sizeof(path), "%s/ram@0x%llx.bin", dir,
			 (unsigned long long)pages.r[i].start);
		f = fopen(path, "wb");
		if (!p || !f ||
		    fwrite(p, 1, pages.r[i].end - pages.r[i].start, f) !=
			    pages.r[i].end - pages.r[i].start ||
		    fclose(f)) {
			fprintf(stderr, "khot-trim: cannot write %s\n", path);
			return -1;
		}
	}
	free(pages.r);
	return 0;
}

static const void *load(const char *path, u64 *len)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) || !st.st_size)
		return NULL;
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = st.st_size;
	return p;
}

struct blobs {
	const struct fdt *kho;
	const struct ram *m;
	struct list *refs;
	int err;
};

static void add_blob(const char *name, void *arg)
{
	struct blobs *b = arg;
	char path[256], kind[64];
	u64 phys, size;

	snprintf(path, sizeof(path), "/%s", name);
	snprintf(kind, sizeof(kind), "blob:%s", name);
	if (fdt_u64(b->kho, path, "preserved-data", &phys) ||
	    fdt_u64(b->kho, path, "blob-size", &size) || !ram_ptr(b->m, phys, size) ||
	    add(b->refs, phys, phys + size, kind))
		b->err = -1;
}

static int fail(const char *what)
{
	fprintf(stderr, "khot-trim: %s\n", what);
	return 1;
}

int main(int argc, char **argv)
{
	struct list refs = { 0 }, pres = { 0 };
	struct ram m = { 0 };
	struct fdt dt, kho;
	struct walk w = { &m, &refs, NULL, 0 };
	struct blobs b = { &kho, &m, &refs, 0 };
	const char *outdir = NULL;
	u64 dtb_addr = 0, fdt_phys, fdt_size, sc_phys, sc_size, root;
	int opt, want_pres = 0;

	while ((opt = getopt(argc, argv, "d:o:p")) != -1) {
		if (opt == 'd')
			dtb_addr = strtoull(optarg, NULL, 0);
		else if (opt == 'o')
			outdir = optarg;
		else if (opt == 'p')
			want_pres = 1;
		else
			return 2;
	}
	if (argc - optind < 2 || argc - optind > MAX_PIECES + 1) {
		fprintf(stderr, "usage: khot-trim [-d DTB_ADDR] [-o OUTDIR] [-p] DTB "
				"RAMFILE@BASE...\n");
		return 2;
	}
	if (!(dt.p = load(argv[optind], &dt.len)))
		return fail("cannot read the DTB");
	for (int i = optind + 1; i < argc; i++) {
		char *at = strrchr(argv[i], '@');
		struct piece *c = &m.pc[m.n++];

		if (!at)
			return fail("RAM pieces are given as FILE@BASE");
		*at = 0;
		c->base = strtoull(at + 1, NULL, 0);
		if (!(c->p = load(argv[i], &c->size)))
			return fail("cannot read a RAM file");
	}
	if (want_pres)
		w.preserved = &pres;

	if (dtb_addr && add(&refs, dtb_addr, dtb_addr + be32(dt.p + 4), "dtb"))
		return fail("bad DTB address");
	if (chosen_range(&dt, "linux,kho-fdt", &fdt_phys, &fdt_size) ||
	    chosen_range(&dt, "linux,kho-scratch", &sc_phys, &sc_size))
		return fail("no /chosen linux,kho-fdt and linux,kho-scratch in the DTB");
	kho.p = ram_ptr(&m, fdt_phys, fdt_size);
	kho.len = fdt_size;
	if (!kho.p || add(&refs, fdt_phys, fdt_phys + fdt_size, "kho-fdt"))
		return fail("KHO FDT outside the RAM dump");
	if (!ram_ptr(&m, sc_phys, sc_size) || sc_size % 16 ||
	    add(&refs, sc_phys, sc_phys + sc_size, "scratch-array"))
		return fail("scratch array outside the RAM dump");
	for (u64 i = 0; i < sc_size / 16; i++) {
		const uint8_t *e = ram_ptr(&m, sc_phys + 16 * i, 16);

		printf("0x%llx 0x%llx scratch\n", (unsigned long long)le64(e),
		       (unsigned long long)(le64(e) + le64(e + 8)));
	}
	if (fdt_u64(&kho, "/", "preserved-memory-map", &root) || !root)
		return fail("KHO FDT has no preserved-memory-map");
	if (walk_node(&w, root, TREE_TOP_LEVEL, 0))
		return fail("radix tree points outside the RAM dump or is malformed");
	fdt_walk(&kho, "/", NULL, NULL, add_blob, &b);
	if (b.err)
		return fail("a sub-blob is malformed or outside the RAM dump");

	qsort(refs.r, refs.n, sizeof(*refs.r), cmp_range);
	for (size_t i = 0; i < refs.n; i++)
		printf("0x%llx 0x%llx %s\n", (unsigned long long)refs.r[i].start,
		       (unsigned long long)refs.r[i].end, refs.r[i].kind);
	if (want_pres) {
		merge(&pres);
		for (size_t i = 0; i < pres.n; i++)
			printf("0x%llx 0x%llx preserved\n",
			       (unsigned long long)pres.r[i].start,
			       (unsigned long long)pres.r[i].end);
	}
	if (outdir && write_chunks(&m, &refs, outdir))
		return 1;
	return 0;
}
