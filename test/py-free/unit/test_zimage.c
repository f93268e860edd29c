/* SPDX-License-Identifier: MIT */
/*
 * arm zImage payloads: the header parser on good and malformed headers, the
 * container (mkpayload's writer and lib/boot's parser) with and without the
 * ZIMAGE flag, and the placement on simulated RAM: the area the kernel
 * decompresses to kept free, the zImage below the 128 MiB boundary above it, the
 * initrd and DTB in [128 MiB, 512 MiB), the buffers as /reserved-memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <boot/zimage.h>
#include <kho/err.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "bootsim.h"
#include "../../../tools/mkpayload/container.h"

#define MiB (1ull << 20)
#define Z_SIZE 0x40000ull     /* the zImage file */
#define Z_TABLE 0x3ff00ull    /* its tag table */
#define Z_SIZE_PTR 0x3fffcull /* the decompressed size word (unaligned in Linux) */
#define Z_KERNEL 0x1000000ull /* decompressed kernel: 16 MiB */
#define Z_BSS 0x80000ull
#define Z_TEXT 0x208000u
#define RAM (0x40000000ull)

static void put32(u8 *p, u32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (u8)(v >> (8 * i));
}

/* A zImage header with a KLSZ tag of words words (0: no table). */
static u8 *fake_zimage(unsigned int words)
{
	u8 *z = calloc(1, Z_SIZE);

	assert_non_null(z);
	memset(z + 0x40, 0xa5, Z_TABLE - 0x40);
	put32(z + 0x24, BOOT_ZIMAGE_MAGIC);
	put32(z + 0x2c, Z_SIZE);
	put32(z + 0x30, BOOT_ZIMAGE_ENDIAN);
	if (!words)
		return z;
	put32(z + 0x34, BOOT_ZIMAGE_TABLE);
	put32(z + 0x38, Z_TABLE);
	put32(z + Z_TABLE, words);
	put32(z + Z_TABLE + 4, BOOT_ZIMAGE_TAG_KLSZ);
	put32(z + Z_TABLE + 8, Z_SIZE_PTR);
	put32(z + Z_TABLE + 12, Z_BSS);
	put32(z + Z_TABLE + 16, Z_TEXT);
	put32(z + Z_TABLE + 20, 0x10000);
	put32(z + Z_TABLE + 4 * words, 0);
	put32(z + Z_SIZE_PTR, Z_KERNEL);
	return z;
}

static void test_parse_linux_header(void **state)
{
	struct boot_zimage_info info;
	u8 *z = fake_zimage(6);

	(void)state;
	assert_int_equal(boot_zimage_parse(z, Z_SIZE, &info), 0);
	assert_int_equal(info.size, Z_SIZE);
	assert_int_equal(info.kernel_size, Z_KERNEL + Z_BSS);
	assert_int_equal(info.text_offset, Z_TEXT);
	/* An appended DTB makes the file longer than the header's end: fine. */
	assert_int_equal(boot_zimage_parse(z, Z_SIZE, &info), 0);
	free(z);
}

static void test_parse_without_table(void **state)
{
	struct boot_zimage_info info;
	u8 *z = fake_zimage(0);

	(void)state;
	assert_int_equal(boot_zimage_parse(z, Z_SIZE, &info), 0);
	assert_int_equal(info.kernel_size, 0);
	assert_int_equal(info.text_offset, BOOT_ZIMAGE_TEXT_OFFSET);
	free(z);
	/* The stage's own header: a four-word KLSZ tag, no TEXT_OFFSET. */
	z = fake_zimage(4);
	assert_int_equal(boot_zimage_parse(z, Z_SIZE, &info), 0);
	assert_int_equal(info.kernel_size, Z_KERNEL + Z_BSS);
	assert_int_equal(info.text_offset, BOOT_ZIMAGE_TEXT_OFFSET);
	free(z);
}

static void test_parse_malformed(void **state)
{
	struct boot_zimage_info info;
	u8 *z = fake_zimage(6);

	(void)state;
	assert_int_equal(boot_zimage_parse(z, 0x3f, &info), -KHO_E_BLOB);
	/* end beyond the bytes given */
	assert_int_equal(boot_zimage_parse(z, Z_SIZE - 4, &info), -KHO_E_BLOB);
	put32(z + 0x30, 0x01020304); /* big endian */
	assert_int_equal(boot_zimage_parse(z, Z_SIZE, &info), -KHO_E_BLOB);
	put32(z + 0x30, BOOT_ZIMAGE_ENDIAN);
	put32(z + 0x28, 0x40008000); /* linked for a fixed address */
	assert_int_equal(boot_zimage_parse(z, Z_SIZE, &info), -KHO_E_BLOB);
	put32(z + 0x28, 0);
	put32(z + Z_TABLE + 8, Z_SIZE - 3); /* size word past the end */
	assert_int_equal(boot_zimage_parse(z, Z_SIZE, &info), -KHO_E_BLOB);
	put32(z + Z_TABLE + 8, Z_SIZE_PTR);
	put32(z + Z_TABLE, 0x10000); /* tag longer than the file */
	assert_int_equal(boot_zimage_parse(z, Z_SIZE, &info), -KHO_E_BLOB);
	put32(z + Z_TABLE, 1); /* tag shorter than its header */
	assert_int_equal(boot_zimage_parse(z, Z_SIZE, &info), -KHO_E_BLOB);
	put32(z + Z_TABLE, 6);
	put32(z + 0x38, 0xfffffff0); /* table offset far outside: no tag read */
	assert_int_equal(boot_zimage_parse(z, Z_SIZE, &info), 0);
	assert_int_equal(info.kernel_size, 0);
	put32(z + 0x24, 0);
	assert_int_equal(boot_zimage_parse(z, Z_SIZE, &info), -KHO_E_BLOB);
	free(z);
}

