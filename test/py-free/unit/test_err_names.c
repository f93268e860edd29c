/* SPDX-License-Identifier: MIT */
/*
 * kho_strerror() of a build with CONFIG_KHO_ERR_NAMES (include/kho/config.h):
 * lib/kho/err.c is compiled into this test with the option set, so it, not
 * libkho's err.o, is what every call here and in libkho reaches. Each code gives
 * its own short name: the enum name without KHO_E_, lower case, '-' for '_'.
 */
#define CONFIG_KHO_ERR_NAMES 1
#include "../../../lib/kho/err.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>

#include "sim.h"

static void test_option_seen(void **state)
{
	(void)state;
	assert_true(KHO_ERR_NAMES);
	assert_string_equal(kho_strerror(-KHO_E_OVERLAP), "overlap");
	assert_string_equal(kho_strerror(-KHO_E_OUTSIDE_RAM), "outside-ram");
}

static void test_every_code_has_its_name(void **state)
{
	(void)state;
	for (int code = 1; code < KHO_E_COUNT_MAX; code++) {
		const char *e = sim_err_name(code) + strlen("KHO_E_");
		char want[32];
		size_t i;

		for (i = 0; e[i] && i + 1 < sizeof(want); i++)
			want[i] = e[i] == '_' ? '-' : (char)tolower((unsigned char)e[i]);
		want[i] = 0;
		assert_string_equal(kho_strerror(-code), want);
		sim_assert_strerror_distinct(-code);
	}
	assert_string_equal(kho_strerror(KHO_OK), "ok");
	assert_string_equal(kho_strerror(-KHO_E_COUNT_MAX), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_option_seen),
		cmocka_unit_test(test_every_code_has_its_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
