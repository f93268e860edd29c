/* SPDX-License-Identifier: MIT */
/*
 * Loading khotool's inputs: the OS DTB and RAM dumps placed at physical addresses.
 * Regular files are mapped read-only (a dump of all RAM costs no copy and can never
 * be written through); pipes and devices are read into memory. The result is a
 * struct kho_mem whose windows are the files and whose RAM is the DT's /memory.
 */
#include "khotool.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <kho/dt.h>
#include <kho/err.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int khotool_parse_u64(const char *s, u64 *v)
{
	int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *digits = hex ? s + 2 : s;
	char *end;

	if (!(hex ? isxdigit : isdigit)((unsigned char)*digits))
		return -1;
	errno = 0;
	*v = strtoull(digits, &end, hex ? 16 : 10);
	return errno || *end ? -1 : 0;
}

int khotool_parse_ram(const char *cmd, const char *arg, struct khotool_ram_arg *r)
{
	const char *at = strrchr(arg, '@');

	memset(r, 0, sizeof(*r));
	if (!at || at == arg) {
		khotool_err(cmd, "--ram %s: expected FILE@ADDR", arg);
		return -1;
	}
	if (khotool_parse_u64(at + 1, &r->base)) {
		khotool_err(cmd, "--ram %s: bad address '%s' (hex with 0x, or decimal)",
			    arg, at + 1);
		return -1;
	}
	r->path = strndup(arg, (size_t)(at - arg));
	if (!r->path) {
		khotool_err(cmd, "out of memory");
		return -1;
	}
	return 0;
}

/* Read a file that cannot be mapped (a pipe, a device) into a growing buffer. */
static int read_all(struct khotool_file *f, int fd)
{
	size_t cap = 0;
	u8 *buf = NULL, *grown;
	ssize_t n;

	for (;;) {
		if (f->size == cap) {
			cap = cap ? cap * 2 : 1u << 20;
			grown = realloc(buf, cap);
			if (!grown) {
				free(buf);
				errno = ENOMEM;
				return -1;
			}
			buf = grown;
		}
		n = read(fd, buf + f->size, cap - f->size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		f->size += (size_t)n;
	}
	f->data = buf;
	return n < 0 ? -1 : 0;
}

static int map_fd(struct khotool_file *f, int fd, const struct stat *st)
{
	void *p;

	if ((u64)st->st_size > (size_t)-1) {
		errno = EFBIG;
		return -1;
	}
	f->size = (size_t)st->st_size;
	if (!f->size)
		return 0;
	p = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	f->data = p;
	f->mapped = 1;
	return 0;
}

void khotool_file_free(struct khotool_file *f)
{
	if (f->mapped)
		munmap((void *)f->data, f->size);
	else
		free((void *)f->data);
	memset(f, 0, sizeof(*f));
}

int khotool_file_load(struct khotool_file *f, const char *path, const char *cmd)
{
	struct stat st;
	int fd, err;

	memset(f, 0, sizeof(*f));
	f->path = path;
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		khotool_err(cmd, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/*
	 * Files of sysfs, debugfs and procfs are regular but may not support mmap, or
	 * say they are empty: read them.
	 */
	err = S_ISREG(st.st_mode) && st.st_size ? map_fd(f, fd, &st) : -1;
	if (err && (!S_ISREG(st.st_mode) || lseek(fd, 0, SEEK_SET) == 0)) {
		f->size = 0;
		err = read_all(f, fd);
	}
	if (err)
		khotool_err(cmd, "%s: %s", path, strerror(errno));
	else if (!f->size)
		khotool_err(cmd, "%s: empty file", path);
	close(fd);
	if (err || !f->size) {
		khotool_file_free(f);
		return -1;
	}
	return 0;
}

int khotool_dtb_load(struct khotool_input *in, const char *path, const char *cmd)
{
	int err;

	if (khotool_file_load(&in->dtb, path, cmd))
		return -1;
	err = kho_fdt_check(in->dtb.data, in->dtb.size);
	if (err == -KHO_E_FDT_SIZE)
		khotool_err(cmd,
			    "--dtb %s: truncated (header says %u bytes, file has %zu)",
			    path, fdt_totalsize(in->dtb.data), in->dtb.size);
	else if (err)
		khotool_err(cmd, "--dtb %s: not a flattened device tree", path);
	return err ? -1 : 0;
}

/* The window of RAM file i; the windows may not overlap each other. */
static int add_window(struct khotool_input *in, const struct khotool_src *o,
		      unsigned int i, const char *cmd)
{
	const struct khotool_file *f = &in->ram[i];
	int err = kho_mem_add_window(&in->mem, o->ram[i].base, f->size, (void *)f->data);

	if (err == -KHO_E_OVERLAP) {
		for (unsigned int j = 0; j < i; j++)
			if (kho_overlaps(o->ram[i].base, f->size, o->ram[j].base,
					 in->ram[j].size))
				khotool_err(cmd,
					    "--ram %s@0x%llx overlaps --ram %s@0x%llx",
					    f->path, (unsigned long long)o->ram[i].base,
					    in->ram[j].path,
					    (unsigned long long)o->ram[j].base);
	} else if (err) {
		khotool_err(cmd, "--ram %s@0x%llx (%zu bytes): %s", f->path,
			    (unsigned long long)o->ram[i].base, f->size,
			    kho_strerror(err));
	}
	return err ? -1 : 0;
}

/* RAM banks: the DT's /memory, or the files when the DT names none. */
int khotool_input_banks(struct khotool_input *in, const char *cmd)
{
	int err = kho_mem_from_dt(&in->mem, in->dtb.data, 0);

	if (err == -KHO_E_NOT_FOUND) {
		err = 0;
		for (unsigned int i = 0; i < in->mem.nr_win && !err; i++)
			err = kho_mem_add_ram(&in->mem, in->mem.win[i].base,
					      in->mem.win[i].size);
	}
	if (err < 0)
		khotool_err(cmd, "--dtb %s: RAM banks: %s", in->dtb.path,
			    kho_strerror(err));
	return err < 0 ? -1 : 0;
}

int khotool_input_load(struct khotool_input *in, const struct khotool_opts *o,
		       const struct khotool_src *s, const char *cmd)
{
	memset(in, 0, sizeof(*in));
	kho_mem_init(&in->mem);
	if (s->live)
		return khotool_live_load(in, o, s, cmd);
	if (khotool_dtb_load(in, s->dtb, cmd))
		return KHOTOOL_EXIT_USAGE;
	for (unsigned int i = 0; i < s->nr_ram; i++) {
		if (khotool_file_load(&in->ram[i], s->ram[i].path, cmd))
			return KHOTOOL_EXIT_USAGE;
		in->nr_ram++;
		if (add_window(in, s, i, cmd))
			return KHOTOOL_EXIT_USAGE;
	}
	return khotool_input_banks(in, cmd) ? KHOTOOL_EXIT_USAGE : KHOTOOL_EXIT_OK;
}

void khotool_input_free(struct khotool_input *in)
{
	khotool_file_free(&in->dtb);
	for (unsigned int i = 0; i < in->nr_ram; i++)
		khotool_file_free(&in->ram[i]);
	in->nr_ram = 0;
	if (in->live)
		khotool_devmem_close();
	in->live = 0;
	free(in->dtb_path);
	in->dtb_path = NULL;
}
