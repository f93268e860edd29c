// SPDX-License-Identifier: MIT
/*
 * 32-bit U-Boot links its own subset of libgcc, which lacks the helper GCC
 * calls for __builtin_ctzll() there; libkho counts trailing zeros of u64s.
 */
#include <linux/types.h>

int __ctzdi2(u64 x);

int __ctzdi2(u64 x)
{
	u32 lo = (u32)x;

	return lo ? __builtin_ctz(lo) : 32 + __builtin_ctz((u32)(x >> 32));
}
