/* SPDX-License-Identifier: MIT */
/*
 * Simulated physical memory for the host unit tests: RAM banks at chosen physical
 * bases (below and above 4 GiB) backed by host buffers, a page allocator over a
 * sub-range, poison/snapshot checks that prove nothing outside the allowed ranges
 * was written, hand-made handover pieces (KHO FDT, radix tree, v1 chunks) built
 * with our own arithmetic rather than libkho's, and an OS DT builder.
 *
 * Include after <cmocka.h>: the helpers fail the running test on misuse.
 */
#ifndef KHO_TEST_SIM_H
#define KHO_TEST_SIM_H

#include <kho/abi.h>
#include <kho/err.h>
#include <kho/in.h>
#include <kho/map.h>
#include <kho/mem.h>
#include <kho/rmap.h>

#define SIM_PAGE 4096u
#define SIM_LOW_BASE 0x40000000ull   /* 1 GiB */
#define SIM_HIGH_BASE 0x880000000ull /* 34 GiB, above 4 GiB */
#define SIM_MAX_BANKS 4

/*
 * The fixture layout most tests use, inside the low bank:
 *   0x4000_0000  firmware image (for -KHO_E_PROTECTED tests)
 *   0x4010_0000  KHO FDT page, then the scratch array page
 *   0x4020_0000  page pool for map pages and blobs (2 MiB)
 *   0x4040_0000  scratch area (4 MiB, aligned for every ABI)
 *   0x4080_0000  preserved data, and the whole high bank
 */
#define SIM_FW 0x40000000ull
#define SIM_FW_END 0x40100000ull
#define SIM_FDT 0x40100000ull
#define SIM_SCR_ARRAY 0x40101000ull
#define SIM_POOL 0x40200000ull
#define SIM_POOL_END 0x40400000ull
#define SIM_SCRATCH 0x40400000ull
#define SIM_SCRATCH_SIZE 0x400000ull
#define SIM_DATA 0x40800000ull

struct sim_bank {
	u64 base;
	u64 size;
	u8 *host;
	u8 *snap; /* copy taken by sim_snapshot() */
};

struct sim {
	struct kho_mem mem;
	struct sim_bank bank[SIM_MAX_BANKS];
	unsigned int nr;
};

/* A half-open physical range. */
struct sim_span {
	u64 start;
	u64 end;
};

/* Empty simulation; sim_fini() frees every bank. */
void sim_init(struct sim *s);
void sim_fini(struct sim *s);

/*
 * Add a RAM bank of size bytes at base, backed by a zeroed host buffer. readable=0
 * declares RAM that has no window (kho_mem_ptr() fails with -KHO_E_UNMAPPED).
 */
u8 *sim_add_bank(struct sim *s, u64 base, u64 size, int readable);

/* The usual layout: a low bank at SIM_LOW_BASE and a high one at SIM_HIGH_BASE. */
void sim_std(struct sim *s, u64 low_size, u64 high_size);

/* Host address of phys (with len bytes after it); fails the test if not backed. */
void *sim_at(const struct sim *s, u64 phys, u64 len);

void sim_put_u64(const struct sim *s, u64 phys, u64 v);
void sim_put_u32(const struct sim *s, u64 phys, u32 v);
u64 sim_get_u64(const struct sim *s, u64 phys);
u32 sim_get_u32(const struct sim *s, u64 phys);
void sim_zero(const struct sim *s, u64 phys, u64 len);

/* Fill every bank with 0xA5. */
void sim_poison(struct sim *s);
/* Remember the current contents of every bank. */
void sim_snapshot(struct sim *s);
/*
 * Fail the test (naming what) if any byte outside allowed[0..n) differs from the
 * snapshot.
 */
void sim_assert_unchanged(const struct sim *s, const struct sim_span *allowed,
			  unsigned int n, const char *what);

/* ------------------------------ page allocator ------------------------------ */

#define SIM_ALLOC_FREE 16

struct sim_alloc {
	struct kho_page_alloc pa; /* hand &a->pa to libkho */
	struct sim *s;
	u64 start, end, next, page;
	u64 free[SIM_ALLOC_FREE]; /* served first, last in first out */
	unsigned int nr_free;
	unsigned int count; /* pages handed out */
};

/* Pages of 1 << page_shift from [start, end), bump order. */
void sim_alloc_init(struct sim_alloc *a, struct sim *s, u64 start, u64 end,
		    unsigned int page_shift);
/* Forget every page handed out and zero them. */
void sim_alloc_reset(struct sim_alloc *a);
/* Make phys the next page handed out. */
void sim_alloc_free(struct sim_alloc *a, u64 phys);
/* The pool's range, for sim_assert_unchanged(). */
struct sim_span sim_alloc_span(const struct sim_alloc *a);
/* One page for a hand-made structure (fails the test when empty). */
u64 sim_page(struct sim_alloc *a);

/* ------------------------- hand-made handover pieces ------------------------ */

/* Radix key of (phys, order) with 4 KiB pages, by the spec's formula. */
u64 sim_radix_key(u64 phys, unsigned int order);
/* Set the key's bit in the tree at *root (allocated when 0), pages from a. */
void sim_radix_add(struct sim *s, struct sim_alloc *a, u64 *root, u64 phys,
		   unsigned int order);
/* Set bit b of a bitmap of native u64 words at phys. */
void sim_set_bit(const struct sim *s, u64 bitmap, u64 b);

