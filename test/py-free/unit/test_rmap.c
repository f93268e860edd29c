/* SPDX-License-Identifier: MIT */
/*
 * The reservation map: merging, refusing overlaps, carving out of scratch,
 * placing payloads in scratch, write checks, coverage, removal, and capacity
 * errors that leave the map exactly as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <kho/rmap.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define P KHO_KIND_PRESERVED
#define S KHO_KIND_SCRATCH
#define M KHO_KIND_MAP
#define PAY KHO_KIND_PAYLOAD

struct want {
	u64 start, end;
	unsigned int kind;
};

static void assert_map(const struct kho_rmap *rm, const struct want *w, unsigned int n)
{
	int same = rm->nr == n;

	for (unsigned int i = 0; same && i < n; i++)
		same = rm->r[i].start == w[i].start && rm->r[i].end == w[i].end &&
		       rm->r[i].kind == w[i].kind;
	if (same)
		return;
	print_error("reservation map differs:\n  got (%u):\n", rm->nr);
	for (unsigned int i = 0; i < rm->nr; i++)
		print_error("    [0x%" PRIx64 ", 0x%" PRIx64 ") %s\n", rm->r[i].start,
			    rm->r[i].end, kho_kind_name(rm->r[i].kind));
	print_error("  expected (%u):\n", n);
	for (unsigned int i = 0; i < n; i++)
		print_error("    [0x%" PRIx64 ", 0x%" PRIx64 ") %s\n", w[i].start,
			    w[i].end, kho_kind_name(w[i].kind));
	fail();
}

#define ASSERT_MAP(rm, ...)                                                              \
	do {                                                                             \
		const struct want w_[] = { __VA_ARGS__ };                                \
		assert_map((rm), w_, sizeof(w_) / sizeof(w_[0]));                        \
	} while (0)

/* A copy of the map, to prove an error changed nothing. */
struct copy {
	struct kho_range r[96];
	unsigned int nr;
};

static void take(const struct kho_rmap *rm, struct copy *c)
{
	c->nr = rm->nr;
	memcpy(c->r, rm->r, rm->nr * sizeof(*rm->r));
}

static void assert_same(const struct kho_rmap *rm, const struct copy *c, const char *what)
{
	if (rm->nr != c->nr || memcmp(rm->r, c->r, c->nr * sizeof(*c->r)))
		fail_msg("%s changed the map on error", what);
}

/* ---------------------------------- adding ---------------------------------- */

static void test_touching_same_kind_merge(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x2000, 0x3000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x0000, 0x1000, P, NULL), 0);
	ASSERT_MAP(&rm, { 0x0, 0x3000, P });
}

static void test_overlapping_same_kind_bridge(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x5000, 0x6000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x9000, 0xA000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x1800, 0x5800, P, NULL), 0);
	ASSERT_MAP(&rm, { 0x1000, 0x6000, P }, { 0x9000, 0xA000, P });
}

static void test_different_labels_stay_apart(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, KHO_KIND_META, "kho-fdt"), 0);
	sim_expect(kho_rmap_add(&rm, 0x2000, 0x3000, KHO_KIND_META, "scratch-array"), 0);
	ASSERT_MAP(&rm, { 0x1000, 0x2000, KHO_KIND_META },
		   { 0x2000, 0x3000, KHO_KIND_META });
	assert_string_equal(rm.r[1].label, "scratch-array");
}

static void test_same_label_by_content_merges(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;
	char a[] = "blob", b[] = "blob";

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, KHO_KIND_META, a), 0);
	sim_expect(kho_rmap_add(&rm, 0x2000, 0x3000, KHO_KIND_META, b), 0);
	ASSERT_MAP(&rm, { 0x1000, 0x3000, KHO_KIND_META });
}

static void test_touching_other_kind_allowed(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x2000, 0x3000, M, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x3000, 0x4000, P, NULL), 0);
	ASSERT_MAP(&rm, { 0x1000, 0x2000, P }, { 0x2000, 0x3000, M },
		   { 0x3000, 0x4000, P });
}

static void test_overlap_other_kind_refused(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;
	struct copy c;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x3000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x5000, 0x6000, P, NULL), 0);
	take(&rm, &c);
	sim_expect(kho_rmap_add(&rm, 0x2fff, 0x4000, M, NULL), -KHO_E_OVERLAP);
	sim_expect(kho_rmap_add(&rm, 0x0, 0x10000, S, NULL), -KHO_E_OVERLAP);
	/* same kind bridging over another kind in between */
	sim_expect(kho_rmap_add(&rm, 0x3000, 0x4000, M, NULL), 0);
	take(&rm, &c);
	sim_expect(kho_rmap_add(&rm, 0x2000, 0x5800, P, NULL), -KHO_E_OVERLAP);
	assert_same(&rm, &c, "an overlapping add");
}

