/* SPDX-License-Identifier: MIT */
/*
 * printf for the boot stages: one formatter writing either to a buffer or to
 * putchar(). Small and allocation-free; 64-bit values throughout, so a 32-bit
 * target pulls in its libgcc's 64-bit division.
 */
#include <stdint.h>
#include <stdio.h>

struct out {
	int console; /* to putchar(), else to buf */
	char *buf;
	size_t size;
	size_t n; /* characters produced so far */
};

struct spec {
	unsigned int width;
	int left;
	int zero;
	int len; /* 0: int, 1: long, 2: long long, 3: size_t */
};

static void emit(struct out *o, char c)
{
	if (o->console)
		putchar(c);
	else if (o->n + 1 < o->size)
		o->buf[o->n] = c;
	o->n++;
}

static void pad(struct out *o, char c, unsigned int n)
{
	while (n--)
		emit(o, c);
}

static void put_str(struct out *o, const struct spec *s, const char *str)
{
	unsigned int len = 0;

	if (!str)
		str = "(null)";
	while (str[len])
		len++;
	if (!s->left && s->width > len)
		pad(o, ' ', s->width - len);
	for (unsigned int i = 0; i < len; i++)
		emit(o, str[i]);
	if (s->left && s->width > len)
		pad(o, ' ', s->width - len);
}

/* prefix: "-", "0x" or "" printed before the zero padding. */
static void put_num(struct out *o, const struct spec *s, uint64_t v, unsigned int base,
		    int upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	unsigned int n = 0, plen = 0, fill;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	while (prefix[plen])
		plen++;
	fill = s->width > n + plen ? s->width - n - plen : 0;
	if (!s->left && !s->zero)
		pad(o, ' ', fill);
	for (unsigned int i = 0; i < plen; i++)
		emit(o, prefix[i]);
	if (!s->left && s->zero)
		pad(o, '0', fill);
	while (n)
		emit(o, tmp[--n]);
	if (s->left)
		pad(o, ' ', fill);
}

static uint64_t get_unsigned(va_list *ap, int len)
{
	switch (len) {
	case 1:
		return va_arg(*ap, unsigned long);
	case 2:
		return va_arg(*ap, unsigned long long);
	case 3:
		return va_arg(*ap, size_t);
	}
	return va_arg(*ap, unsigned int);
}

static int64_t get_signed(va_list *ap, int len)
{
	switch (len) {
	case 1:
		return va_arg(*ap, long);
	case 2:
		return va_arg(*ap, long long);
	case 3:
		return (int64_t)va_arg(*ap, size_t);
	}
	return va_arg(*ap, int);
}

/* Parse flags, width and length of the conversion at *fmt (just after '%'). */
static const char *parse_spec(const char *fmt, struct spec *s, va_list *ap)
{
	*s = (struct spec){ 0 };
	for (;; fmt++) {
		if (*fmt == '-')
			s->left = 1;
		else if (*fmt == '0')
			s->zero = 1;
		else
			break;
	}
	if (*fmt == '*') {
		int w = va_arg(*ap, int);

		s->left |= w < 0;
		s->width = w < 0 ? 0u - (unsigned int)w : (unsigned int)w;
		fmt++;
	}
	for (; *fmt >= '0' && *fmt <= '9'; fmt++)
		s->width = s->width * 10 + (unsigned int)(*fmt - '0');
	if (*fmt == 'z') {
		s->len = 3;
		fmt++;
	}
	for (; *fmt == 'l' && s->len < 2; fmt++)
		s->len++;
	return fmt;
}

static void convert(struct out *o, const struct spec *s, char c, va_list *ap)
{
	switch (c) {
	case 'd':
	case 'i': {
		int64_t v = get_signed(ap, s->len);

		put_num(o, s, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, 10, 0,
			v < 0 ? "-" : "");
		break;
	}
	case 'u':
		put_num(o, s, get_unsigned(ap, s->len), 10, 0, "");
		break;
	case 'x':
	case 'X':
		put_num(o, s, get_unsigned(ap, s->len), 16, c == 'X', "");
		break;
	case 'p':
		put_num(o, s, (uintptr_t)va_arg(*ap, void *), 16, 0, "0x");
		break;
	case 'c':
		emit(o, (char)va_arg(*ap, int));
		break;
	case 's':
		put_str(o, s, va_arg(*ap, const char *));
		break;
	case '%':
		emit(o, '%');
		break;
	default: /* unknown: show it rather than guess its argument */
		emit(o, '%');
		emit(o, c);
	}
}

static int format(struct out *o, const char *fmt, va_list ap)
{
	va_list args;
	struct spec s;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			emit(o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &s, &args);
		if (!*fmt)
			break;
		convert(o, &s, *fmt++, &args);
	}
	va_end(args);
	if (!o->console && o->size)
		o->buf[o->n < o->size ? o->n : o->size - 1] = '\0';
	return (int)o->n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { 0, buf, size, 0 };

	return format(&o, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	struct out o = { 1, NULL, 0, 0 };

	return format(&o, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
