/* SPDX-License-Identifier: MIT */
/*
 * libkho as a board selects it (include/kho/config.h): this test links a copy of
 * libkho built with CONFIG_KHO_SELECT, CONFIG_KHO_IN_RADIX and
 * CONFIG_KHO_OUT_RADIX only (mk/test.mk). kho-v3/v4 are consumed and produced as
 * in the whole library; kho-v1 is refused both ways with -KHO_E_ABI, before
 * anything is read or written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <kho/config.h>
#include <kho/out.h>

#include "sim.h"

static void test_config_seen_by_the_test(void **state)
{
	(void)state;
	assert_true(KHO_HAVE_IN_RADIX && KHO_HAVE_OUT_RADIX);
	assert_false(KHO_HAVE_IN_V1 || KHO_HAVE_OUT_V1);
	assert_true(kho_abi_built(KHO_ABI_V4, 0) && kho_abi_built(KHO_ABI_V3, 1));
	assert_false(kho_abi_built(KHO_ABI_V1_4K, 0) || kho_abi_built(KHO_ABI_V1_512, 1));
	assert_false(kho_abi_built(KHO_ABI_AUTO, 0));
}

static void test_v4_handover_consumed(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, KHO_FDT_COMPATIBLE_V4);
	sim_expect(sim_fx_consume(f, KHO_ABI_AUTO), 0);
	assert_int_equal(f->in.abi, KHO_ABI_V4);
}

static void test_v1_handover_refused(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v1(f);
	sim_expect(sim_fx_consume(f, KHO_ABI_AUTO), -KHO_E_ABI);
}

static void test_v4_produced_v1_refused(void **state)
{
	struct sim_fx *f = *state;
	struct kho_out out;

	sim_alloc_init(&f->a, &f->s, SIM_POOL, SIM_POOL_END, 12);
	sim_expect(kho_out_init(&out, &f->s.mem, KHO_ABI_V1_4K, 12, &f->a.pa, NULL),
		   -KHO_E_ABI);
	assert_int_equal(f->a.count, 0);
	sim_expect(kho_out_init(&out, &f->s.mem, KHO_ABI_V4, 12, &f->a.pa, NULL), 0);
	sim_expect(kho_out_preserve(&out, SIM_DATA, 0), 0);
	sim_expect(kho_out_finish(&out), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_seen_by_the_test),
		cmocka_unit_test_setup_teardown(test_v4_handover_consumed, sim_fx_setup,
						sim_fx_teardown),
		cmocka_unit_test_setup_teardown(test_v1_handover_refused, sim_fx_setup,
						sim_fx_teardown),
		cmocka_unit_test_setup_teardown(test_v4_produced_v1_refused, sim_fx_setup,
						sim_fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
