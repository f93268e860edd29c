// SPDX-License-Identifier: GPL-2.0
/*
 * libfdt's read-only part for this module, unmodified from the kernel tree: the
 * kernel links it (lib/fdt.c, lib/fdt_ro.c) but exports none of it to modules.
 */
#include <linux/libfdt_env.h>
#include "fdt.c"
#include "fdt_ro.c"
