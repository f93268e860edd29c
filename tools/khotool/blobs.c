/* SPDX-License-Identifier: MIT */
/*
 * khotool blobs: each sub-blob of a handover and, for the ones whose layout is
 * known, what it says: memblock's reserve_mem regions, kexec-metadata, dma-alloc
 * entries, LUO's header and its sessions. A blob is untrusted bytes: every size
 * and pointer is checked before it is used, and a malformed blob gives an error
 * line and exit status 1, never a crash or an unbounded walk.
 */
#include "khotool.h"
#include <inttypes.h>
#include <kho/err.h>
#include <kho/out.h>
#include <libfdt.h>
#include <stdarg.h>
#include <string.h>

/*
 * LUO sessions (Linux 7.2+ abi/luo.h): kho_block entries of struct luo_session_ser,
 * a name and a file_set_ser. Only khotool reads them, so the layout lives here.
 */
#define LUO_SESSION_NAME_LEN 64
struct __attribute__((packed)) luo_session_ser {
	char name[LUO_SESSION_NAME_LEN];
	u64 files; /* file_set_ser.files: head of the files' kho_block chain */
	u64 count; /* file_set_ser.count: number of files */
};
_Static_assert(sizeof(struct luo_session_ser) == 80, "luo_session_ser");

struct bctx {
	const struct khotool_handover *h;
	u64 page;
	unsigned int errors;
};

static void berr(struct bctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void berr(struct bctx *c, const char *fmt, ...)
{
	va_list ap;

	fputs("    error: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	c->errors++;
}

static int fdt_u64(const void *fdt, int node, const char *name, u64 *v)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len != 8)
		return -1;
	*v = kho_get_u64(p);
	return 0;
}

static void memblock_region(struct bctx *c, const void *fdt, int node)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	u64 start, size;

	if (fdt_node_check_compatible(fdt, node, RESERVE_MEM_KHO_NODE_COMPATIBLE)) {
		berr(c,
		     "memblock: node %s: compatible is "
		     "not " RESERVE_MEM_KHO_NODE_COMPATIBLE,
		     name);
	} else if (fdt_u64(fdt, node, "start", &start) ||
		   fdt_u64(fdt, node, "size", &size)) {
		berr(c, "memblock: node %s: start and size must be 8 bytes each", name);
	} else {
		fputs("    reserve-mem ", stdout);
		khotool_text_str(stdout, name);
		printf(" start 0x%" PRIx64 " size 0x%" PRIx64 "\n", start, size);
	}
}

static void dec_memblock(struct bctx *c, const struct kho_blob *b, const u8 *p)
{
	int node;

	if (kho_fdt_check(p, b->size)) {
		berr(c, "memblock: not a valid FDT of at most 0x%" PRIx64 " bytes",
		     b->size);
		return;
	}
	if (fdt_node_check_compatible(p, 0, MEMBLOCK_KHO_NODE_COMPATIBLE)) {
		berr(c, "memblock: root compatible is not " MEMBLOCK_KHO_NODE_COMPATIBLE);
		return;
	}
	fdt_for_each_subnode (node, p, 0)
		memblock_region(c, p, node);
}

static void dec_metadata(struct bctx *c, const struct kho_blob *b, const u8 *p)
{
	struct kho_kexec_metadata md;

	if (b->size < sizeof(md)) {
		berr(c, "kexec-metadata: size 0x%" PRIx64 ", needs %zu bytes", b->size,
		     sizeof(md));
		return;
	}
	memcpy(&md, p, sizeof(md));
	printf("    kexec-metadata version %u release ", md.version);
	khotool_text_strn(stdout, md.previous_release, sizeof(md.previous_release));
	printf(" count %u\n", md.kexec_count);
	if (md.version != KHO_KEXEC_METADATA_VERSION)
		berr(c, "kexec-metadata: version %u, not %u", md.version,
		     KHO_KEXEC_METADATA_VERSION);
	if (!memchr(md.previous_release, 0, sizeof(md.previous_release)))
		berr(c, "kexec-metadata: release is not NUL-terminated");
}

static void dma_entry(struct bctx *c, unsigned int i, const struct dma_alloc_ser *e)
{
	static const u8 zero[sizeof(e->padding)];
	unsigned int shift = c->h->in.page_shift;
	int sane = e->size && e->size <= ((u64)1 << 48);
	u64 bytes = sane ? (u64)1 << (shift + kho_get_order(e->size, shift)) : 0;

	printf("    dma-alloc page_phys 0x%" PRIx64 " size 0x%" PRIx64 " attrs 0x%" PRIx64
	       " force_decrypted %u\n",
	       e->page_phys, e->size, e->attrs, e->force_decrypted);
	if (!sane)
		berr(c, "dma-alloc entry %u: size 0 or over 2^48", i);
	else if (e->page_phys & (bytes - 1))
		berr(c,
		     "dma-alloc entry %u: page_phys not aligned to its 0x%" PRIx64
		     " bytes",
		     i, bytes);
	else if (kho_mem_check_ram(c->h->in.mem, e->page_phys, bytes))
		berr(c, "dma-alloc entry %u: pages outside RAM", i);
	if (e->force_decrypted > 1 || memcmp(e->padding, zero, sizeof(zero)))
		berr(c, "dma-alloc entry %u: force_decrypted not 0/1 or padding not 0",
		     i);
}

