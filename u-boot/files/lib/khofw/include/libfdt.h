/* SPDX-License-Identifier: MIT */
/* khofw includes <libfdt.h>: U-Boot's libfdt is the one it is built against. */
#include <linux/libfdt.h>
