/* SPDX-License-Identifier: MIT */
/*
 * The cache model itself, and a non-coherent device's DMA into a buffer the CPU
 * maps write-back, driven through the fake arch hooks: the right sequence
 * (invalidate before the DMA, partial lines cleaned; invalidate again after it)
 * passes with the worst-case prefetcher and with every line evicted at every
 * step; an invalidate only before the DMA, a partial-line invalidate and a
 * buffer left dirty before the DMA each fail with their own message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "fake_arch.h"

#define BASE 0x80000000ull
#define SIZE 0x10000ull
#define LINE 64u
/* A buffer that starts and ends mid-line, with CPU variables on both sides. */
#define BUF (BASE + 0x1020)
#define BUF_LEN 0x100u
#define LEFT (BASE + 0x1008)  /* shares the buffer's first line */
#define RIGHT (BASE + 0x1128) /* shares its last line */

struct fx {
	struct cm cm;
	struct fake_arch fa;
	uint8_t init[SIZE];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	memset(f->init, 0xee, sizeof(f->init));
	if (cm_init(&f->cm, BASE, SIZE, LINE, f->init))
		return -1;
	f->fa.cm = &f->cm;
	fake_arch_bind(&f->fa);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	fake_arch_bind(NULL);
	cm_fini(&f->cm);
	free(f);
	return 0;
}

/* Print every fault, then fail unless there are exactly none. */
static void assert_no_fault(const struct cm *cm)
{
	const struct cm_fault *f;
	unsigned int n = cm_faults(cm, &f);

	for (unsigned int i = 0; i < n && i < CM_MAX_FAULTS; i++)
		print_message("cache model: %s\n", f[i].msg);
	assert_int_equal(n, 0);
}

/* The model caught kind: show its message. */
static void assert_fault(const struct cm *cm, enum cm_fault_kind kind)
{
	const struct cm_fault *f = cm_find_fault(cm, kind);

	if (!f)
		fail_msg("the model did not report '%s' (%u other faults)",
			 cm_fault_name(kind), cm->nfaults);
	print_message("cache model caught it: %s\n", f->msg);
}

static uint64_t u64_at(struct cm *cm, uint64_t pa)
{
	uint64_t v;

	cm_cpu_read(cm, pa, &v, 8);
	return v;
}

/* ------------------------------------------------------------ the model */

static void test_model_clean_reaches_memory_at_dsb(void **state)
{
	struct fx *f = *state;
	const uint64_t v = 0x1122334455667788ull;

	cm_cpu_write(&f->cm, BASE + 0x40, &v, 8);
	assert_int_equal(cm_expect_memory(&f->cm, BASE + 0x40, &v, 8, "no clean"), 1);
	assert_int_equal(f->cm.faults[0].kind, CM_MISSING_CLEAN);
	f->cm.nfaults = 0;
	cm_dc_civac(&f->cm, BASE + 0x40);
	assert_int_equal(cm_expect_memory(&f->cm, BASE + 0x40, &v, 8, "no DSB"), 1);
	assert_int_equal(f->cm.faults[0].kind, CM_MISSING_DSB);
	f->cm.nfaults = 0;
	cm_dsb(&f->cm);
	assert_int_equal(cm_expect_memory(&f->cm, BASE + 0x40, &v, 8, "after DSB"), 0);
	assert_int_equal(u64_at(&f->cm, BASE + 0x40), v);
	assert_no_fault(&f->cm);
}

static void test_model_nc_store_needs_dsb(void **state)
{
	struct fx *f = *state;
	const uint32_t v = 0xcafef00d;

	assert_int_equal(cm_set_attr(&f->cm, BASE + 0x2000, 0x1000, CM_NC), 0);
	cm_cpu_write(&f->cm, BASE + 0x2004, &v, 4);
	assert_int_equal(cm_expect_memory(&f->cm, BASE + 0x2004, &v, 4, "nc"), 1);
	assert_int_equal(f->cm.faults[0].kind, CM_MISSING_DSB);
	f->cm.nfaults = 0;
	fake_arch_dsb();
	assert_int_equal(cm_expect_memory(&f->cm, BASE + 0x2004, &v, 4, "nc"), 0);
	/* Non-cacheable lines are never allocated, even by the prefetcher. */
	f->cm.prefetch = 1;
	cm_tick(&f->cm);
	assert_int_equal(f->cm.state[(0x2000) / LINE] & 3, 0);
	assert_int_equal(f->cm.state[(0x3000) / LINE] & 3, 1);
}

