/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the kho-v1 chunk-list reader, kho_v1_walk(), with 512-byte
 * and 4 KiB bitmaps (input flag FZ_F_4K), and for kho_v1_guess_bitmap(). The
 * input gives the list head and the first MiB of RAM; see fuzz.h.
 */
#include <kho/err.h>
#include <kho/map.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static int walk(struct kho_walk *w, u64 head, u8 flags)
{
	unsigned int bytes =
		flags & FZ_F_4K ? KHO_V1_BITMAP_BYTES_4K : KHO_V1_BITMAP_BYTES_512;
	int err = kho_v1_walk(w, head, bytes);
	int guess = kho_v1_guess_bitmap(w->mem, head);

	if (guess >= 0 && guess != KHO_V1_BITMAP_BYTES_512 &&
	    guess != KHO_V1_BITMAP_BYTES_4K)
		fz_fail("bitmap size guessed as %d", guess);
	if (guess < 0)
		fz_check_err(guess, "kho_v1_guess_bitmap");
	/* Every chunk the walk accepted is one the guess can read. */
	if (!err && guess < 0)
		fz_fail("walk accepted a list the guess refused (%d)", guess);
	return err;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	fz_walk(data, size, 0, walk, "kho_v1_walk");
	return 0;
}