/* mkpayload: a zImage gets ZIMAGE | NO_KHO, room for its decompressor, no KHO. */
static void test_container_flags(void **state)
{
	u8 *z = fake_zimage(6), *buf;
	struct mkp_input in = { z, Z_SIZE, NULL, 0, "console=ttyAMA0", 0 };
	struct boot_payload pl;
	struct boot_payload_hdr *h;
	u64 len = mkp_size(&in);

	(void)state;
	assert_true(len > 0);
	buf = aligned_alloc(8, len);
	memset(buf, 0, len);
	assert_int_equal(mkp_build(&in, buf), 0);
	assert_int_equal(boot_payload_parse(buf, len, 0x48000000, 1, &pl), 0);
	assert_int_equal(pl.flags, BOOT_PAYLOAD_F_ZIMAGE | BOOT_PAYLOAD_F_NO_KHO);
	assert_int_equal(pl.kho_abi, 0);
	assert_int_equal(pl.kernel.phys, 0x48000000 + BOOT_PAYLOAD_KERNEL_ALIGN);
	assert_int_equal(pl.kernel.size, Z_SIZE);
	assert_int_equal(pl.kernel.mem_size, Z_SIZE + BOOT_ZIMAGE_SLACK);
	/* The same bytes read as an arm64 Image (flag cleared): refused. */
	h = (struct boot_payload_hdr *)buf;
	h->flags = BOOT_PAYLOAD_F_NO_KHO;
	h->hdr_crc = 0;
	h->hdr_crc =
		boot_crc32(boot_crc32(0, h, sizeof(*h)), h + 1, h->hdr_size - sizeof(*h));
	assert_int_equal(boot_payload_parse(buf, len, 0x48000000, 1, &pl), -KHO_E_BLOB);
	/* A zImage that claims KHO: refused. */
	h->flags = BOOT_PAYLOAD_F_ZIMAGE;
	h->hdr_crc = 0;
	h->hdr_crc =
		boot_crc32(boot_crc32(0, h, sizeof(*h)), h + 1, h->hdr_size - sizeof(*h));
	assert_int_equal(boot_payload_parse(buf, len, 0x48000000, 1, &pl), -KHO_E_BLOB);
	/* mkpayload does not write one either. */
	in.kho_abi = KHO_ABI_V4;
	assert_int_equal(mkp_size(&in), 0);
	free(buf);
	free(z);
}

/* An arm64 Image keeps its container as before: no ZIMAGE flag. */
static void test_arm64_image_unchanged(void **state)
{
	struct bootsim *b = calloc(1, sizeof(*b));

	(void)state;
	bs_init(b, 256 * MiB);
	bs_payload(b, 0x48000000, 0);
	assert_int_equal(boot_payload_parse(sim_at(&b->s, 0x48000000, b->pl_len),
					    b->pl_len, 0x48000000, 1, &b->st.pl),
			 0);
	assert_int_equal(b->st.pl.flags, BOOT_PAYLOAD_F_NO_KHO);
	bs_fini(b);
	free(b);
}

static const struct bs_buf bufs[] = {
	{ "log", "log", 0x68000000, MiB, 0x6b686f66776c6f67, 0, NULL, 0 },
	{ "dma", "dma", 0x68200000, 0x3000, 0x6b686f6677646d61, 0, BS_NC_DEV, 0 },
};

/* A zImage payload of 1 GiB RAM at 0x40000000, the container at container. */
static struct bootsim *zsim(u64 container, const struct bs_buf *b_bufs, unsigned int n)
{
	struct bootsim *b = calloc(1, sizeof(*b));
	u8 *z = fake_zimage(6), initrd[0x3000];
	struct mkp_input in = { z, Z_SIZE, initrd, sizeof(initrd), "console=ttyAMA0", 0 };

