/* SPDX-License-Identifier: MIT */
/*
 * Host benchmark of the preserved-memory map: decode radix trees of several shapes
 * into merged ranges with kho_radix_walk(), against two baselines over the same
 * leaves (a walker that calls back once per set bit, as Linux's
 * kho_radix_walk_tree() does, and a plain sum of the leaf words); encode the
 * smaller sets with kho_out_preserve() and kho_radix_set(); query a reservation
 * map of 10 k ranges. Trees live in simulated RAM: the described address space is
 * declared RAM without a window, only the tree pages are backed, so a 1 TiB map
 * costs its 32 MiB of leaves. Best of several runs; nothing is asserted except
 * that both walkers agree.
 */
#include <kho/err.h>
#include <kho/map.h>
#include <kho/out.h>
#include <kho/rmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE 4096ull
#define PSHIFT 12u
#define MiB (1024ull * 1024)
#define GiB (1024ull * MiB)
#define TiB (1024ull * GiB)
#define LEAF_BITS 32768ull /* order-0 pages described by one leaf: 128 MiB */
#define DEPTH 6u	   /* tables above the leaves with 4 KiB pages: 5 */
#define BASE (4 * GiB)	   /* first byte of the described address space */

/* ------------------------------- simulated RAM ------------------------------ */

struct tree {
	struct kho_mem mem;
	u8 *pool;
	u64 pool_phys, pool_size, pool_used;
	u64 root;
	u64 **leaves; /* host address of every leaf, for the read baseline */
	u64 nleaves, leaves_cap;
};

static void die(const char *what)
{
	fprintf(stderr, "bench: %s\n", what);
	exit(1);
}

static void *xcalloc(u64 n, u64 size)
{
	void *p = calloc(n, size);

	if (!p)
		die("out of host memory");
	return p;
}

/* span bytes of RAM at BASE, then pool bytes of tree pages (the only window). */
static void tree_init(struct tree *t, u64 span, u64 pool)
{
	memset(t, 0, sizeof(*t));
	kho_mem_init(&t->mem);
	t->pool = aligned_alloc(PAGE, pool);
	if (!t->pool)
		die("out of host memory");
	memset(t->pool, 0, pool);
	t->pool_phys = BASE + span;
	t->pool_size = pool;
	if (kho_mem_add_ram(&t->mem, BASE, span + pool) ||
	    kho_mem_add_window(&t->mem, t->pool_phys, pool, t->pool))
		die("cannot declare simulated RAM");
	t->leaves_cap = pool / PAGE;
	t->leaves = xcalloc(t->leaves_cap, sizeof(*t->leaves));
}

static void tree_fini(struct tree *t)
{
	free(t->pool);
	free(t->leaves);
}

static int pool_alloc(void *arg, u64 *phys)
{
	struct tree *t = arg;

	if (t->pool_used + PAGE > t->pool_size)
		return -KHO_E_NOMEM;
	*phys = t->pool_phys + t->pool_used;
	t->pool_used += PAGE;
	return 0;
}

static u64 *host_of(struct tree *t, u64 phys)
{
	return (u64 *)(t->pool + (phys - t->pool_phys));
}

static u64 new_page(struct tree *t)
{
	u64 phys;

	if (pool_alloc(t, &phys))
		die("tree pool too small");
	return phys;
}

/* The leaf holding order-0 key, created with its path if missing. Own arithmetic. */
static u64 *tree_leaf(struct tree *t, u64 key)
{
	u64 node;

	if (!t->root)
		t->root = new_page(t);
	node = t->root;
	for (unsigned int level = DEPTH - 1; level >= 1; level--) {
		u64 *table = host_of(t, node);
		unsigned int idx = (key >> (15 + 9 * (level - 1))) & 511;

		if (!table[idx]) {
			table[idx] = new_page(t);
			if (level == 1)
				t->leaves[t->nleaves++] = host_of(t, table[idx]);
		}
		node = table[idx];
	}
	return host_of(t, node);
}

static u64 key_of(u64 phys, unsigned int order)
{
	unsigned int shift = PSHIFT + order;

	return ((u64)1 << (64 - shift)) | (phys >> shift);
}

