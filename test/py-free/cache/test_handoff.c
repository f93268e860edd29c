/* SPDX-License-Identifier: MIT */
/*
 * The stage's hand-over replayed through the cache model: the real lib/boot
 * steps (bootsim.c, in stage/run.c's order) on simulated RAM, with the model
 * between the CPU and memory. What lib/boot writes through plain pointers is
 * replayed into the model after each step (and before each cache operation):
 * through the write-back mapping into the cache, through the stage's
 * non-cacheable mapping of non-coherent DMA buffers (page attributes from the
 * real table builder) into the write buffer. The prefetcher runs at every step.
 * Then the stage's clean loop (boot_for_each_written() with the fake
 * arch_clean_inval_poc()), and the next kernel, caches off, reads memory: every
 * byte the stage wrote must be there, the device's buffer included.
 *
 * The correct sequence passes (with and without KHO, and with every line
 * evicted at every step); a missing clean, a missing DSB and a write after the
 * clean each fail with their own message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <boot/dma.h>
#include <inttypes.h>
#include <kho/err.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "bootsim.h"
#include "cache.h"
#include "fake_arch.h"
#include "pgtable.h"

#define MiB (1024ull * 1024)
#define RAM (128 * MiB)
#define LINE 64u
#define CONTAINER 0x44000000ull
#define LOG_BUF 0x46000000ull
#define NC_BUF 0x46200000ull
#define COH_BUF 0x46300000ull
#define POOL_PAGES 64

struct rp {
	struct bootsim bs;
	struct cm cm;
	struct fake_arch fa;
	int up;		      /* the model runs */
	int skip_fdt;	      /* bug: the clean loop leaves out the KHO FDT page */
	int late;	      /* bug: the DTB is edited after the clean */
	int evict_all;	      /* every line evicted at every step */
	unsigned int nr_bufs; /* of bufs[] on the board; 0: all */
};

static const struct bs_buf bufs[] = {
	{ "log", "log", LOG_BUF, MiB, 0x6c6f67, 0, NULL, 0 },
	{ "dma-nc", "dma", NC_BUF, 0x3000, 0x646d61, 0, BS_NC_DEV, 0 },
	{ "dma-coh", "dma", COH_BUF, 0x2000, 0x636f68, 0, BS_COH_DEV, 0 },
};

static int setup(void **state)
{
	struct rp *r = calloc(1, sizeof(*r));

	if (!r)
		return -1;
	bs_init(&r->bs, RAM);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rp *r = *state;

	fake_arch_bind(NULL);
	cm_fini(&r->cm);
	bs_fini(&r->bs);
	free(r);
	return 0;
}

static u8 *view(const struct rp *r)
{
	return r->bs.s.bank[0].host;
}

static void sync(void *arg)
{
	struct rp *r = arg;

	cm_sync(&r->cm, view(r));
}

/* The stage's map after map_buffers(): RAM and image write-back, NC buffers. */
static void map_like_the_stage(struct rp *r)
{
	void *pool = aligned_alloc(PGT_PAGE_SIZE, POOL_PAGES * PGT_PAGE_SIZE);
	struct arch_region nc[BOOT_MAX_FW_BUFS];
	int n = boot_dma_nc_regions(&r->bs.st, nc, BOOT_MAX_FW_BUFS);
	struct arm64_pgt t;

	assert_non_null(pool);
	assert_true(n >= 0);
	assert_int_equal(arm64_pgt_init(&t, pool, POOL_PAGES * PGT_PAGE_SIZE, 39, 0), 0);
	sim_expect(arm64_pgt_map(&t, SIM_LOW_BASE, RAM, ARCH_MEM_NORMAL_WB), 0);
	sim_expect(arm64_pgt_map(&t, BS_STAGE, BS_STAGE_SIZE, ARCH_MEM_NORMAL_WB), 0);
	for (int i = 0; i < n; i++)
		sim_expect(arm64_pgt_map(&t, nc[i].base, nc[i].size, nc[i].attr), 0);
	for (u64 pa = SIM_LOW_BASE; pa < SIM_LOW_BASE + RAM; pa += CM_PAGE) {
		u64 d = arm64_pgt_lookup(&t, pa, NULL);

		if (PGT_ATTRIDX_OF(d) == PGT_MAIR_NC)
			assert_int_equal(cm_set_attr(&r->cm, pa, CM_PAGE, CM_NC), 0);
	}
	free(pool);
}

