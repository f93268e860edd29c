/* SPDX-License-Identifier: MIT */
/* Writing the payload container (include/boot/payload.h), for mkpayload and tests. */
#ifndef MKPAYLOAD_CONTAINER_H
#define MKPAYLOAD_CONTAINER_H

#include <boot/payload.h>

struct mkp_input {
	const void *kernel; /* an arm64 Image or an arm zImage */
	u64 kernel_size;
	const void *initrd; /* may be NULL */
	u64 initrd_size;
	const char *cmdline; /* may be NULL */
	u32 kho_abi;	     /* 0: the kernel has no KHO */
};

/*
 * Bytes the container needs, or 0 if the kernel is neither an arm64 Image nor an
 * arm zImage (with kho_abi 0: a zImage has no KHO).
 */
u64 mkp_size(const struct mkp_input *in);

/* Write the container into buf (mkp_size() bytes, zeroed by the caller). 0 or -1. */
int mkp_build(const struct mkp_input *in, void *buf);

/* The KHO ABI an Image speaks, from the compatible string it carries (0: none). */
u32 mkp_detect_abi(const void *image, u64 size);

#endif