static void test_unordered_inserts_sorted(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x8000, 0x9000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, M, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x4000, 0x5000, S, NULL), 0);
	sim_expect(
		kho_rmap_add(&rm, 0xA0000000ull, 0xB0000000ull, KHO_KIND_FIRMWARE, NULL),
		0);
	ASSERT_MAP(&rm, { 0x1000, 0x2000, M }, { 0x4000, 0x5000, S },
		   { 0x8000, 0x9000, P },
		   { 0xA0000000ull, 0xB0000000ull, KHO_KIND_FIRMWARE });
}

static void test_add_invalid(void **state)
{
	struct kho_range st[4];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 4);
	sim_expect(kho_rmap_add(&rm, 0x2000, 0x2000, P, NULL), -KHO_E_INVAL);
	sim_expect(kho_rmap_add(&rm, 0x3000, 0x2000, P, NULL), -KHO_E_INVAL);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, 0, NULL), -KHO_E_INVAL);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, KHO_KIND_COUNT, NULL), -KHO_E_INVAL);
	assert_int_equal(rm.nr, 0);
}

static void test_add_new_refuses_same_kind_overlap(void **state)
{
	struct kho_range st[4];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 4);
	sim_expect(kho_rmap_add_new(&rm, 0x1000, 0x2000, M, NULL), 0);
	sim_expect(kho_rmap_add_new(&rm, 0x1000, 0x2000, M, NULL), -KHO_E_OVERLAP);
	sim_expect(kho_rmap_add_new(&rm, 0x2000, 0x3000, M, NULL), 0);
	ASSERT_MAP(&rm, { 0x1000, 0x3000, M });
}

/* --------------------------------- carving ---------------------------------- */

static void test_carve_middle_of_scratch(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x400000, 0x800000, S, NULL), 0);
	sim_expect(kho_rmap_carve(&rm, 0x500000, 0x600000, PAY, "kernel"), 0);
	ASSERT_MAP(&rm, { 0x400000, 0x500000, S }, { 0x500000, 0x600000, PAY },
		   { 0x600000, 0x800000, S });
}

/* A split with ranges after it: the tail moves by two, the piece keeps its label. */
static void test_carve_middle_moves_tail(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x400000, 0x800000, S, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x900000, 0x901000, KHO_KIND_PRESERVED, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0xA00000, 0xA01000, KHO_KIND_MAP, NULL), 0);
	sim_expect(kho_rmap_carve(&rm, 0x500000, 0x600000, PAY, "kernel"), 0);
	ASSERT_MAP(&rm, { 0x400000, 0x500000, S }, { 0x500000, 0x600000, PAY },
		   { 0x600000, 0x800000, S }, { 0x900000, 0x901000, KHO_KIND_PRESERVED },
		   { 0xA00000, 0xA01000, KHO_KIND_MAP });
	assert_string_equal(rm.r[1].label, "kernel");
	assert_null(rm.r[0].label);
	assert_null(rm.r[2].label);
	/* Removing from the middle splits by one. */
	sim_expect(kho_rmap_remove(&rm, 0x680000, 0x700000, S), 0);
	ASSERT_MAP(&rm, { 0x400000, 0x500000, S }, { 0x500000, 0x600000, PAY },
		   { 0x600000, 0x680000, S }, { 0x700000, 0x800000, S },
		   { 0x900000, 0x901000, KHO_KIND_PRESERVED },
		   { 0xA00000, 0xA01000, KHO_KIND_MAP });
}

static void test_carve_edges_and_whole(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x400000, 0x800000, S, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x900000, 0xA00000, S, NULL), 0);
	sim_expect(kho_rmap_carve(&rm, 0x400000, 0x401000, PAY, "dtb"), 0);
	sim_expect(kho_rmap_carve(&rm, 0x7FF000, 0x800000, PAY, "initrd"), 0);
	sim_expect(kho_rmap_carve(&rm, 0x900000, 0xA00000, KHO_KIND_META, "array"), 0);
	ASSERT_MAP(&rm, { 0x400000, 0x401000, PAY }, { 0x401000, 0x7FF000, S },
		   { 0x7FF000, 0x800000, PAY }, { 0x900000, 0xA00000, KHO_KIND_META });
}

