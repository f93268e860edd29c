/* SPDX-License-Identifier: MIT */
/*
 * Byte vectors against the ABI notes' layouts. Consumer side: v1 chunk lists
 * (512-byte and 4 KiB bitmaps) and radix trees assembled byte by byte, with a
 * hand-made KHO FDT and /chosen, must yield exactly the preserved ranges the
 * bytes describe. Producer side: what kho_out_* writes must have the documented
 * bytes at the documented offsets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <kho/in.h>
#include <kho/out.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define MiB (1024ull * 1024)
#define NR_RANGES 256

struct vec {
	struct sim s;
	struct sim_alloc a;
	u8 dt[4096] __attribute__((aligned(8))); /* libfdt wants 8 */
	struct kho_range store[NR_RANGES];
	struct kho_rmap rm;
	struct kho_in in;
	struct kho_out out;
};

/* What every hand vector below preserves (plus the KHO FDT page). */
#define LOW_RUN 0x40800000ull	 /* three order-0 pages */
#define ORDER9 0x40A00000ull	 /* one order-9 block, bit 517 of an order-9 map */
#define HIGH_PAGE 0x880005000ull /* one order-0 page above 4 GiB */
#define FAR_PAGE 0x41800000ull	 /* order-0 bit 6144: only a 4 KiB bitmap holds it */

static const struct sim_span base_set[] = {
	{ SIM_FDT, SIM_FDT + 0x1000 },
	{ LOW_RUN, LOW_RUN + 0x3000 },
	{ ORDER9, ORDER9 + 2 * MiB },
	{ HIGH_PAGE, HIGH_PAGE + 0x1000 },
};

static const struct sim_span far_set[] = {
	{ SIM_FDT, SIM_FDT + 0x1000 },	   { LOW_RUN, LOW_RUN + 0x3000 },
	{ ORDER9, ORDER9 + 2 * MiB },	   { FAR_PAGE, FAR_PAGE + 0x1000 },
	{ HIGH_PAGE, HIGH_PAGE + 0x1000 },
};

#define N(a) (unsigned int)(sizeof(a) / sizeof((a)[0]))

static int setup(void **state)
{
	struct vec *v = calloc(1, sizeof(*v));

	if (!v)
		return -1;
	sim_std(&v->s, 32 * MiB, 8 * MiB);
	sim_poison(&v->s);
	sim_alloc_init(&v->a, &v->s, SIM_POOL, SIM_POOL_END, 12);
	sim_os_dt(v->dt, sizeof(v->dt), &v->s, 2, 2);
	kho_rmap_init(&v->rm, v->store, NR_RANGES);
	*state = v;
	return 0;
}

static int teardown(void **state)
{
	struct vec *v = *state;

	sim_fini(&v->s);
	free(v);
	return 0;
}

/* One scratch area in a 16-byte array, and /chosen pointing at FDT and array. */
static void hand_chosen(struct vec *v)
{
	sim_put_u64(&v->s, SIM_SCR_ARRAY, SIM_SCRATCH);
	sim_put_u64(&v->s, SIM_SCR_ARRAY + 8, SIM_SCRATCH_SIZE);
	sim_chosen_pair(v->dt, 2, 2, SIM_FDT, 0x1000, SIM_SCR_ARRAY, 16);
}

/* Consume with hint; the preserved ranges must be exactly want, RAM untouched. */
static void consume_expect(struct vec *v, enum kho_abi hint, const struct sim_span *want,
			   unsigned int nwant)
{
	struct sim_span got[64];
	unsigned int n;

	sim_snapshot(&v->s);
	kho_rmap_init(&v->rm, v->store, NR_RANGES);
	sim_expect(kho_in_open(&v->in, v->dt, &v->s.mem, 12, hint), 0);
	sim_expect(kho_in_protect(&v->in, &v->rm), 0);
	sim_assert_unchanged(&v->s, NULL, 0, "kho_in_open/kho_in_protect");
	n = sim_rmap_spans(&v->rm, KHO_KIND_PRESERVED, got, 64);
	sim_assert_spans(got, n, want, nwant, "preserved ranges");
}

/* ------------------------------ v1 chunk lists ------------------------------ */

