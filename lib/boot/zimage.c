/* SPDX-License-Identifier: MIT */
/* The arm zImage header, never trusted (include/boot/zimage.h). */
#include <boot/zimage.h>
#include <kho/err.h>
#include <string.h>

static u32 get_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

/* The KLSZ tag of the table at offset t, if any. */
static int parse_table(const u8 *h, u64 len, u64 t, struct boot_zimage_info *info)
{
	while (t <= len - 8) {
		u64 words = get_le32(h + t);
		u32 tag = get_le32(h + t + 4);

		if (!words)
			return 0;
		if (words < 2 || words > (len - t) / 4)
			return -KHO_E_BLOB;
		if (tag == BOOT_ZIMAGE_TAG_KLSZ && words >= 4) {
			u64 at = get_le32(h + t + 8);

			if (at > len - 4)
				return -KHO_E_BLOB;
			info->kernel_size = (u64)get_le32(h + at) + get_le32(h + t + 12);
			if (words >= 5)
				info->text_offset = get_le32(h + t + 16);
		}
		t += 4 * words;
	}
	return 0;
}

int boot_zimage_parse(const void *image, u64 len, struct boot_zimage_info *info)
{
	const u8 *h = image;
	u32 start, end;

	memset(info, 0, sizeof(*info));
	info->text_offset = BOOT_ZIMAGE_TEXT_OFFSET;
	if (len < 0x40 || get_le32(h + 0x24) != BOOT_ZIMAGE_MAGIC ||
	    get_le32(h + 0x30) != BOOT_ZIMAGE_ENDIAN)
		return -KHO_E_BLOB;
	start = get_le32(h + 0x28);
	end = get_le32(h + 0x2c);
	if (start || !end || end > len)
		return -KHO_E_BLOB;
	info->size = end;
	if (get_le32(h + 0x34) == BOOT_ZIMAGE_TABLE)
		return parse_table(h, len, get_le32(h + 0x38), info);
	return 0;
}
