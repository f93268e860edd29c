/* SPDX-License-Identifier: MIT */
/*
 * A small printf family for the boot stages (lib/libc/printf.c). Conversions:
 * %s %c %d %i %u %x %X %p %%, length modifiers l, ll, z, a width (digits or *),
 * 0 (zero padding) and - (left justify). Anything else is printed as is.
 * Library code never prints: only the stage, arch and board code do.
 */
#ifndef KHOFW_STDIO_H
#define KHOFW_STDIO_H

#include <stdarg.h>
#include <stddef.h>

/* Provided by the program: the stage sends it to the console (\n as \r\n). */
int putchar(int c);

/* Print through putchar(). Return the number of characters printed. */
int printf(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(__printf__, 1, 0)));

/*
 * Format into buf, at most size - 1 characters and a NUL (nothing if size is 0).
 * Return the length the whole output would have had, as C99 does.
 */
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(__printf__, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(__printf__, 3, 0)));

#endif /* KHOFW_STDIO_H */