static void test_model_late_write_named(void **state)
{
	struct fx *f = *state;
	const uint64_t a = 1, b = 2;

	cm_cpu_write(&f->cm, BASE + 0x100, &a, 8);
	arch_clean_inval_poc(BASE + 0x100, 8);
	cm_cpu_write(&f->cm, BASE + 0x100, &b, 8);
	assert_int_equal(cm_expect_memory(&f->cm, BASE + 0x100, &b, 8, "late"), 1);
	assert_fault(&f->cm, CM_LATE_WRITE);
}

static void test_model_sync_replays_plain_writes(void **state)
{
	struct fx *f = *state;
	uint8_t *view = malloc(SIZE);

	memcpy(view, f->init, SIZE);
	assert_int_equal(cm_set_attr(&f->cm, BASE + 0x3000, 0x1000, CM_NC), 0);
	view[0x10] = 1;	  /* write-back: one dirty line */
	view[0x3010] = 2; /* non-cacheable: one write-buffer entry */
	assert_int_equal(cm_sync(&f->cm, view), 2);
	assert_int_equal(cm_sync(&f->cm, view), 0);
	assert_int_equal(f->cm.dirty[0], 1ull << 0x10);
	assert_int_equal(f->cm.nwb, 1);
	free(view);
}

static void test_model_prefetch_takes_memory_of_the_moment(void **state)
{
	struct fx *f = *state;
	const uint64_t dev = 0xd0d0d0d0d0d0d0d0ull;
	uint64_t got;

	f->cm.prefetch = 1;
	cm_tick(&f->cm); /* every line in, clean */
	cm_device_write(&f->cm, BASE + 0x800, &dev, 8);
	cm_cpu_read(&f->cm, BASE + 0x800, &got, 8);
	assert_int_equal(got, 0xeeeeeeeeeeeeeeeeull);
	assert_fault(&f->cm, CM_STALE_READ);
}

/* ------------------------------------------ a device's DMA into a buffer */

/* The CPU's variables around the buffer, in the lines it shares with them. */
static const uint64_t left = 0x4c4c4c4c4c4c4c4cull, right = 0x5252525252525252ull;

static void dma_setup(struct fx *f, int prefetch, int evict_all)
{
	f->cm.prefetch = prefetch;
	f->cm.evict_all = evict_all;
	cm_cpu_write(&f->cm, LEFT, &left, 8);
	cm_cpu_write(&f->cm, RIGHT, &right, 8);
}

