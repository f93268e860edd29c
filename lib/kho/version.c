/* SPDX-License-Identifier: MIT */
/* Facts that differ between the released KHO ABIs. */
#include <kho/err.h>
#include <kho/version.h>
#include <string.h>
#include "strtab.h"

/* Here, not in err.c: tools that name ABIs build this file alone (mkpayload). */
const char *kho_strtab(const char *t, unsigned int n)
{
	while (n--)
		t += strlen(t) + 1;
	return t;
}

/* Short names in enum order (see strtab.h). */
static const char names[] = "auto\0v1-512\0v1-4k\0v1-4k-nz\0v3\0v4";
_Static_assert(KHO_ABI_COUNT == 6, "a name per ABI");

const char *kho_abi_name(enum kho_abi abi)
{
	return (unsigned int)abi < KHO_ABI_COUNT ? kho_strtab(names, abi) : "?";
}

int kho_abi_parse(const char *name)
{
	const char *t = names;

	for (int i = 0; i < KHO_ABI_COUNT; i++, t += strlen(t) + 1)
		if (!strcmp(name, t))
			return i;
	return -KHO_E_INVAL;
}

const char *kho_abi_compatible(enum kho_abi abi)
{
	if (kho_abi_is_v1(abi))
		return KHO_FDT_COMPATIBLE_V1;
	return abi == KHO_ABI_V3 ? KHO_FDT_COMPATIBLE_V3 : KHO_FDT_COMPATIBLE_V4;
}

unsigned int kho_abi_bitmap_bytes(enum kho_abi abi)
{
	if (abi == KHO_ABI_V1_512)
		return KHO_V1_BITMAP_BYTES_512;
	return kho_abi_is_v1(abi) ? KHO_V1_BITMAP_BYTES_4K : 0;
}

unsigned int kho_abi_max_order(enum kho_abi abi, unsigned int page_shift)
{
	if (kho_abi_is_v1(abi))
		return KHO_V1_MAX_ORDER;
	if (abi == KHO_ABI_V3)
		return KHO_V3_MAX_ORDER;
	/*
	 * 7.2+ shift an unsigned long. The radix key also needs its order bit above
	 * the leaf bits (64 - p - order >= p + 3): 37 with 4 KiB pages.
	 */
	return 64 - 2 * page_shift - 3;
}

_Static_assert(KHO_SCRATCH_ALIGN_V1(14) == (u64)1 << (14 + 9), "v1 scratch: 9 orders");

u64 kho_abi_scratch_align(enum kho_abi abi, unsigned int page_shift)
{
	/* KHO_SCRATCH_ALIGN() or KHO_SCRATCH_ALIGN_V1(), with one 64-bit shift. */
	unsigned int order = abi == KHO_ABI_V4 ? KHO_MAX_PAGE_ORDER(page_shift) : 9;

	return (u64)1 << (page_shift + order);
}