/*
 * 512-byte bitmaps packed in one page, as 6.16's kzalloc(512) leaves them:
 * chunk 0 (order 0): [0] phys_start 0x4000_0000 -> bm+0, [1] 0x8_8000_0000 -> bm+512
 * chunk 1 (order 9): [0] phys_start 0 -> bm+1024
 */
static void hand_v1_512(struct vec *v)
{
	struct sim *s = &v->s;
	u64 c0 = sim_page(&v->a), c1 = sim_page(&v->a), bm = sim_page(&v->a);

	sim_v1_chunk(s, c0, c1, 0, 2);
	sim_v1_entry(s, c0, 0, 0x40000000ull, bm);
	sim_v1_entry(s, c0, 1, 0x880000000ull, bm + 512);
	sim_v1_chunk(s, c1, 0, 9, 1);
	sim_v1_entry(s, c1, 0, 0, bm + 1024);
	sim_set_bit(s, bm, 256);  /* 0x4010_0000: the KHO FDT page */
	sim_set_bit(s, bm, 2048); /* 0x4080_0000 */
	sim_set_bit(s, bm, 2049);
	sim_set_bit(s, bm, 2050);
	sim_set_bit(s, bm + 512, 5);	/* 0x8_8000_5000 */
	sim_set_bit(s, bm + 1024, 517); /* 517 << 21 = 0x40A0_0000 */
	sim_kho_fdt(s, SIM_FDT, 0x1000, "kho-v1", 1, c0);
	hand_chosen(v);
}

/* The same set with one 4 KiB bitmap per entry, plus bit 6144 (0x4180_0000). */
static void hand_v1_4k(struct vec *v)
{
	struct sim *s = &v->s;
	u64 c0 = sim_page(&v->a), c1 = sim_page(&v->a);
	u64 b0 = sim_page(&v->a), b1 = sim_page(&v->a), b2 = sim_page(&v->a);

	sim_v1_chunk(s, c0, c1, 0, 2);
	sim_v1_entry(s, c0, 0, 0x40000000ull, b0);
	sim_v1_entry(s, c0, 1, 0x880000000ull, b1);
	sim_v1_chunk(s, c1, 0, 9, 1);
	sim_v1_entry(s, c1, 0, 0, b2);
	sim_set_bit(s, b0, 256);
	sim_set_bit(s, b0, 2048);
	sim_set_bit(s, b0, 2049);
	sim_set_bit(s, b0, 2050);
	sim_set_bit(s, b0, 6144);
	sim_set_bit(s, b1, 5);
	sim_set_bit(s, b2, 517);
	sim_kho_fdt(s, SIM_FDT, 0x1000, "kho-v1", 1, c0);
	hand_chosen(v);
}

static void test_v1_512_hand_chunks(void **state)
{
	struct vec *v = *state;

	hand_v1_512(v);
	consume_expect(v, KHO_ABI_V1_512, base_set, N(base_set));
}

static void test_v1_512_auto_detected(void **state)
{
	struct vec *v = *state;

	hand_v1_512(v);
	consume_expect(v, KHO_ABI_AUTO, base_set, N(base_set));
	assert_int_equal(v->in.abi, KHO_ABI_V1_512);
}

static void test_v1_4k_hand_chunks(void **state)
{
	struct vec *v = *state;

	hand_v1_4k(v);
	consume_expect(v, KHO_ABI_V1_4K, far_set, N(far_set));
}

static void test_v1_4k_nz_same_bytes(void **state)
{
	struct vec *v = *state;

	hand_v1_4k(v);
	consume_expect(v, KHO_ABI_V1_4K_NZ, far_set, N(far_set));
}

static void test_v1_4k_auto_detected(void **state)
{
	struct vec *v = *state;

	hand_v1_4k(v);
	consume_expect(v, KHO_ABI_AUTO, far_set, N(far_set));
	assert_int_equal(v->in.abi, KHO_ABI_V1_4K);
}

static void test_v1_512_reader_ignores_bits_past_4096(void **state)
{
	struct vec *v = *state;

	/* The ABI trap: a 6.17.0 reader sees only the first 512 bytes of a bitmap. */
	hand_v1_4k(v);
	consume_expect(v, KHO_ABI_V1_512, base_set, N(base_set));
}

