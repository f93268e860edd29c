/* SPDX-License-Identifier: MIT */
/*
 * mkpayload: build the khofw payload container (include/boot/payload.h) from an
 * arm64 Image or an arm zImage, an optional initrd and a command line.
 */
#include "container.h"
#include <errno.h>
#include <kho/version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *slurp(const char *path, u64 *size)
{
	FILE *fp = fopen(path, "rb");
	void *data = NULL;
	long n;

	if (fp && !fseek(fp, 0, SEEK_END) && (n = ftell(fp)) >= 0 &&
	    !fseek(fp, 0, SEEK_SET)) {
		*size = (u64)n;
		data = malloc(n ? (size_t)n : 1);
		if (data && fread(data, 1, (size_t)n, fp) != (size_t)n) {
			free(data);
			data = NULL;
		}
	}
	if (fp)
		fclose(fp);
	if (!data) {
		fprintf(stderr, "mkpayload: cannot read %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return data;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mkpayload -k IMAGE [-i INITRD] [-c CMDLINE] [-a auto|none|ABI] "
		"-o OUT\n"
		"  IMAGE  an uncompressed arm64 Image (gunzip a vmlinuz first), or an "
		"arm\n"
		"         zImage (a 32-bit vmlinuz as it is; it has no KHO: -a none)\n"
		"  -a     the KHO ABI the kernel speaks (v1-512, v1-4k, v1-4k-nz, v3, "
		"v4);\n"
		"         auto (default) looks for its compatible string in the Image; "
		"none\n"
		"         hands firmware buffers over through /reserved-memory only\n");
	exit(2);
}

struct opts {
	const char *kernel, *initrd, *cmdline, *abi, *out;
};

static void parse_opts(int argc, char **argv, struct opts *o)
{
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v || a[0] != '-' || strlen(a) != 2)
			usage();
		if (a[1] == 'k')
			o->kernel = v;
		else if (a[1] == 'i')
			o->initrd = v;
		else if (a[1] == 'c')
			o->cmdline = v;
		else if (a[1] == 'a')
			o->abi = v;
		else if (a[1] == 'o')
			o->out = v;
		else
			usage();
	}
	if (!o->kernel || !o->out)
		usage();
}

static u32 pick_abi(const char *abi, const struct mkp_input *in)
{
	int v;

	if (!abi || !strcmp(abi, "auto"))
		return mkp_detect_abi(in->kernel, in->kernel_size);
	if (!strcmp(abi, "none"))
		return 0;
	v = kho_abi_parse(abi);
	if (v <= 0) {
		fprintf(stderr, "mkpayload: unknown ABI '%s'\n", abi);
		exit(2);
	}
	return (u32)v;
}

static int write_file(const char *path, const void *data, u64 size)
{
	FILE *fp = fopen(path, "wb");
	int ok = fp && fwrite(data, 1, size, fp) == size;

	if (fp && fclose(fp))
		ok = 0;
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct mkp_input in = { 0 };
	void *buf;
	u64 size;

	parse_opts(argc, argv, &o);
	in.kernel = slurp(o.kernel, &in.kernel_size);
	if (o.initrd)
		in.initrd = slurp(o.initrd, &in.initrd_size);
	in.cmdline = o.cmdline;
	in.kho_abi = pick_abi(o.abi, &in);
	size = mkp_size(&in);
	if (!size) {
		fprintf(stderr,
			"mkpayload: %s is not an arm64 Image, nor an arm zImage with -a "
			"auto or none\n",
			o.kernel);
		return 1;
	}
	buf = calloc(1, size);
	if (!buf || mkp_build(&in, buf) || write_file(o.out, buf, size)) {
		fprintf(stderr, "mkpayload: cannot write %s\n", o.out);
		return 1;
	}
	printf("mkpayload: %s: %llu bytes, kernel %llu, initrd %llu, KHO %s\n", o.out,
	       (unsigned long long)size, (unsigned long long)in.kernel_size,
	       (unsigned long long)in.initrd_size,
	       in.kho_abi ? kho_abi_name(in.kho_abi) : "none");
	return 0;
}