static void tree_set(struct tree *t, u64 phys, unsigned int order)
{
	u64 key = key_of(phys, order);

	tree_leaf(t, key)[(key & (LEAF_BITS - 1)) / 64] |= (u64)1 << (key % 64);
}

/* ---------------------------------- the sets --------------------------------- */

struct set {
	const char *name;
	u64 span;  /* address space described */
	u64 pool;  /* bytes of tree pages to reserve */
	int dense; /* every order-0 page of span */
	void (*gen)(const struct set *s, void (*fn)(void *, u64, unsigned int),
		    void *arg); /* the blocks, if not dense */
	int encode;		/* small enough to encode per block */
};

static u64 rng_state;

static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* 1 % of the pages, each page chosen independently. */
static void gen_sparse(const struct set *s, void (*fn)(void *, u64, unsigned int),
		       void *arg)
{
	rng_state = 0x9e3779b97f4a7c15ull;
	for (u64 pfn = 0; pfn < s->span / PAGE; pfn++)
		if (rnd() % 100 == 0)
			fn(arg, BASE + pfn * PAGE, 0);
}

/* 1024 pages anywhere in the span: few leaves over a huge address space. */
static void gen_scattered(const struct set *s, void (*fn)(void *, u64, unsigned int),
			  void *arg)
{
	u64 step = s->span / 1024;

	rng_state = 0x2545f4914f6cdd1dull;
	for (u64 i = 0; i < 1024; i++)
		fn(arg, BASE + i * step + (rnd() % (step / PAGE)) * PAGE, 0);
}

static void gen_every_other(const struct set *s, void (*fn)(void *, u64, unsigned int),
			    void *arg)
{
	for (u64 phys = BASE; phys < BASE + s->span; phys += 2 * PAGE)
		fn(arg, phys, 0);
}

/* Per 2 MiB: one order-9 block (40 %), 512 pages (30 %), every other order-4
 * block (20 %), nothing (10 %). */
static void gen_mixed(const struct set *s, void (*fn)(void *, u64, unsigned int),
		      void *arg)
{
	u64 chunk = 512 * PAGE;

	rng_state = 0xda942042e4dd58b5ull;
	for (u64 c = BASE; c < BASE + s->span; c += chunk) {
		u64 h = rnd() % 10;

		if (h < 4)
			fn(arg, c, 9);
		else if (h < 7)
			for (u64 p = c; p < c + chunk; p += PAGE)
				fn(arg, p, 0);
		else if (h < 9)
			for (u64 p = c; p < c + chunk; p += 32 * PAGE)
				fn(arg, p, 4);
	}
}

static void set_cb(void *arg, u64 phys, unsigned int order)
{
	tree_set(arg, phys, order);
}

static void build(struct tree *t, const struct set *s)
{
	tree_init(t, s->span, s->pool);
	if (!s->dense) {
		s->gen(s, set_cb, t);
		return;
	}
	for (u64 pfn = 0; pfn < s->span / PAGE; pfn += LEAF_BITS)
		memset(tree_leaf(t, key_of(BASE + pfn * PAGE, 0)), 0xff, PAGE);
}

/* ----------------------------- decoders under test ---------------------------- */

/* The output every decoder produces: runs merged when they touch. */
struct ranges {
	struct kho_run *v;
	u64 n, cap;
};

typedef int (*block_fn)(void *arg, u64 phys, u64 size, unsigned int order);

static int add_run(void *arg, u64 phys, u64 size, unsigned int order)
{
	struct ranges *r = arg;

	(void)order;
	if (r->n && r->v[r->n - 1].phys + r->v[r->n - 1].size == phys) {
		r->v[r->n - 1].size += size;
		return 0;
	}
	if (r->n == r->cap)
		return -KHO_E_NOSPC;
	r->v[r->n].phys = phys;
	r->v[r->n++].size = size;
	return 0;
}

/*
 * The same for a batch of runs, as kho_walk.runs hands them over: only the first
 * run of a batch can touch the range before it, the others are copied as they are.
 */