	assert_non_null(b);
	memset(initrd, 0x17, sizeof(initrd));
	bs_init(b, 1024 * MiB);
	bs_board(b, b_bufs, n);
	b->pl_len = mkp_size(&in);
	assert_int_equal(mkp_build(&in, sim_at(&b->s, container, b->pl_len)), 0);
	b->container = container;
	free(z);
	return b;
}

static void free_zsim(struct bootsim *b)
{
	bs_fini(b);
	free(b);
}

/*
 * Where the kernel decompresses, [RAM, dest_end), holds only what is dead by then
 * (the stage, the input DT) and the rest is recorded as "kernel-dest".
 */
static void dest_kept_free(const struct boot_state *st, u64 dest_end)
{
	u64 at = RAM;

	for (unsigned int k = 0; k < st->rm.nr && st->rm.r[k].start < dest_end; k++) {
		const struct kho_range *r = &st->rm.r[k];

		assert_int_equal(r->start, at);
		if (strcmp(r->label, "kernel-dest"))
			assert_true(!strcmp(r->label, "stage") ||
				    !strcmp(r->label, "input-dtb"));
		else
			assert_int_equal(r->kind, KHO_KIND_RESERVED);
		at = r->end;
	}
	assert_true(at >= dest_end);
}

static void test_place_qemu_layout(void **state)
{
	struct bootsim *b = zsim(0x48000000, bufs, 2);
	const struct boot_state *st = &b->st;
	u64 dest_end = RAM + Z_TEXT + Z_KERNEL + Z_BSS;
	const u8 *z;
	void *dtb;
	int rsv, dma;

	(void)state;
	assert_int_equal(bs_run(b), 0);
	dest_kept_free(st, dest_end);
	/* The zImage: copied, 2 MiB aligned, above the kernel, below 128 MiB. */
	assert_true(st->kernel >= dest_end);
	assert_true(st->kernel + Z_SIZE + BOOT_ZIMAGE_SLACK <= RAM + 128 * MiB);
	assert_int_equal(st->kernel % (2 * MiB), 0);
	z = sim_at(&b->s, st->kernel, Z_SIZE);
	assert_int_equal(z[0x24], 0x18);
	assert_int_equal(st->copied, Z_SIZE);
	/* The initrd stays in the container (at 128 MiB); the DTB next to it. */
	assert_true(st->initrd >= 0x48000000 && st->initrd < 0x48000000 + b->pl_len);
	assert_true(st->dtb >= RAM + 128 * MiB &&
		    st->dtb + st->dtb_cap <= RAM + 512 * MiB);
	/* No KHO: the buffers as /reserved-memory, the DMA one no-map; a CMA pool. */
	assert_int_equal(st->abi, 0);
	assert_int_equal(st->nr_scratch, 0);
	dtb = bs_dtb(b);
	rsv = fdt_path_offset(dtb, "/reserved-memory");
	dma = fdt_subnode_offset(dtb, rsv, "dma@68200000");
	assert_true(fdt_subnode_offset(dtb, rsv, "log@68000000") >= 0 && dma >= 0);
	assert_non_null(fdt_getprop(dtb, dma, "no-map", NULL));
	assert_true(st->cma >= dest_end);
	assert_null(
		fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"), "linux,kho-fdt", NULL));
	free_zsim(b);
}

/*
 * A container low in RAM (QEMU with 128 MiB): the zImage already sits above the
 * kernel and below 128 MiB, so it stays; the initrd moves up to 128 MiB.
 */
static void test_place_low_container(void **state)
{
	struct bootsim *b = zsim(0x44000000, bufs, 2);
	const struct boot_state *st = &b->st;

	(void)state;
	assert_int_equal(bs_run(b), 0);
	assert_true(st->initrd >= RAM + 128 * MiB);
	assert_int_equal(st->kernel, 0x44000000 + BOOT_PAYLOAD_KERNEL_ALIGN);
	assert_int_equal(st->copied, 0x3000);
	assert_int_equal(memcmp(sim_at(&b->s, st->initrd, 0x3000),
				sim_at(&b->s, st->pl.initrd.phys, 0x3000), 0x3000),
			 0);
	free_zsim(b);
}

/* A firmware buffer where the kernel decompresses: refused, nothing placed. */
static void test_place_buffer_in_kernel_area(void **state)
{
	const struct bs_buf low[] = {
		{ "dma", "dma", 0x40800000, 0x3000, 0x1234, 0, BS_NC_DEV, 0 },
	};
	struct bootsim *b = zsim(0x48000000, low, 1);

	(void)state;
	assert_int_equal(bs_run(b), -KHO_E_OVERLAP);
	assert_int_equal(b->st.copied, 0);
	free_zsim(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_linux_header),
		cmocka_unit_test(test_parse_without_table),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_container_flags),
		cmocka_unit_test(test_arm64_image_unchanged),
		cmocka_unit_test(test_place_qemu_layout),
		cmocka_unit_test(test_place_low_container),
		cmocka_unit_test(test_place_buffer_in_kernel_area),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