static void test_carve_across_two_scratch_ranges(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x0, 0x5000, S, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x6000, 0xA000, S, NULL), 0);
	sim_expect(kho_rmap_carve(&rm, 0x4000, 0x7000, PAY, "k"), 0);
	ASSERT_MAP(&rm, { 0x0, 0x4000, S }, { 0x4000, 0x7000, PAY },
		   { 0x7000, 0xA000, S });
}

static void test_carve_refuses_other_kinds(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;
	struct copy c;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x0, 0x8000, S, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x8000, 0x9000, P, NULL), 0);
	take(&rm, &c);
	sim_expect(kho_rmap_carve(&rm, 0x7000, 0x8800, PAY, "k"), -KHO_E_OVERLAP);
	assert_same(&rm, &c, "a refused carve");
}

static void test_carve_from_meta(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	/* The consumer turns a meta KHO FDT page into preserved memory this way. */
	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, KHO_KIND_META, "kho-fdt"), 0);
	sim_expect(kho_rmap_add(&rm, 0x3000, 0x4000, P, NULL), 0);
	sim_expect(kho_rmap_carve_from(&rm, 0x0, 0x3000, P, NULL, 1u << KHO_KIND_META),
		   0);
	ASSERT_MAP(&rm, { 0x0, 0x4000, P });
	sim_expect(kho_rmap_carve_from(&rm, 0x0, 0x1000, P, NULL, 1u << P), -KHO_E_INVAL);
}

static void test_carve_from_two_kinds(void **state)
{
	const unsigned int both = 1u << KHO_KIND_META | 1u << KHO_KIND_MAP;
	struct kho_range st[8];
	struct kho_rmap rm;
	struct copy c;

	/* A block over a meta page and a map page takes both at once, or neither. */
	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, KHO_KIND_META, "kho-fdt"), 0);
	sim_expect(kho_rmap_add(&rm, 0x2000, 0x3000, KHO_KIND_MAP, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x5000, 0x6000, KHO_KIND_FIRMWARE, NULL), 0);
	take(&rm, &c);
	sim_expect(kho_rmap_carve_from(&rm, 0x0, 0x4000, P, NULL, 1u << KHO_KIND_META),
		   -KHO_E_OVERLAP);
	assert_same(&rm, &c, "a carve from meta only");
	sim_expect(kho_rmap_carve_from(&rm, 0x4000, 0x8000, P, NULL, both),
		   -KHO_E_OVERLAP);
	assert_same(&rm, &c, "a carve over firmware");
	sim_expect(kho_rmap_carve_from(&rm, 0x0, 0x4000, P, NULL, both), 0);
	ASSERT_MAP(&rm, { 0x0, 0x4000, P }, { 0x5000, 0x6000, KHO_KIND_FIRMWARE });
}

/* ------------------------------ alloc_scratch ------------------------------- */

static void test_alloc_scratch_alignment(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;
	u64 a = 0, b = 0, c = 0;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x100000, S, NULL), 0);
	sim_expect(kho_rmap_alloc_scratch(&rm, 0x2000, 0x10000, 0, PAY, "k", &a), 0);
	assert_int_equal(a, 0x10000);
	sim_expect(kho_rmap_alloc_scratch(&rm, 0x2000, 0x10000, 0, PAY, "i", &b), 0);
	assert_int_equal(b, 0x20000);
	sim_expect(kho_rmap_alloc_scratch(&rm, 0x1000, 0x1000, 0x80000, PAY, "d", &c), 0);
	assert_int_equal(c, 0x80000);
	ASSERT_MAP(&rm, { 0x1000, 0x10000, S }, { 0x10000, 0x12000, PAY },
		   { 0x12000, 0x20000, S }, { 0x20000, 0x22000, PAY },
		   { 0x22000, 0x80000, S }, { 0x80000, 0x81000, PAY },
		   { 0x81000, 0x100000, S });
}

static void test_alloc_scratch_low_first_and_full(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;
	struct copy c;
	u64 at = 0;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x880000000ull, 0x880400000ull, S, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x40400000ull, 0x40800000ull, S, NULL), 0);
	sim_expect(kho_rmap_alloc_scratch(&rm, 0x200000, 0x200000, 0, PAY, "k", &at), 0);
	assert_int_equal(at, 0x40400000ull);
	take(&rm, &c);
	sim_expect(kho_rmap_alloc_scratch(&rm, 0x800000, 0x1000, 0, PAY, "big", &at),
		   -KHO_E_NOSPC);
	sim_expect(kho_rmap_alloc_scratch(&rm, 0x1000, 0x3000, 0, PAY, "odd", &at),
		   -KHO_E_INVAL);
	sim_expect(kho_rmap_alloc_scratch(&rm, 0, 0x1000, 0, PAY, "zero", &at),
		   -KHO_E_INVAL);
	assert_same(&rm, &c, "a failed alloc_scratch");
}

