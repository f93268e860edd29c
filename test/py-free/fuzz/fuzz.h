/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer harnesses and their seed generator: the simulated machine
 * libkho runs in, the input layouts, and the invariant checks that turn a silent
 * misbehaviour into an abort() the fuzzer reports.
 *
 * Only the first MiB of RAM is readable, and its bytes come from the input, so the
 * fuzzer reaches every readable address with short inputs. That window is
 * read-only (mprotect) while libkho runs: a write to it is a crash.
 */
#ifndef KHO_FUZZ_H
#define KHO_FUZZ_H

#include <kho/abi.h>
#include <kho/map.h>
#include <kho/mem.h>
#include <kho/rmap.h>
#include <stddef.h>

/* Readable RAM: the first MiB of the low bank, filled from the input. */
#define FZ_RAM_BASE 0x40000000ull
#define FZ_WIN_SIZE 0x100000ull
/* The low bank: 1 GiB as on the QEMU virt machine of the captured vector... */
#define FZ_RAM_BIG 0x40000000ull
/* ...or 4 MiB for the walks, so that budget-bounded walks stay short. */
#define FZ_RAM_SMALL 0x400000ull
/* A bank above 4 GiB nothing can read. */
#define FZ_HIGH_BASE 0x880000000ull
#define FZ_HIGH_SIZE 0x100000ull
/* The stage's own image, recorded as firmware before the handover is read. */
#define FZ_FW_START 0x40080000ull
#define FZ_FW_END 0x40100000ull
/* Seeds lay their handovers out below the firmware. */
#define FZ_SEED_END FZ_FW_START
/* A page the walks pre-record as meta (as the KHO FDT would be). */
#define FZ_META_PAGE 0x4007f000ull

/*
 * consume input: [0] ABI hint, [1] page size selector, [2..3] OS DT length (LE),
 * the OS DT, then RAM from FZ_RAM_BASE.
 */
#define FZ_CONSUME_HDR 4

/*
 * walk input: [0] flags, [1] max order, [2] page size selector (radix),
 * [3] blocks before the callback fails (FZ_F_STOP), [4] batch size (FZ_F_RUNS;
 * 0: the walk's own array), [8..15] head or root (LE), then RAM from FZ_RAM_BASE.
 */
#define FZ_WALK_HDR 16
#define FZ_F_BIG 0x01	/* 1 GiB low bank; implies FZ_F_SEEN */
#define FZ_F_SEEN 0x02	/* record map pages in a reservation map */
#define FZ_F_FENCE 0x04 /* ...that already holds firmware and a meta page */
#define FZ_F_STOP 0x08	/* the block callback fails after [3] blocks */
#define FZ_F_4K 0x10	/* v1: 4 KiB bitmaps, else 512 bytes */
#define FZ_F_RUNS 0x20	/* runs handed over in batches (kho_walk.runs), not one by one */

/* /reserved-memory input: the OS DT alone. */

/* 12, 14 or 16 from a selector byte. */
static inline unsigned int fz_page_shift(u8 sel)
{
	return 12 + 2 * (sel % 3);
}

/* n little-endian bytes. */
static inline u64 fz_get_le(const u8 *p, unsigned int n)
{
	u64 v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* ----------------------------- harness support ----------------------------- */
/* (fuzz.c: built with the harnesses only; the seed generator uses the layout.) */

/* Print the violated invariant and abort(): the fuzzer keeps the input. */
void fz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * Fill the read-only window with ram[0..len) (len <= FZ_WIN_SIZE) and zeros after.
 * Returns the host address of FZ_RAM_BASE.
 */
u8 *fz_window_load(const u8 *ram, size_t len);
/* Abort if the window no longer holds ram[0..len) (then zeros). */
void fz_window_check(const u8 *ram, size_t len);

/* An exact-size, 8-byte aligned heap copy (an overread past len is an ASan report). */
void *fz_copy(const u8 *data, size_t len);
/* Abort if the copy changed, then free it. */
void fz_copy_done(void *copy, const u8 *data, size_t len, const char *what);

/* RAM: the low bank of low_size (window at its base) and the high bank. */
void fz_mem(struct kho_mem *m, u64 low_size, u8 *window);

/* Storage of exactly cap ranges (reused between runs), empty map. */
void fz_rmap_init(struct kho_rmap *rm, unsigned int cap);
void fz_add_firmware(struct kho_rmap *rm);
/* The firmware range is still exactly [FZ_FW_START, FZ_FW_END), once. */
void fz_check_firmware(const struct kho_rmap *rm);
/* Sorted, disjoint, non-empty, known kinds. */
void fz_check_rmap(const struct kho_rmap *rm);

/* Checks that use the bank list, not libkho's own lookups. */
int fz_in_ram(const struct kho_mem *m, u64 start, u64 end);
int fz_in_window(u64 start, u64 end);
/* Is [start, end) covered by ranges whose kind is in mask (1 << kind)? */
int fz_covered(const struct kho_rmap *rm, u64 start, u64 end, unsigned int mask);
#define FZ_K(kind) (1u << (kind))

/* err is 0 or a known -KHO_E_* code with its own string. */
void fz_check_err(int err, const char *what);

/* A block callback that checks every preserved run it is given. */
struct fz_blocks {
	const struct kho_mem *mem;
	const struct kho_rmap *rm; /* optional: runs must be preserved there */
	unsigned int page_shift;
	unsigned int max_order;
	int radix;	      /* keys must round-trip */
	u64 stop_after;	      /* fail with FZ_STOP after this many runs (0: never) */
	unsigned int run_cap; /* FZ_F_RUNS: the most runs a batch may hold */
	u64 runs, blocks, bytes;
	int stopped;
};
#define FZ_STOP (-KHO_E_NOT_FOUND) /* no walk returns this by itself */
int fz_block(void *arg, u64 phys, u64 size, unsigned int order);
/* The same checks for a batch, which must also hold runs that go up and never touch. */
int fz_runs(void *arg, const struct kho_run *r, unsigned int n, unsigned int order);

struct kho_walk;
/*
 * Run one walk input (FZ_WALK_HDR layout): set up RAM, the optional record of map
 * pages and the checking callback, call fn(w, head) and check the outcome.
 */
void fz_walk(const u8 *data, size_t size, int radix,
	     int (*fn)(struct kho_walk *w, u64 head, u8 flags), const char *what);

#endif /* KHO_FUZZ_H */
