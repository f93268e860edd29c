/* SPDX-License-Identifier: GPL-2.0 */
/* <stdint.h> for headers shared with the kernel build: linux/types.h has the types. */
#ifndef KHOFW_SHIM_STDINT_H
#define KHOFW_SHIM_STDINT_H
#include <linux/types.h>
#endif