/* Rounding min up past the top of the address space finds no place, not 0. */
static void test_alloc_scratch_min_near_top(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;
	struct copy c;
	u64 at = 1;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0, ~0ull, S, NULL), 0);
	take(&rm, &c);
	sim_expect(kho_rmap_alloc_scratch(&rm, 0x1000, 0x1000, ~0ull - 0x10, PAY, "top",
					  &at),
		   -KHO_E_NOSPC);
	assert_int_equal(at, 1);
	assert_same(&rm, &c, "a failed alloc_scratch");
}

/* ------------------------------- queries ------------------------------------ */

static void test_check_write_by_kind(void **state)
{
	struct kho_range st[16];
	struct kho_rmap rm;
	static const unsigned int prot[] = { KHO_KIND_PRESERVED, KHO_KIND_MAP,
					     KHO_KIND_META,	 KHO_KIND_FIRMWARE,
					     KHO_KIND_NOMAP,	 KHO_KIND_RESERVED };
	static const unsigned int open[] = { KHO_KIND_SCRATCH, KHO_KIND_PAYLOAD,
					     KHO_KIND_CMA };

	(void)state;
	kho_rmap_init(&rm, st, 16);
	for (unsigned int i = 0; i < 6; i++)
		sim_expect(kho_rmap_add(&rm, 0x10000 * (i + 1),
					0x10000 * (i + 1) + 0x1000, prot[i], NULL),
			   0);
	for (unsigned int i = 0; i < 3; i++)
		sim_expect(kho_rmap_add(&rm, 0x100000 * (i + 1),
					0x100000 * (i + 1) + 0x1000, open[i], NULL),
			   0);
	for (unsigned int i = 0; i < 6; i++)
		if (kho_rmap_check_write(&rm, 0x10000 * (i + 1) + 0xfff,
					 0x10000 * (i + 1) + 0x1000))
			continue;
		else
			fail_msg("kind %s is writable", kho_kind_name(prot[i]));
	for (unsigned int i = 0; i < 3; i++)
		sim_expect(kho_rmap_check_write(&rm, 0x100000 * (i + 1),
						0x100000 * (i + 1) + 0x1000),
			   0);
	sim_expect(kho_rmap_check_write(&rm, 0x10000, 0x11000), -KHO_E_PROTECTED);
	sim_expect(kho_rmap_check_write(&rm, 0x1000, 0x2000), 0); /* unlisted */
	sim_expect(kho_rmap_check_write(&rm, 0x100000, 0x300001),
		   0); /* scratch, payload, cma */
	sim_expect(kho_rmap_check_write(&rm, 0x60fff, 0x100800), -KHO_E_PROTECTED);
	sim_expect(kho_rmap_check_write(&rm, 0x5000, 0x5000), -KHO_E_INVAL);
	sim_expect(kho_rmap_check_write(&rm, 0x5000, 0x4000), -KHO_E_WRAP);
	sim_expect(kho_rmap_check_write(&rm, 0xFFFF, 0x10001), -KHO_E_PROTECTED);
	sim_expect(kho_rmap_check_write(&rm, 0xF000, 0x10000), 0); /* touches only */
}

static void test_covered(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x3000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x3000, 0x4000, M, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x4000, 0x5000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x6000, 0x7000, P, NULL), 0);
	assert_true(kho_rmap_covered(&rm, 0x1000, 0x3000, P));
	assert_true(kho_rmap_covered(&rm, 0x1800, 0x2000, P));
	assert_false(kho_rmap_covered(&rm, 0x1000, 0x5000, P)); /* map in between */
	assert_false(kho_rmap_covered(&rm, 0x4000, 0x7000, P)); /* gap */
	assert_false(kho_rmap_covered(&rm, 0x0, 0x2000, P));
	assert_true(kho_rmap_covered(&rm, 0x3000, 0x4000, M));
	assert_false(kho_rmap_covered(&rm, 0x8000, 0x9000, P));
}