static void dec_dma(struct bctx *c, const struct kho_blob *b, const u8 *p)
{
	struct dma_alloc_ser e;

	if (!b->size || b->size % sizeof(e)) {
		berr(c, "dma-alloc: size 0x%" PRIx64 " is not a non-zero multiple of %zu",
		     b->size, sizeof(e));
		return;
	}
	for (u64 i = 0; i < b->size / sizeof(e); i++) {
		memcpy(&e, p + i * sizeof(e), sizeof(e));
		dma_entry(c, (unsigned int)i, &e);
	}
}

/* One block of the session chain at phys: print its entries. 0, or -1 (reported). */
static int luo_block(struct bctx *c, u64 phys, u64 *next, u64 *sessions)
{
	u64 cap = (c->page - sizeof(struct kho_block_header_ser)) /
		  sizeof(struct luo_session_ser);
	struct kho_block_header_ser hdr;
	struct luo_session_ser s;
	int err;
	const u8 *p = kho_mem_ptr(c->h->in.mem, phys, c->page, &err);

	if (!p || (phys & (c->page - 1))) {
		berr(c, "LUO: session block 0x%" PRIx64 ": %s", phys,
		     p ? "not page aligned" : kho_strerror(err));
		return -1;
	}
	memcpy(&hdr, p, sizeof(hdr));
	if (!hdr.count || hdr.count > cap) {
		berr(c,
		     "LUO: session block 0x%" PRIx64 ": count %" PRIu64
		     ", not 1..%" PRIu64,
		     phys, hdr.count, cap);
		return -1;
	}
	for (u64 i = 0; i < hdr.count; i++) {
		memcpy(&s, p + sizeof(hdr) + i * sizeof(s), sizeof(s));
		fputs("    luo-session ", stdout);
		khotool_text_strn(stdout, s.name, sizeof(s.name));
		printf(" files %" PRIu64 "\n", s.count);
	}
	*sessions += hdr.count;
	*next = hdr.next;
	return 0;
}

/*
 * Walk the session chain as the kernel's kho_block reader does: at most
 * KHO_MAX_BLOCKS blocks, and a cycle is caught (Brent: remember the block met at
 * each power-of-two step; meeting it again means a loop).
 */
static void luo_sessions(struct bctx *c, u64 head)
{
	u64 blk = head, saved = 0, sessions = 0, next;
	unsigned long steps = 0, mark = 1;

	while (blk) {
		if (blk == saved) {
			berr(c, "LUO: session chain loops back to block 0x%" PRIx64, blk);
			return;
		}
		if (++steps > KHO_MAX_BLOCKS) {
			berr(c, "LUO: session chain longer than %u blocks",
			     KHO_MAX_BLOCKS);
			return;
		}
		if (steps == mark) {
			saved = blk;
			mark <<= 1;
		}
		if (luo_block(c, blk, &next, &sessions))
			return;
		blk = next;
	}
	printf("    luo-sessions %" PRIu64 " blocks %lu\n", sessions, steps);
}

static void dec_luo(struct bctx *c, const struct kho_blob *b, const u8 *p)
{
	struct luo_ser l;

	if (b->size < sizeof(l)) {
		berr(c, "LUO: size 0x%" PRIx64 ", needs %zu bytes", b->size, sizeof(l));
		return;
	}
	memcpy(&l, p, sizeof(l));
	fputs("    luo compatible ", stdout);
	khotool_text_strn(stdout, l.compatible, sizeof(l.compatible));
	printf(" liveupdate_num %" PRIu64 " sessions_pa 0x%" PRIx64 " flbs_pa 0x%" PRIx64
	       "\n",
	       l.liveupdate_num, l.sessions_pa, l.flbs_pa);
	if (strncmp(l.compatible, LUO_ABI_COMPAT, sizeof(l.compatible))) {
		berr(c, "LUO: compatible is not " LUO_ABI_COMPAT);
		return;
	}
	luo_sessions(c, l.sessions_pa);
}