static void test_v1_empty_chunk_accepted(void **state)
{
	struct vec *v = *state;
	u64 c0 = sim_page(&v->a);
	const struct sim_span none[] = { { 0, 0 } };

	sim_v1_chunk(&v->s, c0, 0, 0, 0);
	sim_kho_fdt(&v->s, SIM_FDT, 0x1000, "kho-v1", 1, c0);
	hand_chosen(v);
	consume_expect(v, KHO_ABI_V1_4K_NZ, none, 0);
}

/* -------------------------------- radix trees ------------------------------- */

/*
 * The tree for base_set, slot by slot (ABI notes 2.2 index split):
 *   0x4010_0000/0: key 0x10_0000_0004_0100: L5 2, L4-L2 0, L1 8, bit 256
 *   0x4080_0000/0: key 0x10_0000_0004_0800: L5 2, L4-L2 0, L1 8, bit 2048 (+1, +2)
 *   0x8_8000_5000/0: key 0x10_0000_0088_0005: L5 2, L4-L2 0, L1 272, bit 5
 *   0x40A0_0000/9: key 0x800_0000_0205: L5 0, L4 2, L3-L1 0, bit 517
 */
static u64 hand_radix(struct vec *v)
{
	struct sim *s = &v->s;
	u64 root = sim_page(&v->a);
	u64 a4 = sim_page(&v->a), a3 = sim_page(&v->a), a2 = sim_page(&v->a);
	u64 a1 = sim_page(&v->a), leaf_a = sim_page(&v->a), leaf_b = sim_page(&v->a);
	u64 b4 = sim_page(&v->a), b3 = sim_page(&v->a), b2 = sim_page(&v->a);
	u64 b1 = sim_page(&v->a), leaf_c = sim_page(&v->a);

	sim_put_u64(s, root + 8 * 2, a4);
	sim_put_u64(s, a4 + 8 * 0, a3);
	sim_put_u64(s, a3 + 8 * 0, a2);
	sim_put_u64(s, a2 + 8 * 0, a1);
	sim_put_u64(s, a1 + 8 * 8, leaf_a);
	sim_put_u64(s, a1 + 8 * 272, leaf_b);
	sim_set_bit(s, leaf_a, 256);
	sim_set_bit(s, leaf_a, 2048);
	sim_set_bit(s, leaf_a, 2049);
	sim_set_bit(s, leaf_a, 2050);
	sim_set_bit(s, leaf_b, 5);
	sim_put_u64(s, root + 8 * 0, b4);
	sim_put_u64(s, b4 + 8 * 2, b3);
	sim_put_u64(s, b3 + 8 * 0, b2);
	sim_put_u64(s, b2 + 8 * 0, b1);
	sim_put_u64(s, b1 + 8 * 0, leaf_c);
	sim_set_bit(s, leaf_c, 517);
	return root;
}

static void test_radix_hand_tree_v4(void **state)
{
	struct vec *v = *state;

	sim_kho_fdt(&v->s, SIM_FDT, 0x1000, "kho-v4", 1, hand_radix(v));
	hand_chosen(v);
	consume_expect(v, KHO_ABI_V4, base_set, N(base_set));
}

static void test_radix_hand_tree_v3(void **state)
{
	struct vec *v = *state;

	sim_kho_fdt(&v->s, SIM_FDT, 0x1000, "kho-v3", 1, hand_radix(v));
	hand_chosen(v);
	consume_expect(v, KHO_ABI_V3, base_set, N(base_set));
}

static void test_radix_auto_resolves_compatible(void **state)
{
	struct vec *v = *state;

	sim_kho_fdt(&v->s, SIM_FDT, 0x1000, "kho-v3", 1, hand_radix(v));
	hand_chosen(v);
	consume_expect(v, KHO_ABI_AUTO, base_set, N(base_set));
	assert_int_equal(v->in.abi, KHO_ABI_V3);
}