static void test_find_lower_bound_overlap_kind(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x3000, 0x4000, M, NULL), 0);
	assert_ptr_equal(kho_rmap_find(&rm, 0x1fff), &rm.r[0]);
	assert_null(kho_rmap_find(&rm, 0x2000));
	assert_ptr_equal(kho_rmap_find(&rm, 0x3000), &rm.r[1]);
	assert_int_equal(kho_rmap_lower_bound(&rm, 0x2000), 1);
	assert_int_equal(kho_rmap_lower_bound(&rm, 0x5000), 2);
	assert_int_equal(kho_rmap_overlap_kind(&rm, 0x1800, 0x3800), P);
	assert_int_equal(kho_rmap_overlap_kind(&rm, 0x2000, 0x3800), M);
	assert_int_equal(kho_rmap_overlap_kind(&rm, 0x2000, 0x3000), 0);
}

#define BIT(k) (1u << (k))

static void test_kinds_empty_map(void **state)
{
	struct kho_range st[4];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 4);
	assert_int_equal(kho_rmap_kinds(&rm, 0, ~0ull), 0);
	assert_int_equal(kho_rmap_kinds(&rm, 0x1000, 0x2000), 0);
}

/* A map in storage st (an array) of the unlabelled ranges given, added in order. */
static void fill(struct kho_rmap *rm, struct kho_range *st, unsigned int cap,
		 const struct want *w, unsigned int n)
{
	kho_rmap_init(rm, st, cap);
	for (unsigned int i = 0; i < n; i++)
		sim_expect(kho_rmap_add(rm, w[i].start, w[i].end, w[i].kind, NULL), 0);
}

#define FILL(rm, st, ...)                                                                \
	do {                                                                             \
		const struct want w_[] = { __VA_ARGS__ };                                \
		fill((rm), (st), sizeof(st) / sizeof((st)[0]), w_,                       \
		     sizeof(w_) / sizeof(w_[0]));                                        \
	} while (0)

static void test_kinds_touching_edges_do_not_count(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	FILL(&rm, st, { 0x1000, 0x2000, P }, { 0x3000, 0x4000, M });
	assert_int_equal(kho_rmap_kinds(&rm, 0x2000, 0x3000), 0);
	assert_int_equal(kho_rmap_kinds(&rm, 0x0, 0x1000), 0);
	assert_int_equal(kho_rmap_kinds(&rm, 0x4000, 0x5000), 0);
	assert_int_equal(kho_rmap_kinds(&rm, 0x1fff, 0x2000), BIT(P));
	assert_int_equal(kho_rmap_kinds(&rm, 0x2000, 0x3001), BIT(M));
	assert_int_equal(kho_rmap_kinds(&rm, 0x3fff, 0x4000), BIT(M));
}

static void test_kinds_several_and_labels(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	FILL(&rm, st, { 0x1000, 0x2000, P }, { 0x2000, 0x3000, M }, { 0x5000, 0x6000, S },
	     { 0x8000, 0x9000, P });
	sim_expect(kho_rmap_add(&rm, 0x6000, 0x7000, PAY, "kernel"), 0);
	/* Every kind met, not only the first; the label bit only for a labelled one. */
	assert_int_equal(kho_rmap_kinds(&rm, 0x1800, 0x5800), BIT(P) | BIT(M) | BIT(S));
	assert_int_equal(kho_rmap_kinds(&rm, 0x0, 0x10000),
			 BIT(P) | BIT(M) | BIT(S) | BIT(PAY) | KHO_RMAP_LABELLED);
	assert_int_equal(kho_rmap_kinds(&rm, 0x6800, 0x8001),
			 BIT(PAY) | BIT(P) | KHO_RMAP_LABELLED);
	assert_int_equal(kho_rmap_kinds(&rm, 0x3000, 0x5000), 0);
}

static void test_kinds_top_of_address_space(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;
	const u64 top = ~0ull;

	(void)state;
	FILL(&rm, st, { top - 0x2000, top - 0x1000, M }, { top - 0x1000, top, P });
	assert_int_equal(kho_rmap_kinds(&rm, top - 1, top), BIT(P));
	assert_int_equal(kho_rmap_kinds(&rm, top - 0x1001, top - 0xfff), BIT(M) | BIT(P));
	assert_int_equal(kho_rmap_kinds(&rm, 0, top), BIT(M) | BIT(P));
	assert_int_equal(kho_rmap_kinds(&rm, 0, top - 0x2000), 0);
}

