/* SPDX-License-Identifier: MIT */
/*
 * The stages' printf (lib/libc/printf.c), built for the host with its symbols
 * renamed (lc_*): each conversion, length modifier and flag, truncation and
 * the C99 return value, and printf() through putchar().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

/* No format attribute: some tests pass what the compiler would rightly flag. */
int lc_snprintf(char *buf, size_t size, const char *fmt, ...);
int lc_printf(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
int lc_putchar(int c);

static char console[256];
static size_t console_len;

int lc_putchar(int c)
{
	if (console_len + 1 < sizeof(console))
		console[console_len++] = (char)c;
	console[console_len] = '\0';
	return c;
}

#define EXPECT(want, ...)                                                                \
	do {                                                                             \
		char buf[128];                                                           \
		int n = lc_snprintf(buf, sizeof(buf), __VA_ARGS__);                      \
		assert_string_equal(buf, want);                                          \
		assert_int_equal(n, strlen(want));                                       \
	} while (0)

static void test_strings_and_chars(void **state)
{
	(void)state;
	EXPECT("plain", "plain");
	EXPECT("a-b", "%s-%s", "a", "b");
	EXPECT("(null)", "%s", (char *)NULL);
	EXPECT("x", "%c", 'x');
	EXPECT("100%", "%d%%", 100);
	EXPECT("[  ab]", "[%4s]", "ab");
	EXPECT("[ab  ]", "[%-4s]", "ab");
	EXPECT("[abcdef]", "[%3s]", "abcdef");
}

static void test_signed(void **state)
{
	(void)state;
	EXPECT("0 -1 42", "%d %i %d", 0, -1, 42);
	EXPECT("-2147483648", "%d", (int)INT32_MIN);
	EXPECT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	EXPECT("-5", "%ld", -5L);
	EXPECT("-0042", "%05d", -42);
	EXPECT("  -42", "%5d", -42);
	EXPECT("-42  |", "%-5d|", -42);
}

static void test_unsigned_and_hex(void **state)
{
	(void)state;
	EXPECT("4294967295", "%u", 0xffffffffu);
	EXPECT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	EXPECT("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
	EXPECT("123456789abcdef0", "%llx", 0x123456789abcdef0ull);
	EXPECT(sizeof(long) == 8 ? "ffffffffffffffff" : "ffffffff", "%lx", ~0ul);
	EXPECT("4096", "%zu", (size_t)4096);
	EXPECT("00000000000000ab", "%016llx", 0xabull);
	EXPECT("0x00", "0x%02x", 0);
}

static void test_pointer(void **state)
{
	(void)state;
	EXPECT("0x40200000", "%p", (void *)(uintptr_t)0x40200000);
	EXPECT("0x0", "%p", (void *)0);
}

static void test_star_width(void **state)
{
	(void)state;
	EXPECT("[   7]", "[%*d]", 4, 7);
	EXPECT("[7   ]", "[%*d]", -4, 7);
}

static void test_truncation(void **state)
{
	char buf[6];

	(void)state;
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(lc_snprintf(buf, sizeof(buf), "%s", "abcdefgh"), 8);
	assert_string_equal(buf, "abcde");
	assert_int_equal(lc_snprintf(buf, 1, "abc"), 3);
	assert_string_equal(buf, "");
	assert_int_equal(lc_snprintf(NULL, 0, "%d", 12345), 5);
}

static void test_unknown_conversion(void **state)
{
	(void)state;
	EXPECT("%q", "%q");
}

static void test_printf_to_putchar(void **state)
{
	(void)state;
	console_len = 0;
	assert_int_equal(lc_printf("[%5d.%06d] %s\n", 1, 2345, "msg"), 19);
	assert_string_equal(console, "[    1.002345] msg\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings_and_chars),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_unsigned_and_hex),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_star_width),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_unknown_conversion),
		cmocka_unit_test(test_printf_to_putchar),
	};

	return cmocka_run_group_tests_name("printf", tests, NULL, NULL);
}