static void test_radix_tree_helper_matches_hand_slots(void **state)
{
	struct vec *v = *state;
	u64 root = 0;

	/* sim_radix_add() (used by other tests) must build the same tree. */
	sim_radix_add(&v->s, &v->a, &root, SIM_FDT, 0);
	sim_radix_add(&v->s, &v->a, &root, LOW_RUN, 0);
	sim_radix_add(&v->s, &v->a, &root, LOW_RUN + 0x1000, 0);
	sim_radix_add(&v->s, &v->a, &root, LOW_RUN + 0x2000, 0);
	sim_radix_add(&v->s, &v->a, &root, HIGH_PAGE, 0);
	sim_radix_add(&v->s, &v->a, &root, ORDER9, 9);
	sim_kho_fdt(&v->s, SIM_FDT, 0x1000, "kho-v4", 1, root);
	hand_chosen(v);
	consume_expect(v, KHO_ABI_V4, base_set, N(base_set));
}

static void test_radix_overlapping_orders_over_fdt_page(void **state)
{
	struct vec *v = *state;
	u64 root = 0;
	const struct sim_span want[] = { { SIM_FDT - 0x2000, SIM_FDT + 0x1000 } };

	/*
	 * Orders may overlap (ABI notes 2.2): an order-1 block just below the FDT
	 * page, and an order-0 run over its upper page and the FDT page itself.
	 */
	sim_radix_add(&v->s, &v->a, &root, SIM_FDT - 0x2000, 1);
	sim_radix_add(&v->s, &v->a, &root, SIM_FDT - 0x1000, 0);
	sim_radix_add(&v->s, &v->a, &root, SIM_FDT, 0);
	sim_kho_fdt(&v->s, SIM_FDT, 0x1000, "kho-v4", 1, root);
	hand_chosen(v);
	consume_expect(v, KHO_ABI_V4, want, N(want));
}

static void test_radix_map_page_also_preserved(void **state)
{
	struct vec *v = *state;
	u64 root = 0;
	struct sim_span want[2];

	/*
	 * A producer that also preserves its own root page leaks it, but Linux
	 * accepts the handover (ABI notes 7.4): so must firmware.
	 */
	sim_radix_add(&v->s, &v->a, &root, SIM_FDT, 0);
	sim_radix_add(&v->s, &v->a, &root, root, 0);
	sim_kho_fdt(&v->s, SIM_FDT, 0x1000, "kho-v4", 1, root);
	hand_chosen(v);
	want[0].start = SIM_FDT < root ? SIM_FDT : root;
	want[0].end = want[0].start + 0x1000;
	want[1].start = SIM_FDT < root ? root : SIM_FDT;
	want[1].end = want[1].start + 0x1000;
	if (want[0].end == want[1].start) {
		want[0].end = want[1].end;
		consume_expect(v, KHO_ABI_V4, want, 1);
	} else {
		consume_expect(v, KHO_ABI_V4, want, 2);
	}
}

static void test_radix_block_over_meta_and_map_pages(void **state)
{
	struct vec *v = *state;
	struct sim_alloc near;
	u64 root = 0;
	const struct sim_span want[] = { { SIM_FDT, SIM_FDT + 0x4000 } };

	/*
	 * One order-2 block over the KHO FDT page, the scratch array and the first
	 * two tree pages: odd, but Linux accepts it, so must firmware.
	 */
	sim_alloc_init(&near, &v->s, SIM_FDT + 0x2000, SIM_FDT + 0x10000, 12);
	sim_radix_add(&v->s, &near, &root, SIM_FDT, 2);
	assert_true(root == SIM_FDT + 0x2000);
	sim_kho_fdt(&v->s, SIM_FDT, 0x1000, "kho-v4", 1, root);
	hand_chosen(v);
	consume_expect(v, KHO_ABI_V4, want, N(want));
}

/* ------------------------------- sub-blob nodes ----------------------------- */

struct blob_list {
	unsigned int n;
	char name[4][32];
	u64 phys[4], size[4];
};

static int collect_blob(void *arg, const struct kho_blob *b)
{
	struct blob_list *l = arg;

	if (l->n < 4) {
		strncpy(l->name[l->n], b->name, 31);
		l->phys[l->n] = b->phys;
		l->size[l->n] = b->size;
	}
	l->n++;
	return 0;
}

