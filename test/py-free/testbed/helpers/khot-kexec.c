/*
 * khot-kexec: load a kernel with kexec_file_load(2) and optionally jump to it.
 *
 *   khot-kexec [-d] [-e] [-s STUB] [-i INITRD] [-c CMDLINE] KERNEL
 *
 *   -d         KEXEC_FILE_DEBUG: the kernel logs where each segment goes
 *   -e         reboot(LINUX_REBOOT_CMD_KEXEC) once loaded
 *   -s STUB    load STUB with KERNEL appended at +2 MiB as one Image (the
 *              test bed's park stub, which pauses before starting KERNEL)
 *   -i INITRD  initramfs (default: KEXEC_FILE_NO_INITRAMFS)
 *   -c CMDLINE command line for the next kernel
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/reboot.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_kexec_file_load
#define SYS_kexec_file_load 294 /* arm64 */
#endif
#define KHOT_KEXEC_FILE_NO_INITRAMFS 0x4
#define KHOT_KEXEC_FILE_DEBUG 0x8

/* arm64 Image header (Documentation/arch/arm64/booting.rst). */
#define IMAGE_SIZE_OFF 16
#define IMAGE_MAGIC_OFF 0x38
#define IMAGE_HDR_LEN 64
#define CHAIN_OFFSET 0x200000 /* 2 MiB: keeps the chained Image 2 MiB aligned */

static int read_file(const char *path, char **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		return -1;
	}
	*buf = malloc(st.st_size ? st.st_size : 1);
	if (!*buf)
		return -1;
	while (got < (size_t)st.st_size &&
	       (n = read(fd, *buf + got, st.st_size - got)) > 0)
		got += n;
	close(fd);
	*len = got;
	return got == (size_t)st.st_size ? 0 : -1;
}

static uint64_t get_le64(const char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | (unsigned char)p[i];
	return v;
}

static void put_le64(char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (char)(v & 0xff);
}

static int is_image(const char *buf, size_t len)
{
	return len >= IMAGE_HDR_LEN && !memcmp(buf + IMAGE_MAGIC_OFF, "ARM\x64", 4);
}

/*
 * Build STUB || zero padding || KERNEL in a memfd and set the stub's
 * image_size so the whole chain, including the kernel's BSS, is one segment.
 */
static int chain_fd(const char *stub_path, const char *kernel_path)
{
	char *stub, *kern, *all;
	size_t slen, klen, total;
	int fd;

	if (read_file(stub_path, &stub, &slen) || read_file(kernel_path, &kern, &klen))
		return -1;
	if (!is_image(stub, slen) || !is_image(kern, klen) || slen > CHAIN_OFFSET) {
		fprintf(stderr, "khot-kexec: %s or %s is not a usable arm64 Image\n",
			stub_path, kernel_path);
		return -1;
	}
	total = CHAIN_OFFSET + klen;
	all = calloc(1, total);
	if (!all)
		return -1;
	memcpy(all, stub, slen);
	memcpy(all + CHAIN_OFFSET, kern, klen);
	put_le64(all + IMAGE_SIZE_OFF, CHAIN_OFFSET + get_le64(kern + IMAGE_SIZE_OFF));
	fd = memfd_create("khot-chain", 0);
	if (fd < 0 || write(fd, all, total) != (ssize_t)total) {
		perror("khot-kexec: memfd");
		return -1;
	}
	free(all);
	free(stub);
	free(kern);
	return fd;
}

static void usage(void)
{
	fprintf(stderr, "usage: khot-kexec [-d] [-e] [-s STUB] [-i INITRD] [-c CMDLINE] "
			"KERNEL\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *stub = NULL, *initrd = NULL, *cmdline = "";
	unsigned long flags = 0;
	int opt, exec_now = 0, kfd, ifd = -1;
	long rc;

	while ((opt = getopt(argc, argv, "dei:c:s:")) != -1) {
		switch (opt) {
		case 'd':
			flags |= KHOT_KEXEC_FILE_DEBUG;
			break;
		case 'e':
			exec_now = 1;
			break;
		case 'i':
			initrd = optarg;
			break;
		case 'c':
			cmdline = optarg;
			break;
		case 's':
			stub = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();

	kfd = stub ? chain_fd(stub, argv[optind]) : open(argv[optind], O_RDONLY);
	if (kfd < 0) {
		perror(argv[optind]);
		return 1;
	}
	if (initrd) {
		ifd = open(initrd, O_RDONLY);
		if (ifd < 0) {
			perror(initrd);
			return 1;
		}
	} else {
		flags |= KHOT_KEXEC_FILE_NO_INITRAMFS;
	}

	rc = syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1, cmdline, flags);
	if (rc) {
		perror("khot-kexec: kexec_file_load");
		return 1;
	}
	printf("khot-kexec: loaded %s%s%s\n", argv[optind], stub ? " behind " : "",
	       stub ? stub : "");
	fflush(stdout);
	if (!exec_now)
		return 0;
	sync();
	reboot(LINUX_REBOOT_CMD_KEXEC);
	perror("khot-kexec: reboot(KEXEC)");
	return 1;
}