static void device_fills(struct fx *f, uint8_t *data)
{
	for (unsigned int i = 0; i < BUF_LEN; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	cm_tick(&f->cm);
	cm_device_write(&f->cm, BUF, data, BUF_LEN);
	cm_tick(&f->cm);
}

/* After the DMA: the CPU must read the device's data and its own variables. */
static void dma_check(struct fx *f, const uint8_t *data)
{
	uint8_t got[BUF_LEN];

	cm_cpu_read(&f->cm, BUF, got, BUF_LEN);
	if (memcmp(got, data, BUF_LEN))
		print_message("the CPU does not read what the device wrote\n");
	assert_int_equal(u64_at(&f->cm, LEFT), left);
	assert_int_equal(u64_at(&f->cm, RIGHT), right);
	assert_memory_equal(got, data, BUF_LEN);
}

static void dma_correct(struct fx *f)
{
	uint8_t data[BUF_LEN];

	arch_inval_poc(BUF, BUF_LEN); /* before: no dirty line can go back over it */
	device_fills(f, data);
	arch_inval_poc(BUF, BUF_LEN); /* after: drop what the prefetcher brought in */
	dma_check(f, data);
	/* The neighbours' lines were cleaned, not dropped: memory has them. */
	assert_int_equal(cm_expect_memory(&f->cm, LEFT, &left, 8, "left"), 0);
	assert_int_equal(cm_expect_memory(&f->cm, RIGHT, &right, 8, "right"), 0);
	assert_no_fault(&f->cm);
}

static void test_dma_correct_sequence(void **state)
{
	struct fx *f = *state;

	dma_setup(f, 0, 0);
	dma_correct(f);
}

static void test_dma_correct_sequence_worst_prefetcher(void **state)
{
	struct fx *f = *state;

	dma_setup(f, 1, 0);
	dma_correct(f);
}

static void test_dma_correct_sequence_evict_all(void **state)
{
	struct fx *f = *state;

	dma_setup(f, 1, 1);
	dma_correct(f);
}

static void test_dma_invalidate_only_before(void **state)
{
	struct fx *f = *state;
	uint8_t data[BUF_LEN], got[BUF_LEN];

	dma_setup(f, 1, 0);
	arch_inval_poc(BUF, BUF_LEN);
	device_fills(f, data);
	/* Bug: no invalidate after the DMA. */
	cm_cpu_read(&f->cm, BUF, got, BUF_LEN);
	assert_fault(&f->cm, CM_STALE_READ);
	assert_true(memcmp(got, data, BUF_LEN) != 0);
}

static void test_dma_partial_line_invalidate(void **state)
{
	struct fx *f = *state;
	uint8_t data[BUF_LEN];

	dma_setup(f, 1, 0);
	f->fa.bugs = FAKE_NAIVE_INVAL; /* Bug: DC IVAC on the shared lines too. */
	arch_inval_poc(BUF, BUF_LEN);
	assert_fault(&f->cm, CM_LOST_DIRTY);
	device_fills(f, data);
	arch_inval_poc(BUF, BUF_LEN);
	/* The neighbours' values are gone from everywhere. */
	assert_int_equal(u64_at(&f->cm, LEFT), 0xeeeeeeeeeeeeeeeeull);
	assert_int_equal(u64_at(&f->cm, RIGHT), 0xeeeeeeeeeeeeeeeeull);
}

static void test_dma_dirty_buffer_before_dma(void **state)
{
	struct fx *f = *state;
	uint8_t data[BUF_LEN], zero[BUF_LEN];

	/* The CPU clears the buffer, then starts the DMA without maintenance. */
	dma_setup(f, 1, 0);
	memset(zero, 0, sizeof(zero));
	cm_cpu_write(&f->cm, BUF, zero, BUF_LEN);
	for (unsigned int i = 0; i < BUF_LEN; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	cm_device_write(&f->cm, BUF, data, BUF_LEN);
	/* The evict-all switch: the dirty lines leave now, after the device wrote. */
	f->cm.evict_all = 1;
	cm_tick(&f->cm);
	assert_fault(&f->cm, CM_OVERWROTE_DEVICE);
	arch_inval_poc(BUF, BUF_LEN);
	cm_cpu_read(&f->cm, BUF, zero, BUF_LEN);
	assert_true(memcmp(zero, data, BUF_LEN) != 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_model_clean_reaches_memory_at_dsb),
		T(test_model_nc_store_needs_dsb),
		T(test_model_late_write_named),
		T(test_model_sync_replays_plain_writes),
		T(test_model_prefetch_takes_memory_of_the_moment),
		T(test_dma_correct_sequence),
		T(test_dma_correct_sequence_worst_prefetcher),
		T(test_dma_correct_sequence_evict_all),
		T(test_dma_invalidate_only_before),
		T(test_dma_partial_line_invalidate),
		T(test_dma_dirty_buffer_before_dma),
	};

	return cmocka_run_group_tests_name("cache-model", tests, NULL, NULL);
}