static void test_v4_blob_nodes(void **state)
{
	struct vec *v = *state;
	struct blob_list l = { 0 };
	const struct kho_range *r;
	void *fdt;
	int i;

	fdt = sim_kho_fdt(&v->s, SIM_FDT, 0x1000, "kho-v4", 1, hand_radix(v));
	sim_kho_blob(fdt, "inside", "preserved-data", LOW_RUN, "blob-size", 0x3000);
	sim_kho_blob(fdt, "outside", "preserved-data", 0x40900000ull, "blob-size", 100);
	hand_chosen(v);
	consume_expect(v, KHO_ABI_V4, base_set, N(base_set));
	assert_int_equal(kho_in_for_each_blob(&v->in, collect_blob, &l), 2);
	i = strcmp(l.name[0], "inside") ? 1 : 0; /* libfdt prepends new nodes */
	assert_string_equal(l.name[i], "inside");
	assert_int_equal(l.phys[i], LOW_RUN);
	assert_int_equal(l.size[i], 0x3000);
	assert_string_equal(l.name[!i], "outside");
	assert_int_equal(l.phys[!i], 0x40900000ull);
	assert_int_equal(l.size[!i], 100);
	/* The unpreserved blob is protected as meta, under its name. */
	r = kho_rmap_find(&v->rm, 0x40900000ull + 99);
	assert_non_null(r);
	assert_int_equal(r->kind, KHO_KIND_META);
	assert_int_equal(r->start, 0x40900000ull);
	assert_int_equal(r->end, 0x40900000ull + 100);
	assert_string_equal(r->label, "outside");
}

static void test_v1_blob_is_sub_fdt(void **state)
{
	struct vec *v = *state;
	struct kho_blob b;
	void *fdt;

	hand_v1_4k(v);
	fdt = sim_at(&v->s, SIM_FDT, 0x1000);
	fdt_create_empty_tree(sim_at(&v->s, 0x40900000ull, 256), 256);
	sim_kho_blob(fdt, "memblock", "fdt", 0x40900000ull, NULL, 0);
	consume_expect(v, KHO_ABI_V1_4K, far_set, N(far_set));
	sim_expect(kho_in_find_blob(&v->in, "memblock", &b), 0);
	assert_int_equal(b.phys, 0x40900000ull);
	assert_int_equal(b.size, 256); /* fdt_totalsize of the sub-FDT */
}

/* --------------------------------- producer --------------------------------- */

static void produce(struct vec *v, enum kho_abi abi)
{
	sim_expect(kho_out_init(&v->out, &v->s.mem, abi, 12, &v->a.pa, NULL), 0);
}

static void assert_bytes(const u8 *got, const u8 *want, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("%s: byte %zu is 0x%02x, expected 0x%02x", what, i,
				 got[i], want[i]);
}

static void le64(u8 *b, u64 v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		b[i] = (u8)v;
}

static void test_out_fdt_header_compat_and_map(void **state)
{
	struct vec *v = *state;
	static const u8 magic[4] = { 0xd0, 0x0d, 0xfe, 0xed };
	const u8 *raw;
	u8 want[8];
	int len;

	produce(v, KHO_ABI_V4);
	sim_expect(kho_out_finish(&v->out), 0);
	raw = sim_at(&v->s, v->out.fdt_phys, 0x1000);
	assert_bytes(raw, magic, 4, "KHO FDT magic (big-endian)");
	/* totalsize: one page */
	assert_int_equal(raw[4] << 24 | raw[5] << 16 | raw[6] << 8 | raw[7], 0x1000);
	assert_bytes(fdt_getprop(raw, 0, "compatible", &len), (const u8 *)"kho-v4", 7,
		     "root compatible");
	assert_int_equal(len, 7);
	le64(want, v->out.map);
	assert_bytes(fdt_getprop(raw, 0, "preserved-memory-map", &len), want, 8,
		     "preserved-memory-map (native LE u64)");
	assert_int_equal(len, 8);
	assert_true(v->out.map >= SIM_POOL && v->out.map < SIM_POOL_END);
}

