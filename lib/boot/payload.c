/* SPDX-License-Identifier: MIT */
/* The payload container: parsing and checking, never trusting a byte of it. */
#include <boot/payload.h>
#include <boot/zimage.h>
#include <kho/err.h>
#include <kho/mem.h>
#include <string.h>

#define CRC32_POLY 0xedb88320u
/* Below this many bytes the tables cost more than they save. */
#define CRC32_TABLE_MIN 512

static u32 crc32_shift(u32 crc)
{
	return (crc >> 1) ^ (CRC32_POLY & (0u - (crc & 1u)));
}

static u32 crc32_bits(u32 crc, const u8 *p, u64 len)
{
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc32_shift(crc);
	}
	return crc;
}

/*
 * CRC-32 (IEEE, reflected). Short inputs (the container's header) a bit at a
 * time; longer ones four bytes a step ("slicing by 4") with four tables built per
 * call (4 KiB of stack, about 6 k instructions; no global state): 2.5x the
 * byte-wise table over a kernel and initrd. The first table is linear in its
 * index (t[i ^ j] = t[i] ^ t[j]): each entry is one XOR of two built before.
 */
u32 boot_crc32(u32 crc, const void *buf, u64 len)
{
	const u8 *p = buf;
	u32 t[4][256];

	if (len < CRC32_TABLE_MIN)
		return ~crc32_bits(~crc, p, len);
	t[0][0] = 0;
	for (u32 bit = 128, c = CRC32_POLY; bit; bit >>= 1, c = crc32_shift(c))
		t[0][bit] = c;
	for (u32 bit = 2; bit < 256; bit <<= 1)
		for (u32 i = 1; i < bit; i++)
			t[0][bit + i] = t[0][bit] ^ t[0][i];
	for (u32 i = 0; i < 256; i++)
		for (int k = 1; k < 4; k++)
			t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
	crc = ~crc;
	for (; len && ((uintptr_t)p & 3); len--)
		crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xff];
	if (len >= 4) {
		const u8 *q = __builtin_assume_aligned(p, 4); /* one load a step */

		for (; len >= 4; len -= 4, q += 4) {
			crc ^= (u32)q[0] | (u32)q[1] << 8 | (u32)q[2] << 16 |
			       (u32)q[3] << 24;
			crc = t[3][crc & 0xff] ^ t[2][(crc >> 8) & 0xff] ^
			      t[1][(crc >> 16) & 0xff] ^ t[0][crc >> 24];
		}
		p = q;
	}
	while (len--)
		crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

int boot_image_parse(const void *image, u64 len, struct boot_image_info *info)
{
	const u8 *h = image;

	if (len < 64 || memcmp(h + 0x38, "ARM\x64", 4))
		return -KHO_E_BLOB;
	info->text_offset = kho_get_u64(h + 8);
	info->image_size = kho_get_u64(h + 16);
	info->flags = kho_get_u64(h + 24);
	/* Bit 0: big-endian kernel; bits 1-2: page size (0 = unspecified, 1 = 4K). */
	if ((info->flags & 1) || ((info->flags >> 1) & 3) > 1)
		return -KHO_E_BLOB;
	if (!info->image_size)
		info->image_size = len; /* pre-3.17 kernels: unknown, assume the file */
	return info->image_size < len ? -KHO_E_BLOB : 0;
}

static int check_header(const struct boot_payload_hdr *h, u64 len)
{
	struct boot_payload_hdr copy;
	u32 crc;

	if (len < sizeof(*h) || memcmp(h->magic, BOOT_PAYLOAD_MAGIC, 8))
		return -KHO_E_BLOB;
	if (h->version != BOOT_PAYLOAD_VERSION || h->total_size > len)
		return -KHO_E_BLOB;
	if (!h->nr_entries || h->nr_entries > BOOT_PAYLOAD_MAX_ENTRIES)
		return -KHO_E_COUNT;
	if (h->hdr_size !=
		    sizeof(*h) + h->nr_entries * sizeof(struct boot_payload_entry) ||
	    h->hdr_size > h->total_size)
		return -KHO_E_BLOB;
	memcpy(&copy, h, sizeof(copy));
	copy.hdr_crc = 0;
	crc = boot_crc32(0, &copy, sizeof(copy));
	crc = boot_crc32(crc, h + 1, h->hdr_size - sizeof(*h));
	return crc == h->hdr_crc ? 0 : -KHO_E_BLOB;
}