/* After each step of the stage: its writes go through the model, then "any time". */
static void step(void *arg, const char *name)
{
	struct rp *r = arg;

	if (!r->up) {
		/* Nothing written yet: memory holds what the loader put there. */
		assert_int_equal(cm_init(&r->cm, SIM_LOW_BASE, RAM, LINE, view(r)), 0);
		r->cm.prefetch = 1;
		r->cm.evict_all = r->evict_all;
		r->fa.cm = &r->cm;
		r->fa.sync = sync;
		r->fa.arg = r;
		fake_arch_bind(&r->fa);
		r->up = 1;
	}
	if (!strcmp(name, "read_fw"))
		map_like_the_stage(r);
	cm_sync(&r->cm, view(r));
	cm_tick(&r->cm);
}

static void clean(void *arg, u64 phys, u64 size)
{
	struct rp *r = arg;

	u64 fdt = r->bs.st.out.fdt_phys;

	if (r->skip_fdt && fdt >= phys && fdt < phys + size)
		return;
	arch_clean_inval_poc((uintptr_t)phys, (size_t)size);
}

/* What was recorded at pa, for the failure messages. */
static const char *what_at(const struct rp *r, u64 pa)
{
	const struct kho_range *k = kho_rmap_find(&r->bs.st.rm, pa);

	if (r->bs.st.out.fdt_phys && pa / CM_PAGE == r->bs.st.out.fdt_phys / CM_PAGE)
		return "the KHO FDT page";
	if (!k)
		return "nothing recorded";
	return k->label ? k->label : kho_kind_name(k->kind);
}

/*
 * The next kernel, caches off, reads [start, end): it must find what the CPU
 * wrote. Returns the number of lines that differ; the faults recorded are those
 * of this read only.
 */
static unsigned int reads(struct rp *r, u64 start, u64 end)
{
	r->cm.nfaults = 0;
	return cm_expect_memory(&r->cm, start, view(r) + (start - SIM_LOW_BASE),
				end - start, "next kernel (caches off)");
}

/* No fault at all, else print them and fail. */
static void assert_clean(const struct rp *r, unsigned int bad)
{
	const struct cm_fault *f;
	unsigned int n = cm_faults(&r->cm, &f);

	for (unsigned int i = 0; i < n && i < CM_MAX_FAULTS; i++)
		print_message("cache model: %s [%s]\n", f[i].msg, what_at(r, f[i].pa));
	assert_int_equal(bad, 0);
	assert_int_equal(n, 0);
}

/* The stage's last steps, then the next kernel's view of memory. */
static unsigned int hand_over(struct rp *r, u32 abi)
{
	bs_board(&r->bs, bufs, r->nr_bufs ? r->nr_bufs : 3);
	bs_payload(&r->bs, CONTAINER, abi);
	r->bs.step = step;
	r->bs.step_arg = r;
	sim_expect(bs_run(&r->bs), 0);
	boot_for_each_written(&r->bs.st, clean, r);
	if (r->late) {
		void *dtb = bs_dtb(&r->bs);

		fdt_setprop_string(dtb, fdt_path_offset(dtb, "/chosen"), "bootargs",
				   "late");
	}
	sync(r);
	return reads(r, SIM_LOW_BASE, SIM_LOW_BASE + RAM);
}