static void test_out_compat_strings(void **state)
{
	struct vec *v = *state;
	static const struct {
		enum kho_abi abi;
		const char *compat;
	} t[] = {
		{ KHO_ABI_V1_512, "kho-v1" },	{ KHO_ABI_V1_4K, "kho-v1" },
		{ KHO_ABI_V1_4K_NZ, "kho-v1" }, { KHO_ABI_V3, "kho-v3" },
		{ KHO_ABI_V4, "kho-v4" },
	};

	for (unsigned int i = 0; i < N(t); i++) {
		int len;
		const char *c;

		sim_alloc_reset(&v->a);
		produce(v, t[i].abi);
		c = fdt_getprop(v->out.fdt, 0, "compatible", &len);
		assert_non_null(c);
		if (len != (int)strlen(t[i].compat) + 1 || strcmp(c, t[i].compat))
			fail_msg("ABI %s: compatible \"%s\", expected \"%s\"",
				 kho_abi_name(t[i].abi), c, t[i].compat);
	}
}

/* Follow the tree by hand: table slots L5..L1, then the leaf. */
static u64 hand_leaf(const struct sim *s, u64 root, const unsigned int slot[6])
{
	u64 node = root;

	for (int level = 5; level >= 1; level--) {
		u64 next = sim_get_u64(s, node + 8 * slot[level]);
		if (!next)
			fail_msg("no child at L%d slot %u of node 0x%" PRIx64, level,
				 slot[level], node);
		node = next;
	}
	return node;
}

static void test_out_radix_leaf_bits(void **state)
{
	struct vec *v = *state;
	static const unsigned int order0_slots[6] = { 0, 8, 0, 0, 0, 2 };
	static const unsigned int order9_slots[6] = { 0, 0, 0, 0, 2, 0 };
	const u8 *leaf;

	produce(v, KHO_ABI_V4); /* the FDT page is the pool's first page, 0x4020_0000 */
	sim_expect(kho_out_preserve(&v->out, LOW_RUN, 0), 0);
	sim_expect(kho_out_preserve(&v->out, ORDER9, 9), 0);
	sim_expect(kho_out_finish(&v->out), 0);
	assert_int_equal(v->out.fdt_phys, SIM_POOL);
	leaf = sim_at(&v->s, hand_leaf(&v->s, v->out.map, order0_slots), 0x1000);
	assert_int_equal(leaf[2048 / 8], 0x01); /* 0x4080_0000: bit 2048 */
	assert_int_equal(leaf[512 / 8], 0x01);	/* 0x4020_0000: bit 512 */
	leaf = sim_at(&v->s, hand_leaf(&v->s, v->out.map, order9_slots), 0x1000);
	assert_int_equal(leaf[517 / 8], 1 << (517 % 8));
	/* order 1 has no key: root slot 1 stays empty */
	assert_int_equal(sim_get_u64(&v->s, v->out.map + 8), 0);
}

static void test_out_v1_chunk_header(void **state)
{
	struct vec *v = *state;
	struct sim *s = &v->s;
	u64 c0, c1, bm;

	produce(v, KHO_ABI_V1_4K);
	sim_expect(kho_out_preserve(&v->out, LOW_RUN, 0), 0);
	sim_expect(kho_out_preserve(&v->out, ORDER9, 9), 0);
	sim_expect(kho_out_finish(&v->out), 0);
	c0 = v->out.map;
	assert_int_equal(c0 & 0xfff, 0);
	c1 = sim_get_u64(s, c0 + 0);				    /* hdr.next */
	assert_int_equal(sim_get_u32(s, c0 + 8), 0);		    /* hdr.order */
	assert_int_equal(sim_get_u32(s, c0 + 12), 1);		    /* hdr.num_elms */
	assert_int_equal(sim_get_u64(s, c0 + 0x10), 0x40000000ull); /* 128 MiB span */
	bm = sim_get_u64(s, c0 + 0x18);
	assert_int_equal(bm & 0xfff, 0); /* 4 KiB bitmaps are pages */
	assert_int_equal(*(u8 *)sim_at(s, bm + 2048 / 8, 1), 0x01);
	assert_int_equal(*(u8 *)sim_at(s, bm + 512 / 8, 1), 0x01); /* FDT page */
	assert_true(c1 != 0);
	assert_int_equal(sim_get_u64(s, c1 + 0), 0);
	assert_int_equal(sim_get_u32(s, c1 + 8), 9);
	assert_int_equal(sim_get_u32(s, c1 + 12), 1);
	assert_int_equal(sim_get_u64(s, c1 + 0x10), 0);
	bm = sim_get_u64(s, c1 + 0x18);
	assert_int_equal(*(u8 *)sim_at(s, bm + 517 / 8, 1), 1 << (517 % 8));
}