static const struct {
	const char *name;
	void (*fn)(struct bctx *c, const struct kho_blob *b, const u8 *p);
} decoders[] = {
	{ MEMBLOCK_KHO_FDT, dec_memblock },
	{ KHO_METADATA_NODE_NAME, dec_metadata },
	{ "dma-alloc", dec_dma },
	{ LUO_NODE_NAME, dec_luo },
};

static void blob(struct bctx *c, const struct kho_blob *b)
{
	const u8 *p;
	int err;

	fputs("blob ", stdout);
	khotool_text_str(stdout, b->name);
	printf(" 0x%" PRIx64 " size 0x%" PRIx64 "\n", b->phys, b->size);
	for (size_t i = 0; i < sizeof(decoders) / sizeof(decoders[0]); i++) {
		if (strcmp(b->name, decoders[i].name))
			continue;
		p = b->size ? kho_mem_ptr(c->h->in.mem, b->phys, b->size, &err) : NULL;
		if (!b->size)
			berr(c, "%s: empty", b->name);
		else if (!p)
			berr(c, "%s: %s", b->name, kho_strerror(err));
		else
			decoders[i].fn(c, b, p);
	}
}

static int blobs(const struct khotool_cmd *cmd, const struct khotool_opts *o)
{
	struct khotool_input in;
	struct khotool_handover h;
	struct bctx c = { &h, (u64)1 << o->page_shift, 0 };
	int status = khotool_open(cmd->name, o, &in, &h);

	if (!status) {
		for (unsigned int i = 0; i < h.nr_blobs; i++)
			blob(&c, &h.blobs[i]);
		if (c.errors)
			khotool_err(cmd->name, "%u malformed blob field%s", c.errors,
				    c.errors == 1 ? "" : "s");
		status = c.errors ? KHOTOOL_EXIT_INVALID : KHOTOOL_EXIT_OK;
	}
	khotool_close(&in, &h);
	return status;
}

static const char manual[] =
	"NAME\n"
	"    khotool blobs - list a KHO handover's sub-blobs and decode the known ones\n"
	"\n"
	"SYNOPSIS\n"
	"    khotool blobs --dtb FILE --ram FILE@ADDR [--ram FILE@ADDR ...]\n"
	"                  [--abi ABI] [--page-size SIZE]\n"
	"    khotool blobs --live | --live-out [--page-size SIZE]\n"
	"\n"
	"DESCRIPTION\n"
	"    Validates the handover as 'khotool check' does, then prints each\n"
	"    sub-blob of the KHO FDT and decodes those whose layout is known:\n"
	"        memblock        the reserve_mem regions handed over (an FDT,\n"
	"                        memblock-v1, one reserve-mem-v1 node per region)\n"
	"        kexec-metadata  version, the previous kernel's release and the\n"
	"                        kexec count (73 bytes)\n"
	"        dma-alloc       32-byte struct dma_alloc_ser entries\n"
	"        LUO             struct luo_ser (luo-v5) and its sessions, found by\n"
	"                        walking the kho_block chain at sessions_pa\n"
	"    Each decode checks sizes and pointers first; the session chain is\n"
	"    walked at most 10000 blocks deep and a loop in it is reported.\n"
	"\n";

static const char manual_end[] =
	"OUTPUT\n"
	"    Per blob, in KHO FDT order:\n"
	"        blob NAME PHYS size SIZE\n"
	"    followed by its decoded lines, indented by four spaces:\n"
	"        reserve-mem NAME start ADDR size SIZE\n"
	"        kexec-metadata version N release STRING count N\n"
	"        dma-alloc page_phys ADDR size SIZE attrs ATTRS force_decrypted 0|1\n"
	"        luo compatible STRING liveupdate_num N sessions_pa ADDR flbs_pa ADDR\n"
	"        luo-session NAME files N        one per session\n"
	"        luo-sessions N blocks N         after the last session\n"
	"        error: BLOB: WHAT               a field that is malformed\n"
	"    Addresses and sizes are lowercase hex with 0x, counts decimal. Bytes of\n"
	"    names and strings that are not printable ASCII, spaces and '\\' print\n"
	"    as \\xNN. Blobs of other names get only their blob line.\n"
	"\n"
	"EXIT STATUS\n"
	"    0   every known blob decoded cleanly\n"
	"    1   the handover is invalid, or a known blob is malformed (its error\n"
	"        lines on stdout, a count on stderr)\n"
	"    2   usage error, or an input file is missing, unreadable or malformed\n"
	"\n"
	"EXAMPLE\n"
	"    khotool blobs --live | awk '$1 == \"reserve-mem\"'\n";

const struct khotool_cmd khotool_cmd_blobs = {
	.name = "blobs",
	.summary =
		"list the sub-blobs, decoding memblock, kexec-metadata, dma-alloc, LUO",
	.manual = manual,
	.manual_end = manual_end,
	.extra_opts = 0,
	.run = blobs,
};