static void test_total_and_names(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x3000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x8000, 0x9000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x3000, 0x4000, M, NULL), 0);
	assert_int_equal(kho_rmap_total(&rm, P), 0x3000);
	assert_int_equal(kho_rmap_total(&rm, M), 0x1000);
	assert_int_equal(kho_rmap_total(&rm, S), 0);
	assert_string_equal(kho_kind_name(KHO_KIND_PRESERVED), "preserved");
	assert_string_equal(kho_kind_name(KHO_KIND_SCRATCH), "scratch");
	assert_string_equal(kho_kind_name(0), "?");
	assert_string_equal(kho_kind_name(KHO_KIND_COUNT), "?");
}

/* --------------------------------- removal ---------------------------------- */

static void test_remove_middle_and_whole(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x0, 0x10000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x10000, 0x11000, M, NULL), 0);
	sim_expect(kho_rmap_remove(&rm, 0x4000, 0x6000, P), 0);
	ASSERT_MAP(&rm, { 0x0, 0x4000, P }, { 0x6000, 0x10000, P },
		   { 0x10000, 0x11000, M });
	sim_expect(kho_rmap_remove(&rm, 0x0, 0x20000, P), 0); /* map kind untouched */
	ASSERT_MAP(&rm, { 0x10000, 0x11000, M });
	sim_expect(kho_rmap_remove(&rm, 0x5000, 0x5000, P), -KHO_E_INVAL);
}

static void test_remove_without_split_when_full(void **state)
{
	struct kho_range st[2];
	struct kho_rmap rm;

	/* Only a split needs a free slot. */
	(void)state;
	kho_rmap_init(&rm, st, 2);
	sim_expect(kho_rmap_add(&rm, 0x0, 0x4000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x8000, 0x9000, M, NULL), 0);
	sim_expect(kho_rmap_remove(&rm, 0x3000, 0x4000, P), 0);
	ASSERT_MAP(&rm, { 0x0, 0x3000, P }, { 0x8000, 0x9000, M });
}

/* -------------------------------- capacity --------------------------------- */

static void test_full_add_refused_unchanged(void **state)
{
	struct kho_range st[2];
	struct kho_rmap rm;
	struct copy c;

	(void)state;
	kho_rmap_init(&rm, st, 2);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x4000, 0x5000, P, NULL), 0);
	take(&rm, &c);
	sim_expect(kho_rmap_add(&rm, 0x8000, 0x9000, P, NULL), -KHO_E_NOSPC); /* append */
	sim_expect(kho_rmap_add(&rm, 0x2800, 0x3000, M, NULL), -KHO_E_NOSPC); /* insert */
	assert_same(&rm, &c, "a full add");
	sim_expect(kho_rmap_add(&rm, 0x2000, 0x4000, P, NULL),
		   0); /* merging needs no slot */
	ASSERT_MAP(&rm, { 0x1000, 0x5000, P });
}

static void test_full_carve_refused_unchanged(void **state)
{
	struct kho_range st[2];
	struct kho_rmap rm;
	struct copy c;

	(void)state;
	kho_rmap_init(&rm, st, 2);
	sim_expect(kho_rmap_add(&rm, 0x0, 0x10000, S, NULL), 0);
	take(&rm, &c);
	sim_expect(kho_rmap_carve(&rm, 0x4000, 0x5000, PAY, "k"), -KHO_E_NOSPC);
	assert_same(&rm, &c, "a carve without room for the split");
}

/* A carve at the edge of scratch needs one entry, or none when it merges. */
static void test_full_carve_at_edge_fits(void **state)
{
	struct kho_range st[2];
	struct kho_rmap rm;

	(void)state;
	FILL(&rm, st, { 0x0, 0x10000, S });
	sim_expect(kho_rmap_carve(&rm, 0x0, 0x1000, PAY, "k"), 0);
	ASSERT_MAP(&rm, { 0x0, 0x1000, PAY }, { 0x1000, 0x10000, S });
	sim_expect(kho_rmap_carve(&rm, 0x1000, 0x2000, PAY, "k"), 0);
	ASSERT_MAP(&rm, { 0x0, 0x2000, PAY }, { 0x2000, 0x10000, S });
	sim_expect(kho_rmap_carve(&rm, 0x2000, 0x10000, PAY, "k"), 0);
	ASSERT_MAP(&rm, { 0x0, 0x10000, PAY });
}