static void test_out_v1_512_bitmaps_packed(void **state)
{
	struct vec *v = *state;
	struct sim *s = &v->s;
	u64 c0, bm0, bm1;

	produce(v, KHO_ABI_V1_512);
	sim_expect(kho_out_preserve(&v->out, LOW_RUN, 0), 0);
	sim_expect(kho_out_preserve(&v->out, HIGH_PAGE, 0), 0);
	sim_expect(kho_out_finish(&v->out), 0);
	c0 = v->out.map;
	assert_int_equal(sim_get_u32(s, c0 + 12), 2);
	assert_int_equal(sim_get_u64(s, c0 + 0x10), 0x40000000ull); /* 16 MiB span */
	assert_int_equal(sim_get_u64(s, c0 + 0x20), 0x880000000ull);
	bm0 = sim_get_u64(s, c0 + 0x18);
	bm1 = sim_get_u64(s, c0 + 0x28);
	assert_int_equal(bm1, bm0 + 512);
	assert_int_equal(*(u8 *)sim_at(s, bm0 + 2048 / 8, 1), 0x01);
	assert_int_equal(*(u8 *)sim_at(s, bm1 + 0, 1), 1 << 5);
}

static void test_out_scratch_array_bytes(void **state)
{
	struct vec *v = *state;
	const struct kho_scratch sc[2] = {
		{ SIM_SCRATCH, SIM_SCRATCH_SIZE },
		{ SIM_HIGH_BASE + 4 * MiB, 4 * MiB },
	};
	u8 want[32];

	produce(v, KHO_ABI_V4);
	sim_expect(kho_out_scratch(&v->out, SIM_SCR_ARRAY, sc, 2), 0);
	le64(want, SIM_SCRATCH);
	le64(want + 8, SIM_SCRATCH_SIZE);
	le64(want + 16, SIM_HIGH_BASE + 4 * MiB);
	le64(want + 24, 4 * MiB);
	assert_bytes(sim_at(&v->s, SIM_SCR_ARRAY, 32), want, 32, "scratch array");
}

static void test_out_chosen_cells_2_2(void **state)
{
	struct vec *v = *state;
	const struct kho_scratch sc = { SIM_SCRATCH, SIM_SCRATCH_SIZE };
	static const u8 want_fdt[16] = { 0, 0, 0, 0, 0x40, 0x20, 0,    0,
					 0, 0, 0, 0, 0,	   0,	 0x10, 0 };
	static const u8 want_scr[16] = { 0, 0, 0, 0, 0x40, 0x10, 0x10, 0,
					 0, 0, 0, 0, 0,	   0,	 0,    16 };
	int chosen, len;

	produce(v, KHO_ABI_V4);
	sim_expect(kho_out_scratch(&v->out, SIM_SCR_ARRAY, &sc, 1), 0);
	sim_expect(kho_out_finish(&v->out), 0);
	sim_expect(kho_out_chosen(&v->out, v->dt), 0);
	chosen = fdt_path_offset(v->dt, "/chosen");
	assert_bytes(fdt_getprop(v->dt, chosen, "linux,kho-fdt", &len), want_fdt, 16,
		     "linux,kho-fdt (big-endian cells)");
	assert_int_equal(len, 16);
	assert_bytes(fdt_getprop(v->dt, chosen, "linux,kho-scratch", &len), want_scr, 16,
		     "linux,kho-scratch");
	assert_int_equal(len, 16);
}

