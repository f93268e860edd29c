/* SPDX-License-Identifier: MIT */
/*
 * libfdt's environment for freestanding targets. It is force-included before
 * libfdt's own sources (-include), and defines libfdt's guard so libfdt's hosted
 * libfdt_env.h (which needs <stdlib.h>) is skipped. libfdt itself stays unmodified.
 */
#ifndef LIBFDT_ENV_H
#define LIBFDT_ENV_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FDT_FORCE
#define FDT_BITWISE

typedef uint16_t fdt16_t;
typedef uint32_t fdt32_t;
typedef uint64_t fdt64_t;

static inline uint16_t fdt16_to_cpu(fdt16_t x)
{
	return __builtin_bswap16(x);
}
#define cpu_to_fdt16(x) fdt16_to_cpu(x)

static inline uint32_t fdt32_to_cpu(fdt32_t x)
{
	return __builtin_bswap32(x);
}
#define cpu_to_fdt32(x) fdt32_to_cpu(x)

static inline uint64_t fdt64_to_cpu(fdt64_t x)
{
	return __builtin_bswap64(x);
}
#define cpu_to_fdt64(x) fdt64_to_cpu(x)

#endif /* LIBFDT_ENV_H */
