/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the payload container parser, boot_payload_parse()
 * (lib/boot/payload.c), which reads the stage's initrd: whatever a previous kernel
 * or a bootloader loaded there.
 *
 * A container puts the kernel at a 2 MiB offset, so the input describes one
 * sparsely: [0] flags (FZ_P_*), [4..7] the container's size (LE), then records of
 * [offset (LE u32)] [length (LE u16)] [bytes] written into a zeroed container.
 * The container is read-only while it is parsed and everything past its end is
 * unreadable. With FZ_P_FIX_CRC the harness first makes the CRCs match, so that
 * mutations reach the checks behind them.
 */
#include <boot/payload.h>
#include <kho/err.h>
#include <kho/mem.h>
#include <sanitizer/asan_interface.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

#define FZ_P_CHECK_DATA 0x01 /* compute the data CRCs */
#define FZ_P_FIX_CRC 0x02    /* set every CRC right before parsing */
#define MAX_SIZE (4u << 20)
#define MAX_RECORDS 64
#define PHYS 0x48000000ull

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static u8 *region;
static size_t page;

/* Bytes written by the last input, zeroed before the next. */
static struct {
	u32 off, len;
} dirty[MAX_RECORDS];
static unsigned int nr_dirty;

static size_t page_up(size_t v)
{
	return (v + page - 1) & ~(page - 1);
}

static void protect(size_t from, size_t len, int prot)
{
	if (len && mprotect(region + from, len, prot))
		fz_fail("mprotect failed");
}

static void region_init(void)
{
	page = (size_t)sysconf(_SC_PAGESIZE);
	region = mmap(NULL, MAX_SIZE + page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		      0);
	if (region == MAP_FAILED)
		fz_fail("no memory for the container");
	protect(0, MAX_SIZE, PROT_READ | PROT_WRITE);
}

/* Lay the records out in the zeroed region; returns the container size. */
static u32 load(const u8 *data, size_t size)
{
	u32 len = (u32)fz_get_le(data + 4, 4) % (MAX_SIZE + 1);
	size_t at = 8;

	for (unsigned int i = 0; i < nr_dirty; i++)
		memset(region + dirty[i].off, 0, dirty[i].len);
	nr_dirty = 0;
	while (at + 6 <= size && nr_dirty < MAX_RECORDS) {
		u32 off = (u32)fz_get_le(data + at, 4),
		    n = (u32)fz_get_le(data + at + 4, 2);

		at += 6;
		if (n > size - at)
			n = (u32)(size - at);
		if (off < len && n) {
			u32 fit = n < len - off ? n : len - off;

			memcpy(region + off, data + at, fit);
			dirty[nr_dirty].off = off;
			dirty[nr_dirty++].len = fit;
		}
		at += n;
	}
	return len;
}

static void fix_crcs(u32 len)
{
	struct boot_payload_hdr *h = (void *)region, copy;
	struct boot_payload_entry *e = (void *)(h + 1);
	u32 crc;

	if (len < sizeof(*h) || !h->nr_entries ||
	    h->nr_entries > BOOT_PAYLOAD_MAX_ENTRIES ||
	    h->hdr_size != sizeof(*h) + h->nr_entries * sizeof(*e) || h->hdr_size > len)
		return;
	for (u32 i = 0; i < h->nr_entries; i++)
		if (e[i].offset <= len && e[i].size <= len - e[i].offset)
			e[i].crc = boot_crc32(0, region + e[i].offset, e[i].size);
	copy = *h;
	copy.hdr_crc = 0;
	crc = boot_crc32(0, &copy, sizeof(copy));
	h->hdr_crc = boot_crc32(crc, e, h->hdr_size - sizeof(*h));
	if (nr_dirty < MAX_RECORDS) {
		dirty[nr_dirty].off = 0;
		dirty[nr_dirty++].len = h->hdr_size;
	}
}

/* A part the parser returned lies inside the container, where an entry put it. */
static u64 part(const struct boot_blob *b, u32 len, u64 align, const char *what)
{
	u64 off = b->phys - PHYS;

	if (b->phys < PHYS || off > len || b->size > len - off || b->mem_size < b->size ||
	    off % align || off < sizeof(struct boot_payload_hdr))
		fz_fail("%s at +0x%llx, 0x%llx bytes, in a 0x%x-byte container", what,
			(unsigned long long)off, (unsigned long long)b->size, len);
	return off;
}

static void check_parsed(const struct boot_payload *p, u32 len)
{
	const struct boot_payload_hdr *h = (const void *)region;
	struct boot_image_info info;
	u64 k = part(&p->kernel, len, BOOT_PAYLOAD_KERNEL_ALIGN, "kernel");

	/* An arm64 Image unless a header flag names another format. */
	if (!p->kernel.size || (!(p->flags & ~BOOT_PAYLOAD_F_NO_KHO) &&
				(boot_image_parse(region + k, p->kernel.size, &info) ||
				 info.image_size > p->kernel.mem_size)))
		fz_fail("kernel accepted without a valid Image header");
	if (p->initrd.size) {
		u64 i = part(&p->initrd, len, BOOT_PAYLOAD_ALIGN, "initrd");

		if (kho_overlaps(k, p->kernel.size, i, p->initrd.size))
			fz_fail("kernel and initrd overlap");
	}
	if (p->cmdline) {
		const u8 *s = (const u8 *)p->cmdline;
		size_t room;

		if (s < region + sizeof(*h) || s >= region + len)
			fz_fail("command line outside the container");
		room = (size_t)(region + len - s);
		if (!memchr(s, 0, room))
			fz_fail("command line not terminated inside the container");
		if (kho_overlaps(k, p->kernel.size, (u64)(s - region),
				 strlen(p->cmdline)))
			fz_fail("command line inside the kernel");
	}
	if (p->flags != h->flags || p->kho_abi != h->kho_abi)
		fz_fail("flags or ABI not the header's");
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const struct boot_payload zero;
	struct boot_payload out;
	u32 len;
	int err;

	if (size < 8)
		return 0;
	if (!region)
		region_init();
	protect(0, MAX_SIZE, PROT_READ | PROT_WRITE);
	len = load(data, size);
	if (data[0] & FZ_P_FIX_CRC)
		fix_crcs(len);
	/* Read-only up to the end of the container, nothing after it. */
	protect(0, page_up(len), PROT_READ);
	protect(page_up(len), MAX_SIZE - page_up(len), PROT_NONE);
	ASAN_POISON_MEMORY_REGION(region + len, page_up(len) - len);
	err = boot_payload_parse(region, len, PHYS, data[0] & FZ_P_CHECK_DATA, &out);
	ASAN_UNPOISON_MEMORY_REGION(region + len, page_up(len) - len);
	fz_check_err(err, "boot_payload_parse");
	if (err && memcmp(&out, &zero, sizeof(out)))
		fz_fail("a failed parse left results behind");
	if (!err)
		check_parsed(&out, len);
	return 0;
}