static void test_full_remove_split_refused_unchanged(void **state)
{
	struct kho_range st[2];
	struct kho_rmap rm;
	struct copy c;

	(void)state;
	kho_rmap_init(&rm, st, 2);
	sim_expect(kho_rmap_add(&rm, 0x0, 0x10000, P, NULL), 0);
	sim_expect(kho_rmap_add(&rm, 0x20000, 0x30000, P, NULL), 0);
	take(&rm, &c);
	sim_expect(kho_rmap_remove(&rm, 0x4000, 0x5000, P), -KHO_E_NOSPC);
	assert_same(&rm, &c, "a remove without room for the split");
}

/* A copy in other storage holds the same ranges; too little room is refused. */
static void test_copy(void **state)
{
	struct kho_range a[64], b[64], c[2];
	struct kho_rmap src, dst, small;

	(void)state;
	kho_rmap_init(&src, a, 64);
	for (u64 i = 0; i < 40; i++)
		sim_expect(kho_rmap_add(&src, (40 - i) * 0x2000,
					(40 - i) * 0x2000 + 0x1000, P, NULL),
			   0);
	sim_expect(kho_rmap_copy(&dst, b, 64, &src), 0);
	assert_int_equal(dst.nr, 40);
	assert_memory_equal(dst.r, src.r, 40 * sizeof(*src.r));
	assert_true(dst.r >= b && dst.r + dst.nr <= b + 64);
	sim_expect(kho_rmap_add(&dst, 0x0, 0x1000, S, NULL), 0);
	assert_int_equal(dst.nr, 41);
	sim_expect(kho_rmap_copy(&small, c, 2, &src), -KHO_E_NOSPC);
}

/* ------------------------ against a page-by-page model ----------------------- */

#define MODEL_PAGES 64
#define MODEL_CAP 96 /* storage: the test uses 24 (no room in front), 40 and 96 */

struct model {
	unsigned char kind[MODEL_PAGES]; /* 0: nothing recorded */
	struct kho_range st[MODEL_CAP];
	struct kho_rmap rm;
};

static u64 model_rng = 0x853c49e6748fea9bull;

static unsigned int model_rand(unsigned int n)
{
	model_rng ^= model_rng << 13;
	model_rng ^= model_rng >> 7;
	model_rng ^= model_rng << 17;
	return (unsigned int)(model_rng % n);
}

/* Maximal runs of one kind: what a merged map holds for the model. */
static unsigned int model_runs(const unsigned char *kind)
{
	unsigned int n = 0;

	for (unsigned int p = 0; p < MODEL_PAGES; p++)
		n += kind[p] && (!p || kind[p - 1] != kind[p]);
	return n;
}

/* The map is sorted, merged, inside its storage, and says what the model says. */
static void model_check(const struct model *m, unsigned int op)
{
	unsigned char got[MODEL_PAGES] = { 0 };
	const struct kho_rmap *rm = &m->rm;

	if (rm->r - rm->lo != m->st || rm->lo + rm->nr > rm->cap)
		fail_msg("op %u: ranges [%u, %u) outside the storage of %u", op, rm->lo,
			 rm->lo + rm->nr, rm->cap);
	for (unsigned int i = 0; i < rm->nr; i++) {
		const struct kho_range *x = &rm->r[i];

		if (x->start >= x->end || x->end > MODEL_PAGES * 0x1000ull ||
		    (i &&
		     (x->start < rm->r[i - 1].end ||
		      (x->start == rm->r[i - 1].end && x->kind == rm->r[i - 1].kind))))
			fail_msg("op %u: range %u [0x%" PRIx64 ", 0x%" PRIx64
				 ") unsorted, empty or unmerged",
				 op, i, x->start, x->end);
		for (u64 a = x->start; a < x->end; a += 0x1000)
			got[a / 0x1000] = (unsigned char)x->kind;
	}
	if (memcmp(got, m->kind, sizeof(got)))
		fail_msg("op %u: the map differs from the model", op);
}

/*
 * Random adds (some refusing any overlap), carves and removes in a small table: ranges
 * move to either end of their storage, and the map must stay what a page-by-page model
 * says, refuse what the model refuses, and use all of its room.
 */