static int add_runs(void *arg, const struct kho_run *v, unsigned int n,
		    unsigned int order)
{
	struct ranges *r = arg;
	int err = add_run(arg, v->phys, v->size, order);

	if (err || n == 1)
		return err;
	if (r->cap - r->n < n - 1)
		return -KHO_E_NOSPC;
	memcpy(&r->v[r->n], v + 1, (n - 1) * sizeof(*v));
	r->n += n - 1;
	return 0;
}

static int decode_kho(struct tree *t, struct ranges *r)
{
	struct kho_run buf[256];
	struct kho_walk w = {
		.mem = &t->mem,
		.page_shift = PSHIFT,
		.max_order = 64 - PSHIFT - 1,
		.runs = add_runs,
		.run_buf = buf,
		.run_cap = 256,
		.arg = r,
	};

	r->n = 0;
	return kho_radix_walk(&w, t->root);
}

/* The same walk with one callback per run. */
static int decode_cb(struct tree *t, struct ranges *r)
{
	struct kho_walk w = {
		.mem = &t->mem,
		.page_shift = PSHIFT,
		.max_order = 64 - PSHIFT - 1,
		.block = add_run,
		.arg = r,
	};

	r->n = 0;
	return kho_radix_walk(&w, t->root);
}

/* Reference: one callback per set bit, each key decoded on its own. */
__attribute__((noipa)) static int ref_leaf(struct tree *t, u64 node, u64 prefix,
					   block_fn fn, void *arg)
{
	const u64 *bits = host_of(t, node);

	for (unsigned int i = 0; i < PAGE / 8; i++) {
		for (u64 x = bits[i]; x; x &= x - 1) {
			u64 key = prefix | (i * 64 + (u64)__builtin_ctzll(x));
			unsigned int ob = 63u - (unsigned int)__builtin_clzll(key);
			unsigned int order = 64 - PSHIFT - ob;
			u64 phys = (key & (((u64)1 << ob) - 1)) << (PSHIFT + order);
			int err = fn(arg, phys, PAGE << order, order);

			if (err)
				return err;
		}
	}
	return 0;
}

__attribute__((noipa)) static int ref_table(struct tree *t, u64 node, unsigned int level,
					    u64 prefix, block_fn fn, void *arg)
{
	const u64 *table = host_of(t, node);
	unsigned int shift = 15 + 9 * (level - 1);
	int err;

	for (u64 i = 0; i < PAGE / 8; i++) {
		if (!table[i])
			continue;
		if (level == 1)
			err = ref_leaf(t, table[i], prefix | (i << shift), fn, arg);
		else
			err = ref_table(t, table[i], level - 1, prefix | (i << shift), fn,
					arg);
		if (err)
			return err;
	}
	return 0;
}

static int decode_ref(struct tree *t, struct ranges *r)
{
	r->n = 0;
	return ref_table(t, t->root, DEPTH - 1, 0, add_run, r);
}

static volatile u64 sink;

/* Baseline: read every leaf word once. */
static int read_leaves(struct tree *t, struct ranges *r)
{
	u64 sum = 0;

	(void)r;
	for (u64 l = 0; l < t->nleaves; l++)
		for (unsigned int i = 0; i < PAGE / 8; i++)
			sum += t->leaves[l][i];
	sink = sum;
	return 0;
}

/* ---------------------------------- timing ---------------------------------- */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Time of inner runs of fn, in ns. */
static double sample(int (*fn)(struct tree *, struct ranges *), struct tree *t,
		     struct ranges *r, u64 inner)
{
	double t0 = now_ns();

	for (u64 k = 0; k < inner; k++)
		if (fn(t, r))
			die("decode failed");
	return now_ns() - t0;
}

/*
 * Best of reps samples of fn, in ns per run. A sample repeats fn until it lasts
 * about 0.2 ms, so microsecond runs are not lost in the clock's own cost.
 */
static double best(int (*fn)(struct tree *, struct ranges *), struct tree *t,
		   struct ranges *r, int reps)
{
	double one = sample(fn, t, r, 1), min = 1e300;
	u64 inner = one < 2e5 ? (u64)(2e5 / (one + 1)) + 1 : 1;

	for (int i = 0; i < reps; i++) {
		double ns = sample(fn, t, r, inner) / (double)inner;

		if (ns < min)
			min = ns;
	}
	return min;
}

