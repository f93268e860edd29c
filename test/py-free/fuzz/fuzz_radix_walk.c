/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the kho-v3/v4 radix-tree walker, kho_radix_walk(), with
 * 4, 16 and 64 KiB pages. The input gives the root and the first MiB of RAM; see
 * fuzz.h. Every block reported must have a radix key that decodes back to it.
 */
#include <kho/map.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static int walk(struct kho_walk *w, u64 root, u8 flags)
{
	(void)flags;
	return kho_radix_walk(w, root);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	fz_walk(data, size, 1, walk, "kho_radix_walk");
	return 0;
}