static void model_random_ops(unsigned int cap)
{
	static const unsigned int kinds[] = { P, S, M, PAY };
	struct model *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	kho_rmap_init(&m->rm, m->st, cap);
	for (unsigned int op = 0; op < 200000; op++) {
		unsigned int a = model_rand(MODEL_PAGES), len = 1 + model_rand(6);
		unsigned int b = a + len > MODEL_PAGES ? MODEL_PAGES : a + len;
		unsigned int what = model_rand(12), kind = kinds[model_rand(4)];
		unsigned char next[MODEL_PAGES];
		int want = 0, err;
		struct copy c;

		memcpy(next, m->kind, sizeof(next));
		for (unsigned int p = a; p < b; p++) {
			if (what < 5) { /* add */
				if (next[p] && next[p] != kind)
					want = -KHO_E_OVERLAP;
				next[p] = (unsigned char)kind;
			} else if (what < 8) { /* carve a payload out of scratch */
				if (next[p] && next[p] != S && next[p] != PAY)
					want = -KHO_E_OVERLAP;
				next[p] = PAY;
			} else if (what >= 10) { /* add_new */
				if (next[p])
					want = -KHO_E_OVERLAP;
				next[p] = (unsigned char)kind;
			} else if (next[p] == kind) { /* remove */
				next[p] = 0;
			}
		}
		take(&m->rm, &c);
		if (what < 5)
			err = kho_rmap_add(&m->rm, a * 0x1000ull, b * 0x1000ull, kind,
					   NULL);
		else if (what < 8)
			err = kho_rmap_carve(&m->rm, a * 0x1000ull, b * 0x1000ull, PAY,
					     NULL);
		else if (what >= 10)
			err = kho_rmap_add_new(&m->rm, a * 0x1000ull, b * 0x1000ull, kind,
					       NULL);
		else
			err = kho_rmap_remove(&m->rm, a * 0x1000ull, b * 0x1000ull, kind);
		if (err == -KHO_E_NOSPC && !want) {
			/* An operation adds at most two ranges: only then may it lack
			 * room. */
			if (m->rm.nr + 2 <= cap)
				fail_msg("op %u: no room with %u of %u entries in use",
					 op, m->rm.nr, cap);
			assert_same(&m->rm, &c, "a refused operation");
			continue;
		}
		if (err != want)
			fail_msg("op %u (%u, [%u, %u), kind %u): %d, the model says %d",
				 op, what, a, b, kind, err, want);
		if (err)
			assert_same(&m->rm, &c, "a refused operation");
		else
			memcpy(m->kind, next, sizeof(next));
		model_check(m, op);
		if (m->rm.nr != model_runs(m->kind))
			fail_msg("op %u: %u ranges for %u runs", op, m->rm.nr,
				 model_runs(m->kind));
	}
	free(m);
}

static void test_model_random_ops(void **state)
{
	(void)state;
	model_random_ops(24);
	model_random_ops(40);
	model_random_ops(MODEL_CAP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_touching_same_kind_merge),
		cmocka_unit_test(test_overlapping_same_kind_bridge),
		cmocka_unit_test(test_different_labels_stay_apart),
		cmocka_unit_test(test_same_label_by_content_merges),
		cmocka_unit_test(test_touching_other_kind_allowed),
		cmocka_unit_test(test_overlap_other_kind_refused),
		cmocka_unit_test(test_unordered_inserts_sorted),
		cmocka_unit_test(test_add_invalid),
		cmocka_unit_test(test_add_new_refuses_same_kind_overlap),
		cmocka_unit_test(test_carve_middle_of_scratch),
		cmocka_unit_test(test_carve_middle_moves_tail),
		cmocka_unit_test(test_carve_edges_and_whole),
		cmocka_unit_test(test_carve_across_two_scratch_ranges),
		cmocka_unit_test(test_carve_refuses_other_kinds),
		cmocka_unit_test(test_carve_from_meta),
		cmocka_unit_test(test_carve_from_two_kinds),
		cmocka_unit_test(test_alloc_scratch_alignment),
		cmocka_unit_test(test_alloc_scratch_low_first_and_full),
		cmocka_unit_test(test_alloc_scratch_min_near_top),
		cmocka_unit_test(test_check_write_by_kind),
		cmocka_unit_test(test_covered),
		cmocka_unit_test(test_find_lower_bound_overlap_kind),
		cmocka_unit_test(test_kinds_empty_map),
		cmocka_unit_test(test_kinds_touching_edges_do_not_count),
		cmocka_unit_test(test_kinds_several_and_labels),
		cmocka_unit_test(test_kinds_top_of_address_space),
		cmocka_unit_test(test_total_and_names),
		cmocka_unit_test(test_remove_middle_and_whole),
		cmocka_unit_test(test_remove_without_split_when_full),
		cmocka_unit_test(test_full_add_refused_unchanged),
		cmocka_unit_test(test_full_carve_refused_unchanged),
		cmocka_unit_test(test_full_carve_at_edge_fits),
		cmocka_unit_test(test_full_remove_split_refused_unchanged),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_model_random_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