/* Write a v1 chunk header at phys (the page is zeroed first). */
void sim_v1_chunk(const struct sim *s, u64 phys, u64 next, u32 order, u32 num_elms);
/* Write entry i of the chunk at phys. */
void sim_v1_entry(const struct sim *s, u64 chunk, unsigned int i, u64 phys_start,
		  u64 bitmap);

/*
 * A KHO FDT at phys in room bytes: root compatible compat (NULL: none) and
 * preserved-memory-map = map as a native u64 (with_map=0: no property).
 * Returns the host pointer for further edits with libfdt.
 */
void *sim_kho_fdt(const struct sim *s, u64 phys, u64 room, const char *compat,
		  int with_map, u64 map);
/* Add sub-blob node name with u64 properties (a NULL name skips one). */
void sim_kho_blob(void *fdt, const char *name, const char *data_prop, u64 phys,
		  const char *size_prop, u64 size);

/* ---------------------------------- OS DT ---------------------------------- */

/*
 * An OS DT in buf (len bytes): root #address-cells/#size-cells (0: leave the
 * property out), one /memory@<base> node per bank that fits the cells, and an
 * empty /chosen.
 */
void sim_os_dt(void *buf, int len, const struct sim *s, int addr_cells, int size_cells);
/* Set a /chosen property to n big-endian cells. */
void sim_chosen_cells(void *dt, const char *prop, const u32 *cells, int n);
/* Set both KHO /chosen properties as <addr size> pairs in the given cells. */
void sim_chosen_pair(void *dt, int addr_cells, int size_cells, u64 fdt, u64 fdt_len,
		     u64 scratch, u64 scratch_len);

/* ----------------------------- handover fixture ----------------------------- */

/*
 * A valid hand-made handover that a test breaks in one place, then consumes: RAM
 * is a 12 MiB low bank, a 2 MiB high bank and 1 MiB without a window at
 * SIM_DARK_BASE, all poisoned; map pages come from the SIM_POOL allocator; the OS
 * DT has 2 address and 2 size cells. Use sim_fx_setup/sim_fx_teardown as a
 * cmocka fixture.
 */
#define SIM_DARK_BASE 0x50000000ull	       /* RAM without a readable window */
#define SIM_HIGH_PAGE (SIM_HIGH_BASE + 0x5000) /* a preserved page above 4 GiB */
#define SIM_FX_RANGES 64

struct sim_fx {
	struct sim s;
	struct sim_alloc a;
	u8 dt[4096] __attribute__((aligned(8))); /* libfdt wants 8 */
	struct kho_range store[SIM_FX_RANGES];
	struct kho_rmap rm;
	struct kho_in in;
	u64 map;   /* preserved-memory-map of the fixture */
	void *fdt; /* host view of the KHO FDT page */
};

int sim_fx_setup(void **state);
int sim_fx_teardown(void **state);
/* A scratch array of one area at SIM_SCR_ARRAY and /chosen pointing at it all. */
void sim_fx_chosen(struct sim_fx *f, u64 scratch, u64 scratch_size);
/* Valid v4 handover (root compatible compat): the FDT page, SIM_DATA, SIM_HIGH_PAGE. */
void sim_fx_v4(struct sim_fx *f, const char *compat);
/* Valid v1 handover (4 KiB bitmaps): one order-0 chunk, one bitmap. */
void sim_fx_v1(struct sim_fx *f);
/* Run kho_in_open() and kho_in_protect(); fail if any byte of RAM changed. */
int sim_fx_consume(struct sim_fx *f, enum kho_abi hint);
/* Consuming fails with -code, a code with its own string. */
#define sim_fx_expect_fail(f, hint, code)                                                \
	do {                                                                             \
		sim_expect(sim_fx_consume((f), (hint)), -(code));                        \
		sim_assert_strerror_distinct(-(code));                                   \
	} while (0)
/* Radix root with one child pointer written by hand; returns the root. */
u64 sim_fx_root(struct sim_fx *f, unsigned int slot, u64 child);
/* A hand-made chain root -> L4 -> L3 -> L2 -> L1 -> leaf through slot[5..1]. */
u64 sim_fx_path(struct sim_fx *f, const unsigned int slot[6], u64 *leaf);
/* Rewrite preserved-memory-map in place. */
void sim_fx_set_map(struct sim_fx *f, u64 map);
/* Rewrite the KHO FDT with two root children named "blob" (libfdt's rw API refuses). */
void sim_fx_dup_blob_fdt(struct sim_fx *f);
/* Record [SIM_FW, SIM_FW_END) as the firmware's own image. */
void sim_fx_add_firmware(struct sim_fx *f);

/* --------------------------------- checks ---------------------------------- */

/* "KHO_E_..." name of an error code, for failure messages. */
const char *sim_err_name(int err);

/* Fail unless got == want, naming both codes. */
#define sim_expect(got, want) sim_expect_at((got), (want), #got, __FILE__, __LINE__)
void sim_expect_at(int got, int want, const char *expr, const char *file, int line);

/* kho_strerror(code) is non-empty and differs from every other code's string. */
void sim_assert_strerror_distinct(int code);

/* Sort and merge touching or overlapping spans in place; returns the new count. */
unsigned int sim_spans_merge(struct sim_span *v, unsigned int n);
/* The ranges of kind in rm, in order. Returns the count (fails above cap). */
unsigned int sim_rmap_spans(const struct kho_rmap *rm, unsigned int kind,
			    struct sim_span *out, unsigned int cap);
/* Fail, listing both sets, unless the two span lists are identical. */
void sim_assert_spans(const struct sim_span *got, unsigned int ngot,
		      const struct sim_span *want, unsigned int nwant, const char *what);

#endif /* KHO_TEST_SIM_H */