static int check_entry(const struct boot_payload_entry *e,
		       const struct boot_payload_hdr *h)
{
	u64 align = e->type == BOOT_PAYLOAD_KERNEL ? BOOT_PAYLOAD_KERNEL_ALIGN
						   : BOOT_PAYLOAD_ALIGN;

	if (e->type < BOOT_PAYLOAD_KERNEL || e->type > BOOT_PAYLOAD_CMDLINE)
		return -KHO_E_BLOB;
	if (e->offset + e->size < e->offset || e->offset + e->mem_size < e->offset)
		return -KHO_E_WRAP;
	if (e->offset < h->hdr_size || e->offset + e->size > h->total_size ||
	    e->mem_size < e->size)
		return -KHO_E_BLOB;
	return e->offset % align ? -KHO_E_MISALIGNED : 0;
}

/* Entries may not overlap, and each type appears at most once. */
static int check_apart(const struct boot_payload_entry *e, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = i + 1; j < n; j++) {
			if (e[i].type == e[j].type)
				return -KHO_E_BLOB;
			if (kho_overlaps(e[i].offset, e[i].size, e[j].offset, e[j].size))
				return -KHO_E_OVERLAP;
		}
	return 0;
}

/* A zImage kernel: its header, and no KHO (arm Linux has none). */
static int check_zimage(const void *image, u64 size, u32 flags)
{
	struct boot_zimage_info z;

	if (!(flags & BOOT_PAYLOAD_F_NO_KHO))
		return -KHO_E_BLOB;
	return boot_zimage_parse(image, size, &z);
}

static int take_entry(const u8 *base, u64 phys, const struct boot_payload_entry *e,
		      int check_data, struct boot_payload *out)
{
	struct boot_blob b = { phys + e->offset, e->size, e->mem_size };
	struct boot_image_info info;
	const char *s = (const char *)base + e->offset;

	if (check_data && boot_crc32(0, base + e->offset, e->size) != e->crc)
		return -KHO_E_BLOB;
	switch (e->type) {
	case BOOT_PAYLOAD_KERNEL:
		if (out->flags & BOOT_PAYLOAD_F_ZIMAGE) {
			if (check_zimage(s, e->size, out->flags))
				return -KHO_E_BLOB;
		} else if (boot_image_parse(s, e->size, &info) ||
			   info.image_size > e->mem_size) {
			return -KHO_E_BLOB;
		}
		out->kernel = b;
		return 0;
	case BOOT_PAYLOAD_INITRD:
		out->initrd = b;
		return 0;
	default:
		if (!e->size || s[e->size - 1])
			return -KHO_E_BLOB;
		out->cmdline = s;
		return 0;
	}
}

int boot_payload_parse(const void *data, u64 len, u64 phys, int check_data,
		       struct boot_payload *out)
{
	const struct boot_payload_hdr *h = data;
	const struct boot_payload_entry *e = (const void *)(h + 1);
	int err;

	memset(out, 0, sizeof(*out));
	if (!data || (uintptr_t)data % 8)
		return -KHO_E_INVAL;
	err = check_header(h, len);
	for (unsigned int i = 0; !err && i < h->nr_entries; i++)
		err = check_entry(&e[i], h);
	if (!err)
		err = check_apart(e, h->nr_entries);
	if (!err)
		out->flags = h->flags; /* how to read the kernel entry */
	for (unsigned int i = 0; !err && i < h->nr_entries; i++)
		err = take_entry(data, phys, &e[i], check_data, out);
	if (!err && !out->kernel.size)
		err = -KHO_E_BLOB;
	if (err) {
		memset(out, 0, sizeof(*out));
		return err;
	}
	out->flags = h->flags;
	out->kho_abi = h->kho_abi;
	return 0;
}
