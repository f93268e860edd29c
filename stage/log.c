/* SPDX-License-Identifier: MIT */
/*
 * The stage's console output: putchar() for the printf family (onto the board
 * console, \n as \r\n), and log lines stamped with the generic timer's time
 * since the counter started, as Linux prints them.
 */
#include "stage.h"

#include <khofw/board.h>
#include <stdio.h>

int putchar(int c)
{
	if (c == '\n')
		board_putc('\r');
	board_putc((char)c);
	return (unsigned char)c;
}

static void timestamp(void)
{
	u64 f = arch_counter_freq();
	u64 t = arch_counter();
	u64 s = f ? t / f : 0;
	u64 us = f ? (t % f) * 1000000 / f : 0;

	printf("[%5llu.%06llu] ", (unsigned long long)s, (unsigned long long)us);
}

void stage_vlog(const char *fmt, va_list ap)
{
	timestamp();
	vprintf(fmt, ap);
	putchar('\n');
}

void stage_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stage_vlog(fmt, ap);
	va_end(ap);
}

void stage_panic(const char *fmt, ...)
{
	va_list ap;

	timestamp();
	printf("khofw: panic: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	arch_halt();
}