static int same_ranges(const struct ranges *a, const struct ranges *b)
{
	return a->n == b->n && !memcmp(a->v, b->v, a->n * sizeof(*a->v));
}

/* ---------------------------------- decode ---------------------------------- */

static void gen_all(const struct set *s, void (*fn)(void *, u64, unsigned int), void *arg)
{
	for (u64 phys = BASE; phys < BASE + s->span; phys += PAGE)
		fn(arg, phys, 0);
}

static const struct set sets[] = {
	{ "dense 1G", GiB, 1 * MiB, 1, gen_all, 1 },
	{ "dense 64G", 64 * GiB, 4 * MiB, 1, gen_all, 0 },
	{ "dense 1T", TiB, 40 * MiB, 1, gen_all, 0 },
	{ "sparse 1% 64G", 64 * GiB, 4 * MiB, 0, gen_sparse, 1 },
	{ "scattered 1k 256T", 256 * TiB, 24 * MiB, 0, gen_scattered, 1 },
	{ "every-other 4G", 4 * GiB, 1 * MiB, 0, gen_every_other, 1 },
	{ "mixed 16G", 16 * GiB, 2 * MiB, 0, gen_mixed, 1 },
};
#define NSETS (sizeof(sets) / sizeof(sets[0]))

static void count_cb(void *arg, u64 phys, unsigned int order)
{
	(void)phys;
	(void)order;
	++*(u64 *)arg;
}

static u64 count_blocks(const struct set *s)
{
	u64 n = 0;

	if (s->dense)
		return s->span / PAGE;
	s->gen(s, count_cb, &n);
	return n;
}

static void bench_decode(const struct set *s, int reps)
{
	struct tree t;
	struct ranges a, b;
	u64 blocks = count_blocks(s);
	double walk, cb, bit, rd;

	build(&t, s);
	a.cap = b.cap = s->dense ? 16 : blocks;
	a.v = xcalloc(a.cap, sizeof(*a.v));
	b.v = xcalloc(b.cap, sizeof(*b.v));
	walk = best(decode_kho, &t, &a, reps);
	cb = best(decode_cb, &t, &a, reps);
	bit = best(decode_ref, &t, &b, reps < 3 ? reps : 3);
	rd = best(read_leaves, &t, &a, reps);
	if (decode_ref(&t, &b) || decode_kho(&t, &a) || !same_ranges(&a, &b))
		die("kho_radix_walk (runs) and the per-bit walk disagree");
	if (decode_cb(&t, &a) || !same_ranges(&a, &b))
		die("kho_radix_walk (block) and the per-bit walk disagree");
	printf("%-18s %6llu %10llu %8llu %9.1f %9.1f %10.1f %8.1f %7.1f %5.2f %7.2f "
	       "%7.2f "
	       "%7.1f\n",
	       s->name, (unsigned long long)t.nleaves, (unsigned long long)blocks,
	       (unsigned long long)a.n, walk / 1e3, cb / 1e3, bit / 1e3, rd / 1e3,
	       bit / walk, walk / rd, walk / (double)a.n, cb / (double)a.n,
	       walk / (double)t.nleaves);
	free(a.v);
	free(b.v);
	tree_fini(&t);
}

/* ---------------------------------- encode ---------------------------------- */

struct blk {
	u64 phys;
	unsigned int order;
};

struct blks {
	struct blk *v;
	u64 n;
};

static void blk_cb(void *arg, u64 phys, unsigned int order)
{
	struct blks *b = arg;

	b->v[b->n].phys = phys;
	b->v[b->n++].order = order;
}

static double enc_out(struct tree *t, const struct blks *b)
{
	struct kho_page_alloc pa = { pool_alloc, t };
	struct kho_out out;
	double t0;

	if (kho_out_init(&out, &t->mem, KHO_ABI_V4, PSHIFT, &pa, NULL))
		die("kho_out_init failed");
	t0 = now_ns();
	for (u64 i = 0; i < b->n; i++)
		if (kho_out_preserve(&out, b->v[i].phys, b->v[i].order))
			die("kho_out_preserve failed");
	return now_ns() - t0;
}

