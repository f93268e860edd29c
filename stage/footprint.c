/* SPDX-License-Identifier: MIT */
/* The stage's footprint, from the linker script. */
#include "stage.h"

extern char __image_start[], __image_end[];

u64 stage_image_start(void)
{
	return (uintptr_t)__image_start;
}

u64 stage_image_end(void)
{
	return (uintptr_t)__image_end;
}