/* The next kernel reading [start, end) finds it wrong, and the model says why: kind. */
static void assert_caught(struct rp *r, enum cm_fault_kind kind, u64 start, u64 end)
{
	assert_true(reads(r, start, end) > 0);
	for (unsigned int i = 0; i < r->cm.nfaults && i < CM_MAX_FAULTS; i++) {
		const struct cm_fault *f = &r->cm.faults[i];

		if (f->kind == kind) {
			print_message("cache model caught it: %s [%s]\n", f->msg,
				      what_at(r, f->pa));
			return;
		}
	}
	fail_msg("the model did not report '%s' in [0x%" PRIx64 ", 0x%" PRIx64 ")",
		 cm_fault_name(kind), start, end);
}

static void test_kho_hand_over_is_clean(void **state)
{
	struct rp *r = *state;

	assert_clean(r, hand_over(r, KHO_ABI_V4));
	assert_true(r->fa.cleans > 5);
}

static void test_kho_hand_over_is_clean_with_evictions(void **state)
{
	struct rp *r = *state;

	r->evict_all = 1;
	assert_clean(r, hand_over(r, KHO_ABI_V4));
}

/*
 * A second hop forwards the first one's hand-over: the model starts from memory
 * as the first hop left it, and the clean loop covers only the stage's own pages
 * and buffers there (not the blocks it carries on), yet all it wrote must be found.
 * Its board is the first hop's: the log and the DMA buffers are adopted (the
 * incoming reserve_mem region and dma-alloc entries hold them), not written again.
 */
static void test_forwarded_hand_over_is_clean(void **state)
{
	struct rp *r = *state;

	assert_clean(r, hand_over(r, KHO_ABI_V4));
	/* The DT the first hop built becomes the second hop's input. */
	assert_int_equal(fdt_pack(bs_dtb(&r->bs)), 0);
	assert_int_equal(fdt_open_into(bs_dtb(&r->bs), r->bs.dt, sizeof(r->bs.dt)), 0);
	fake_arch_bind(NULL);
	cm_fini(&r->cm);
	r->up = 0;
	r->bs.forward = 1;
	assert_clean(r, hand_over(r, KHO_ABI_V4));
	assert_true(r->bs.st.forward);
	assert_false(r->bs.st.alloc_lost);
	assert_true(r->bs.st.nr_alloc > 0);
}

static void test_hand_over_without_kho_is_clean(void **state)
{
	struct rp *r = *state;

	/* The buffers stay the firmware's, yet they were written: cleaned too. */
	assert_clean(r, hand_over(r, 0));
}

static void test_missing_clean_caught(void **state)
{
	struct rp *r = *state;

	r->skip_fdt = 1; /* Bug: the clean loop leaves out the KHO FDT page. */
	assert_true(hand_over(r, KHO_ABI_V4) > 0);
	assert_caught(r, CM_MISSING_CLEAN, r->bs.st.out.fdt_phys,
		      r->bs.st.out.fdt_phys + CM_PAGE);
}

static void test_missing_dsb_caught(void **state)
{
	struct rp *r = *state;

	r->fa.bugs = FAKE_NO_DSB; /* Bug: no DSB after the clean loop's lines. */
	assert_true(hand_over(r, KHO_ABI_V4) > 0);
	assert_caught(r, CM_MISSING_DSB, r->bs.st.out.fdt_phys,
		      r->bs.st.out.fdt_phys + CM_PAGE);
	/* The device's buffer never got its non-cacheable stores either. */
	assert_caught(r, CM_MISSING_DSB, NC_BUF, NC_BUF + 0x3000);
}

static void test_late_write_caught(void **state)
{
	struct rp *r = *state;

	r->late = 1; /* Bug: the DTB is edited after it was cleaned. */
	assert_true(hand_over(r, KHO_ABI_V4) > 0);
	assert_caught(r, CM_LATE_WRITE, r->bs.st.dtb, r->bs.st.dtb + r->bs.st.dtb_cap);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_kho_hand_over_is_clean),
		T(test_kho_hand_over_is_clean_with_evictions),
		T(test_forwarded_hand_over_is_clean),
		T(test_hand_over_without_kho_is_clean),
		T(test_missing_clean_caught),
		T(test_missing_dsb_caught),
		T(test_late_write_caught),
	};

	return cmocka_run_group_tests_name("cache-hand-over", tests, NULL, NULL);
}
