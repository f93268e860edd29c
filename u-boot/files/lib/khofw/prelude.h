/* SPDX-License-Identifier: MIT */
/*
 * khofw's portable code includes the C library's <stdint.h>, <stddef.h> and
 * <string.h>; in U-Boot those are U-Boot's own, which this completes.
 */
#ifndef KHOFW_UBOOT_PRELUDE_H
#define KHOFW_UBOOT_PRELUDE_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>

#ifndef UINTPTR_MAX
#define UINTPTR_MAX ((uintptr_t) ~(uintptr_t)0)
#endif

#endif /* KHOFW_UBOOT_PRELUDE_H */