static void test_out_chosen_cells_1_1(void **state)
{
	struct vec *v = *state;
	const struct kho_scratch sc = { SIM_SCRATCH, SIM_SCRATCH_SIZE };
	static const u8 want_fdt[8] = { 0x40, 0x20, 0, 0, 0, 0, 0x10, 0 };
	int chosen, len;

	sim_os_dt(v->dt, sizeof(v->dt), &v->s, 1, 1);
	produce(v, KHO_ABI_V4);
	sim_expect(kho_out_scratch(&v->out, SIM_SCR_ARRAY, &sc, 1), 0);
	sim_expect(kho_out_chosen(&v->out, v->dt), 0);
	chosen = fdt_path_offset(v->dt, "/chosen");
	assert_bytes(fdt_getprop(v->dt, chosen, "linux,kho-fdt", &len), want_fdt, 8,
		     "linux,kho-fdt with 1/1 cells");
	assert_int_equal(len, 8);
}

static void test_out_metadata_bytes(void **state)
{
	struct vec *v = *state;
	const u8 *node_data, *blob;
	u8 want[8];
	int node, len;
	u64 phys;

	produce(v, KHO_ABI_V4);
	sim_expect(kho_out_metadata(&v->out, "7.3.4-khofw", 3), 0);
	node = fdt_subnode_offset(v->out.fdt, 0, "kexec-metadata");
	assert_true(node >= 0);
	node_data = fdt_getprop(v->out.fdt, node, "blob-size", &len);
	le64(want, 73);
	assert_bytes(node_data, want, 8, "blob-size");
	assert_int_equal(len, 8);
	node_data = fdt_getprop(v->out.fdt, node, "preserved-data", &len);
	assert_int_equal(len, 8);
	phys = kho_get_u64(node_data);
	blob = sim_at(&v->s, phys, 73);
	assert_bytes(blob, (const u8 *)"\x01\x00\x00\x00", 4, "metadata version");
	assert_string_equal((const char *)blob + 4, "7.3.4-khofw");
	assert_bytes(blob + 69, (const u8 *)"\x03\x00\x00\x00", 4,
		     "metadata kexec_count");
}

static void test_out_v1_blob_has_fdt_prop_only(void **state)
{
	struct vec *v = *state;
	u8 want[8];
	int node, len;

	produce(v, KHO_ABI_V1_4K);
	sim_expect(kho_out_add_blob(&v->out, "sub", 0x40900000ull, 256), 0);
	node = fdt_subnode_offset(v->out.fdt, 0, "sub");
	assert_true(node >= 0);
	le64(want, 0x40900000ull);
	assert_bytes(fdt_getprop(v->out.fdt, node, "fdt", &len), want, 8,
		     "v1 fdt property");
	assert_int_equal(len, 8);
	assert_null(fdt_getprop(v->out.fdt, node, "blob-size", &len));
	assert_null(fdt_getprop(v->out.fdt, node, "preserved-data", &len));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_v1_512_hand_chunks),
		T(test_v1_512_auto_detected),
		T(test_v1_4k_hand_chunks),
		T(test_v1_4k_nz_same_bytes),
		T(test_v1_4k_auto_detected),
		T(test_v1_512_reader_ignores_bits_past_4096),
		T(test_v1_empty_chunk_accepted),
		T(test_radix_hand_tree_v4),
		T(test_radix_hand_tree_v3),
		T(test_radix_auto_resolves_compatible),
		T(test_radix_tree_helper_matches_hand_slots),
		T(test_radix_overlapping_orders_over_fdt_page),
		T(test_radix_map_page_also_preserved),
		T(test_radix_block_over_meta_and_map_pages),
		T(test_v4_blob_nodes),
		T(test_v1_blob_is_sub_fdt),
		T(test_out_fdt_header_compat_and_map),
		T(test_out_compat_strings),
		T(test_out_radix_leaf_bits),
		T(test_out_v1_chunk_header),
		T(test_out_v1_512_bitmaps_packed),
		T(test_out_scratch_array_bytes),
		T(test_out_chosen_cells_2_2),
		T(test_out_chosen_cells_1_1),
		T(test_out_metadata_bytes),
		T(test_out_v1_blob_has_fdt_prop_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
