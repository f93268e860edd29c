/* SPDX-License-Identifier: MIT */
/*
 * The container writer. The kernel lands at a 2 MiB offset and the initrd after
 * the kernel's whole image_size, so a container loaded at a 2 MiB-aligned address
 * inside scratch boots with nothing copied.
 */
#include "container.h"
#include <boot/zimage.h>
#include <kho/version.h>
#include <string.h>

static u64 align_up(u64 v, u64 a)
{
	return (v + a - 1) & ~(a - 1);
}

static int has_string(const void *data, u64 size, const char *s)
{
	const u8 *d = data;
	size_t n = strlen(s);

	for (u64 i = 0; i + n <= size; i++)
		if (d[i] == (u8)s[0] && !memcmp(d + i, s, n))
			return 1;
	return 0;
}

u32 mkp_detect_abi(const void *image, u64 size)
{
	if (has_string(image, size, KHO_FDT_COMPATIBLE_V4))
		return KHO_ABI_V4;
	if (has_string(image, size, KHO_FDT_COMPATIBLE_V3))
		return KHO_ABI_V3;
	if (has_string(image, size, KHO_FDT_COMPATIBLE_V1))
		return KHO_ABI_V1_4K;
	return 0;
}

struct layout {
	struct boot_payload_hdr h;
	struct boot_payload_entry e[3];
	const void *data[3];
};

static u64 add(struct layout *l, u32 type, u64 at, u64 align, const void *data, u64 size,
	       u64 mem_size)
{
	struct boot_payload_entry *e = &l->e[l->h.nr_entries];

	at = align_up(at, align);
	e->type = type;
	e->offset = at;
	e->size = size;
	e->mem_size = mem_size;
	e->crc = boot_crc32(0, data, size);
	l->data[l->h.nr_entries++] = data;
	return at + mem_size;
}

/*
 * What the kernel needs in memory: an arm64 Image its image_size; an arm zImage
 * the file and its decompressor's room after it (a zImage has no KHO).
 */
static int kernel_mem_size(const struct mkp_input *in, u64 *mem, u32 *flags)
{
	struct boot_image_info info;
	struct boot_zimage_info z;

	*flags = 0;
	if (!boot_image_parse(in->kernel, in->kernel_size, &info)) {
		*mem = align_up(info.image_size, BOOT_PAYLOAD_ALIGN);
		return 0;
	}
	if (in->kho_abi || boot_zimage_parse(in->kernel, in->kernel_size, &z))
		return -1;
	*mem = align_up(in->kernel_size + BOOT_ZIMAGE_SLACK, BOOT_PAYLOAD_ALIGN);
	*flags = BOOT_PAYLOAD_F_ZIMAGE;
	return 0;
}

static int lay_out(const struct mkp_input *in, struct layout *l)
{
	u64 at = 0, mem;
	u32 flags;

	memset(l, 0, sizeof(*l));
	if (kernel_mem_size(in, &mem, &flags))
		return -1;
	memcpy(l->h.magic, BOOT_PAYLOAD_MAGIC, 8);
	l->h.version = BOOT_PAYLOAD_VERSION;
	l->h.kho_abi = in->kho_abi;
	l->h.flags = flags | (in->kho_abi ? 0 : BOOT_PAYLOAD_F_NO_KHO);
	at = add(l, BOOT_PAYLOAD_KERNEL, BOOT_PAYLOAD_KERNEL_ALIGN,
		 BOOT_PAYLOAD_KERNEL_ALIGN, in->kernel, in->kernel_size, mem);
	if (in->initrd)
		at = add(l, BOOT_PAYLOAD_INITRD, at, BOOT_PAYLOAD_ALIGN, in->initrd,
			 in->initrd_size, in->initrd_size);
	if (in->cmdline)
		at = add(l, BOOT_PAYLOAD_CMDLINE, at, BOOT_PAYLOAD_ALIGN, in->cmdline,
			 strlen(in->cmdline) + 1, strlen(in->cmdline) + 1);
	l->h.total_size = align_up(at, BOOT_PAYLOAD_ALIGN);
	l->h.hdr_size = (u32)(sizeof(l->h) + l->h.nr_entries * sizeof(l->e[0]));
	return 0;
}

u64 mkp_size(const struct mkp_input *in)
{
	struct layout l;

	return lay_out(in, &l) ? 0 : l.h.total_size;
}

int mkp_build(const struct mkp_input *in, void *buf)
{
	struct layout l;
	u8 *out = buf;
	u32 crc;

	if (lay_out(in, &l))
		return -1;
	crc = boot_crc32(0, &l.h, sizeof(l.h));
	l.h.hdr_crc = boot_crc32(crc, l.e, l.h.nr_entries * sizeof(l.e[0]));
	memcpy(out, &l.h, sizeof(l.h));
	memcpy(out + sizeof(l.h), l.e, l.h.nr_entries * sizeof(l.e[0]));
	for (unsigned int i = 0; i < l.h.nr_entries; i++)
		memcpy(out + l.e[i].offset, l.data[i], l.e[i].size);
	return 0;
}