static double enc_radix(struct tree *t, const struct blks *b)
{
	struct kho_page_alloc pa = { pool_alloc, t };
	double t0 = now_ns();

	for (u64 i = 0; i < b->n; i++) {
		u64 key = kho_radix_encode(b->v[i].phys, b->v[i].order, PSHIFT);

		if (kho_radix_set(&t->mem, PSHIFT, &t->root, key, 1, &pa, NULL))
			die("kho_radix_set failed");
	}
	return now_ns() - t0;
}

static double best_enc(double (*fn)(struct tree *, const struct blks *),
		       const struct set *s, const struct blks *b, int reps)
{
	double min = 1e300;

	for (int i = 0; i < reps; i++) {
		struct tree t;
		double ns;

		tree_init(&t, s->span, s->pool);
		ns = fn(&t, b);
		tree_fini(&t);
		if (ns < min)
			min = ns;
	}
	return min;
}

static void bench_encode(const struct set *s, int reps)
{
	struct blks b = { xcalloc(count_blocks(s), sizeof(struct blk)), 0 };
	double out, radix;

	s->gen(s, blk_cb, &b);
	out = best_enc(enc_out, s, &b, reps);
	radix = best_enc(enc_radix, s, &b, reps);
	printf("%-18s %10llu %10.3f %8.1f %10.3f %8.1f\n", s->name,
	       (unsigned long long)b.n, out / 1e6, out / (double)b.n, radix / 1e6,
	       radix / (double)b.n);
	free(b.v);
}

/* ---------------------------------- forward ---------------------------------- */

/*
 * Forwarding a previous map: kho_radix_merge() of the set's tree into a new one
 * (what kho_in_carry() does for a stage passing a hand-over on), against
 * kho_out_preserve() of every block. The source's pages are recorded as map memory
 * in a reservation map, as the protect step leaves them.
 */
struct fwd {
	struct tree *t;
	u64 src_root, src_used;
	struct kho_range store[64];
	struct kho_rmap rm;
};

static double merge_once(struct fwd *f)
{
	struct kho_page_alloc pa = { pool_alloc, f->t };
	u64 root = 0;
	double t0;

	memset(f->t->pool + f->src_used, 0, f->t->pool_size - f->src_used);
	f->t->pool_used = f->src_used;
	kho_rmap_init(&f->rm, f->store, 64);
	if (kho_rmap_add(&f->rm, f->t->pool_phys, f->t->pool_phys + f->src_used,
			 KHO_KIND_MAP, NULL))
		die("kho_rmap_add failed");
	t0 = now_ns();
	if (kho_radix_merge(&f->t->mem, PSHIFT, &root, f->src_root, &pa, &f->rm))
		die("kho_radix_merge failed");
	t0 = now_ns() - t0;
	f->t->root = root;
	return t0;
}

static void bench_forward(const struct set *s, int reps)
{
	struct tree t;
	struct fwd f = { &t, 0, 0, { { 0 } }, { 0 } };
	struct set big = *s;
	struct ranges a, b;
	u64 blocks = count_blocks(s);
	double merge = 1e300, per = 0;

	big.pool = 2 * s->pool + MiB;
	build(&t, &big);
	f.src_root = t.root;
	f.src_used = t.pool_used;
	a.cap = b.cap = s->dense ? 16 : blocks;
	a.v = xcalloc(a.cap, sizeof(*a.v));
	b.v = xcalloc(b.cap, sizeof(*b.v));
	if (decode_kho(&t, &a))
		die("decode of the source failed");
	for (int i = 0; i < reps; i++) {
		double ns = merge_once(&f);

		if (ns < merge)
			merge = ns;
	}
	if (decode_kho(&t, &b) || !same_ranges(&a, &b))
		die("the merged tree does not hold the source's blocks");
	t.root = f.src_root;
	if (s->encode) {
		struct blks bl = { xcalloc(blocks, sizeof(struct blk)), 0 };

		s->gen(s, blk_cb, &bl);
		per = best_enc(enc_out, s, &bl, reps < 3 ? reps : 3);
		free(bl.v);
	}
	printf("%-18s %6llu %10llu %10.1f %8.1f %12.1f %9.1f\n", s->name,
	       (unsigned long long)t.nleaves, (unsigned long long)blocks, merge / 1e3,
	       merge / (double)t.nleaves, per / 1e3, per ? per / merge : 0.0);
	free(a.v);
	free(b.v);
	tree_fini(&t);
}

