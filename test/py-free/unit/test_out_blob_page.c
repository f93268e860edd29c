/* SPDX-License-Identifier: MIT */
/*
 * The producer's blob pages (KHO FDT, kexec-metadata, memblock, dma-alloc) are
 * written only once preserved: a page the allocator hands out on memory the
 * reservation map protects is refused with -KHO_E_PROTECTED and left as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <kho/out.h>

#include "sim.h"

struct fx {
	struct sim s;
	struct kho_rmap rm;
	struct kho_range r[64];
	struct sim_alloc a;
	struct kho_out out;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	sim_std(&f->s, 0x2000000, 0x100000);
	kho_rmap_init(&f->rm, f->r, 64);
	sim_expect(kho_rmap_add(&f->rm, SIM_FW, SIM_FW_END, KHO_KIND_FIRMWARE, "fw"), 0);
	sim_alloc_init(&f->a, &f->s, SIM_POOL, SIM_POOL_END, 12);
	sim_poison(&f->s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	sim_fini(&f->s);
	free(f);
	return 0;
}

static void snapshot(struct fx *f)
{
	sim_snapshot(&f->s);
}

static void assert_fw_unchanged(struct fx *f)
{
	struct sim_span pool = sim_alloc_span(&f->a);

	sim_assert_unchanged(&f->s, &pool, 1, "firmware page handed out as a blob page");
}

static void test_fdt_page_on_firmware(void **state)
{
	struct fx *f = *state;

	sim_alloc_free(&f->a, SIM_FW + 0x3000);
	snapshot(f);
	sim_expect(kho_out_init(&f->out, &f->s.mem, KHO_ABI_V4, 12, &f->a.pa, &f->rm),
		   -KHO_E_PROTECTED);
	assert_fw_unchanged(f);
}

static void test_metadata_page_on_firmware(void **state)
{
	struct fx *f = *state;

	sim_expect(kho_out_init(&f->out, &f->s.mem, KHO_ABI_V4, 12, &f->a.pa, &f->rm), 0);
	sim_alloc_free(&f->a, SIM_FW + 0x5000);
	snapshot(f);
	sim_expect(kho_out_metadata(&f->out, "7.3.0", 1), -KHO_E_PROTECTED);
	assert_fw_unchanged(f);
}

static void test_dma_page_on_firmware(void **state)
{
	struct fx *f = *state;

	sim_expect(kho_out_init(&f->out, &f->s.mem, KHO_ABI_V4, 12, &f->a.pa, &f->rm), 0);
	sim_alloc_free(&f->a, SIM_FW + 0x6000);
	snapshot(f);
	sim_expect(kho_out_dma_alloc(&f->out, SIM_DATA, 0x1000, 0, 0), -KHO_E_PROTECTED);
	assert_fw_unchanged(f);
	assert_int_equal(f->out.nr_dma, 0);
	assert_int_equal(f->out.dma_phys, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fdt_page_on_firmware, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_metadata_page_on_firmware, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dma_page_on_firmware, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
