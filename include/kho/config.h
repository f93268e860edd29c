/* SPDX-License-Identifier: MIT */
/*
 * Which parts of libkho a build holds, as C booleans for if () in function
 * bodies: what a board leaves out, the compiler and --gc-sections drop.
 *
 * Without CONFIG_KHO_SELECT (host tools, tests, a U-Boot that does not choose)
 * libkho is whole. A board's defconfig that sets CONFIG_KHO_SELECT=y keeps only
 * the parts it names:
 *   CONFIG_KHO_IN_V1=y      consume kho-v1 (Linux 6.16-7.0, every flavour)
 *   CONFIG_KHO_IN_RADIX=y   consume kho-v3 and kho-v4 (Linux 7.1-7.3)
 *   CONFIG_KHO_OUT_V1=y     produce kho-v1
 *   CONFIG_KHO_OUT_RADIX=y  produce kho-v3 and kho-v4
 * kho_in_open() of a hand-over whose ABI is left out, kho_out_init() of such an
 * ABI, and every kho_in_* / kho_out_* call of a build without any consumer or
 * producer return -KHO_E_ABI. The memory window, the reservation map, the OS DT
 * helpers and the ABI facts are always there.
 *
 * Independently of the above, CONFIG_KHO_ERR_NAMES=y makes kho_strerror() give
 * each code's short name ("overlap", "outside-ram") instead of a sentence:
 * about 600 bytes less for a board that prints little.
 */
#ifndef KHO_CONFIG_H
#define KHO_CONFIG_H

#include <kho/version.h>

#ifndef IS_ENABLED
/* IS_ENABLED(CONFIG_X): 1 if CONFIG_X is defined as 1, else 0 (Linux's trick). */
#define __KHO_ARG_PLACEHOLDER_1 0,
#define __kho_second(ignored, val, ...) val
#define __kho_is_one(x) ___kho_is_one(__KHO_ARG_PLACEHOLDER_##x)
#define ___kho_is_one(arg) __kho_second(arg 1, 0, 0)
#define IS_ENABLED(option) __kho_is_one(option)
#endif

#define KHO_HAVE(option) (!IS_ENABLED(CONFIG_KHO_SELECT) || IS_ENABLED(option))

#define KHO_HAVE_IN_V1 KHO_HAVE(CONFIG_KHO_IN_V1)
#define KHO_HAVE_IN_RADIX KHO_HAVE(CONFIG_KHO_IN_RADIX)
#define KHO_HAVE_OUT_V1 KHO_HAVE(CONFIG_KHO_OUT_V1)
#define KHO_HAVE_OUT_RADIX KHO_HAVE(CONFIG_KHO_OUT_RADIX)
#define KHO_HAVE_IN (KHO_HAVE_IN_V1 || KHO_HAVE_IN_RADIX)
#define KHO_HAVE_OUT (KHO_HAVE_OUT_V1 || KHO_HAVE_OUT_RADIX)
#define KHO_ERR_NAMES IS_ENABLED(CONFIG_KHO_ERR_NAMES)

/* Does this build consume (out 0) or produce (out 1) hand-overs of abi? */
static inline int kho_abi_built(enum kho_abi abi, int out)
{
	if (kho_abi_is_v1(abi))
		return out ? KHO_HAVE_OUT_V1 : KHO_HAVE_IN_V1;
	if (abi == KHO_ABI_V3 || abi == KHO_ABI_V4)
		return out ? KHO_HAVE_OUT_RADIX : KHO_HAVE_IN_RADIX;
	return 0;
}

#endif /* KHO_CONFIG_H */