/* ------------------------------ reservation map ------------------------------ */

#define NR_RANGES 10000u
#define NR_QUERIES (1u << 20)

static void rmap_fill(struct kho_rmap *rm)
{
	static const unsigned int kinds[] = { KHO_KIND_PRESERVED, KHO_KIND_MAP,
					      KHO_KIND_META,	  KHO_KIND_SCRATCH,
					      KHO_KIND_FIRMWARE,  KHO_KIND_RESERVED };

	for (u64 i = 0; i < NR_RANGES; i++) {
		u64 start = BASE + i * 64 * 1024;

		if (kho_rmap_add(rm, start, start + 16 * 1024 * (1 + i % 3), kinds[i % 6],
				 NULL))
			die("kho_rmap_add failed");
	}
}

static double best_query(const struct kho_rmap *rm, const u64 *q, int write, int reps)
{
	double min = 1e300;

	for (int r = 0; r < reps; r++) {
		u64 hits = 0;
		double t0 = now_ns();

		for (u64 i = 0; i < NR_QUERIES; i++)
			hits += write ? kho_rmap_check_write(rm, q[i], q[i] + PAGE) != 0
				      : kho_rmap_find(rm, q[i]) != NULL;
		t0 = now_ns() - t0;
		sink = hits;
		if (t0 < min)
			min = t0;
	}
	return min / NR_QUERIES;
}

static void bench_rmap(int reps)
{
	struct kho_range *store = xcalloc(NR_RANGES, sizeof(*store));
	u64 *q = xcalloc(NR_QUERIES, sizeof(*q));
	struct kho_rmap rm;

	kho_rmap_init(&rm, store, NR_RANGES);
	rmap_fill(&rm);
	rng_state = 0x5851f42d4c957f2dull;
	for (u64 i = 0; i < NR_QUERIES; i++)
		q[i] = BASE + (rnd() % ((u64)NR_RANGES * 16)) * PAGE;
	printf("kho_rmap_find        %u ranges  %6.1f ns/query\n", rm.nr,
	       best_query(&rm, q, 0, reps));
	printf("kho_rmap_check_write %u ranges  %6.1f ns/query\n", rm.nr,
	       best_query(&rm, q, 1, reps));
	free(q);
	free(store);
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 7;
	const char *only = argc > 2 ? argv[2] : NULL;

	if (reps < 1)
		reps = 1;
	printf("decode into merged ranges (best of %d; per-bit walk best of %d)\n", reps,
	       reps < 3 ? reps : 3);
	printf("%-18s %6s %10s %8s %9s %9s %10s %8s %7s %5s %7s %7s %7s\n", "set",
	       "leaves", "blocks", "ranges", "walk us", "cb us", "bit us", "read us",
	       "xbit", "/read", "ns/rng", "cb/rng", "ns/leaf");
	for (unsigned int i = 0; i < NSETS; i++)
		if (!only || strstr(sets[i].name, only))
			bench_decode(&sets[i], reps);
	if (only)
		return 0;
	printf("\nencode per block (best of %d)\n", reps < 3 ? reps : 3);
	printf("%-18s %10s %10s %8s %10s %8s\n", "set", "blocks", "out ms", "ns/blk",
	       "radix ms", "ns/blk");
	for (unsigned int i = 0; i < NSETS; i++)
		if (sets[i].encode)
			bench_encode(&sets[i], reps < 3 ? reps : 3);
	printf("\nforward a map: merge leaves into a new tree vs preserve block by block "
	       "(best of %d)\n",
	       reps);
	printf("%-18s %6s %10s %10s %8s %12s %9s\n", "set", "leaves", "blocks",
	       "merge us", "ns/leaf", "per-blk us", "x merge");
	for (unsigned int i = 0; i < NSETS; i++)
		bench_forward(&sets[i], reps);
	printf("\nreservation queries (best of %d, %u random queries)\n", reps,
	       NR_QUERIES);
	bench_rmap(reps);
	return 0;
}
