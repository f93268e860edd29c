/* SPDX-License-Identifier: MIT */
/*
 * khotool's entry point: pick the command from the table, parse the options every
 * handover command shares (plus the command's own), and run it. A new command is
 * one file defining a struct khotool_cmd and one line in cmds[].
 */
#include "khotool.h"
#include <getopt.h>
#include <kho/err.h>
#include <kho/version.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* dma.c: preserved DMA allocations, checked (docs/dma.md). */
extern const struct khotool_cmd khotool_cmd_dma;

static const struct khotool_cmd *const cmds[] = {
	&khotool_cmd_show, &khotool_cmd_ranges, &khotool_cmd_blobs, &khotool_cmd_check,
	&khotool_cmd_diff, &khotool_cmd_map,	&khotool_cmd_dma,
};

#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static const char tool_manual[] =
	"NAME\n"
	"    khotool - inspect and check a Linux KHO (Kexec HandOver) handover\n"
	"\n"
	"SYNOPSIS\n"
	"    khotool <command> --dtb FILE --ram FILE@ADDR [--ram ...] [options]\n"
	"    khotool <command> --live | --live-out [options]\n"
	"    khotool <command> --help\n"
	"    khotool --help\n"
	"\n"
	"DESCRIPTION\n"
	"    khotool reads a KHO handover the way a receiving kernel or firmware would:\n"
	"    from the OS device tree whose /chosen points at it and from dumps of RAM,\n"
	"    or from the running Linux system (/sys/firmware/fdt, debugfs, /dev/mem).\n"
	"    Every pointer is checked against RAM and against the files before it is\n"
	"    read; nothing is written.\n"
	"\n"
	"COMMANDS\n";

static const char tool_manual_end[] =
	"\n"
	"    Run 'khotool <command> --help' for a command's inputs and output.\n"
	"\n"
	"EXIT STATUS\n"
	"    0   success\n"
	"    1   the handover is invalid (the error and the failing stage on stderr);\n"
	"        for diff: the handovers differ\n"
	"    2   usage error, or an input file is missing, unreadable or malformed\n";

const char khotool_input_manual[] =
	"INPUT OPTIONS\n"
	"    --dtb FILE\n"
	"        The OS device tree blob. Its /chosen linux,kho-fdt and\n"
	"        linux,kho-scratch point at the handover; its /memory nodes give\n"
	"        the RAM banks.\n"
	"\n"
	"    --ram FILE@ADDR\n"
	"        FILE holds raw RAM starting at physical address ADDR (hex with 0x, or\n"
	"        decimal). Give it once per dump, at most 32 times; dumps must not\n"
	"        overlap. The last '@' separates FILE from ADDR. A dump may be partial:\n"
	"        the files are only what can be read, RAM is what /memory says. If the\n"
	"        DT has no /memory, the files are taken as the RAM. Files are mapped\n"
	"        read-only, so dumps of many GiB cost no copy.\n"
	"\n"
	"    --live\n"
	"        Instead of --dtb and --ram: the handover the running Linux system\n"
	"        booted with. The DT is /sys/firmware/fdt (on a KHO boot its /chosen\n"
	"        still points at the handover), RAM is its /memory, read through\n"
	"        /dev/mem (root, and a kernel without CONFIG_STRICT_DEVMEM). Pages are\n"
	"        mapped read-only when first needed; /reserved-memory no-map regions\n"
	"        are never read. Linux frees the preserved-memory map's pages once it\n"
	"        has read them, so the preserved ranges are the kernel's record of\n"
	"        them: the RSV_NIT regions of /sys/kernel/debug/memblock/reserved\n"
	"        (less RSV_HUGETLB ones); the map's pages are not listed. Sub-blobs\n"
	"        a consumer has freed since (LUO's, for one) may hold other data.\n"
	"\n"
	"    --live-out\n"
	"        Instead of --dtb and --ram: the handover the running kernel would\n"
	"        pass to the next one (kho=on). Its scratch areas come from\n"
	"        /sys/kernel/debug/kho/out/scratch_phys and scratch_len; the KHO FDT\n"
	"        from /sys/kernel/debug/kho/out/fdt, which can be only a prefix of it\n"
	"        (Linux 7.3 sizes that file before later sub-blobs grow the FDT).\n"
	"        Neither file says where they are in RAM, so RAM is searched through\n"
	"        /dev/mem for the page-aligned copies: the scratch array outside the\n"
	"        scratch areas, and the KHO FDT page that starts with the debugfs\n"
	"        bytes and is preserved by its own map. Only the running kernel's\n"
	"        current state is seen: LUO, for one, serialises at kexec time.\n"
	"\n"
	"    --live-root DIR\n"
	"        Read DIR/sys/... and DIR/dev/mem instead of /sys and /dev/mem (a\n"
	"        copy of a system's files; DIR/dev/mem may be a regular file holding\n"
	"        RAM at file offset = physical address).\n"
	"\n"
	"    --abi auto|v1-512|v1-4k|v1-4k-nz|v3|v4\n"
	"        The ABI to expect. auto (default) follows the root compatible and, for\n"
	"        kho-v1, guesses the bitmap size from the bitmaps' alignment: a list\n"
	"        whose 512-byte bitmaps all happen to be page aligned reads as v1-4k,\n"
	"        so name the ABI for a dump from a known kernel.\n"
	"        v1-512: Linux 6.16-6.17.8; v1-4k: 6.17.9-6.18; v1-4k-nz: 6.19-7.0;\n"
	"        v3: 7.1; v4: 7.2-7.3. A named ABI whose compatible differs fails.\n"
	"\n"
	"    --page-size 4k|16k|64k\n"
	"        Page size of the kernels (default 4k). kho-v1 exists only with 4k.\n"
	"\n"
	"    --help\n"
	"        Print this manual and exit 0.\n"
	"\n";

void khotool_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "khotool: %s%s", cmd ? cmd : "", cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void print_tool_manual(void)
{
	fputs(tool_manual, stdout);
	for (size_t i = 0; i < NR_CMDS; i++)
		printf("    %-7s %s\n", cmds[i]->name, cmds[i]->summary);
	fputs(tool_manual_end, stdout);
}

static int usage_error(const char *cmd)
{
	fprintf(stderr, "Try 'khotool %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return KHOTOOL_EXIT_USAGE;
}

static int print_cmd_manual(const struct khotool_cmd *cmd)
{
	if (!cmd->run) {
		khotool_err(cmd->name, "not implemented yet");
		return KHOTOOL_EXIT_USAGE;
	}
	fputs(cmd->manual, stdout);
	fputs(khotool_input_manual, stdout);
	fputs(cmd->manual_end, stdout);
	return KHOTOOL_EXIT_OK;
}

static const struct khotool_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < NR_CMDS; i++)
		if (!strcmp(cmds[i]->name, name))
			return cmds[i];
	return NULL;
}

/*
 * Option codes. The input options of one handover come plain (--dtb) or, for a
 * command comparing two, with a side (--a-dtb, --b-dtb): SIDE_A/SIDE_B are or-ed in.
 */
enum {
	OPT_DTB = 1,
	OPT_RAM,
	OPT_ABI,
	OPT_LIVE,
	OPT_LIVE_OUT,
	OPT_SRC_END,
	OPT_PAGE_SIZE = OPT_SRC_END,
	OPT_LIVE_ROOT,
	OPT_JSON,
	OPT_SVG,
	OPT_LOG,
	OPT_DTB_ADDR,
	OPT_KERNEL,
	OPT_FIRMWARE,
	OPT_HELP,
};
#define SIDE_A 0x100
#define SIDE_B 0x200
#define SIDES (SIDE_A | SIDE_B)

static const struct option long_opts[] = {
	{ "dtb", required_argument, NULL, OPT_DTB },
	{ "ram", required_argument, NULL, OPT_RAM },
	{ "abi", required_argument, NULL, OPT_ABI },
	{ "live", no_argument, NULL, OPT_LIVE },
	{ "live-out", no_argument, NULL, OPT_LIVE_OUT },
	{ "a-dtb", required_argument, NULL, OPT_DTB | SIDE_A },
	{ "a-ram", required_argument, NULL, OPT_RAM | SIDE_A },
	{ "a-abi", required_argument, NULL, OPT_ABI | SIDE_A },
	{ "a-live", no_argument, NULL, OPT_LIVE | SIDE_A },
	{ "a-live-out", no_argument, NULL, OPT_LIVE_OUT | SIDE_A },
	{ "b-dtb", required_argument, NULL, OPT_DTB | SIDE_B },
	{ "b-ram", required_argument, NULL, OPT_RAM | SIDE_B },
	{ "b-abi", required_argument, NULL, OPT_ABI | SIDE_B },
	{ "b-live", no_argument, NULL, OPT_LIVE | SIDE_B },
	{ "b-live-out", no_argument, NULL, OPT_LIVE_OUT | SIDE_B },
	{ "page-size", required_argument, NULL, OPT_PAGE_SIZE },
	{ "live-root", required_argument, NULL, OPT_LIVE_ROOT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ "log", no_argument, NULL, OPT_LOG },
	{ "dtb-addr", required_argument, NULL, OPT_DTB_ADDR },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "firmware", required_argument, NULL, OPT_FIRMWARE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* "--dtb" or "--a-dtb": how the user spelt option c. */
static const char *opt_name(int c)
{
	static char buf[32];

	for (const struct option *lo = long_opts; lo->name; lo++)
		if (lo->val == c) {
			snprintf(buf, sizeof(buf), "--%s", lo->name);
			return buf;
		}
	return "?";
}

static int parse_page_size(const char *s, unsigned int *shift)
{
	static const struct {
		const char *name;
		const char *bytes;
		unsigned int shift;
	} sizes[] = {
		{ "4k", "4096", 12 },
		{ "16k", "16384", 14 },
		{ "64k", "65536", 16 },
	};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (!strcasecmp(s, sizes[i].name) || !strcmp(s, sizes[i].bytes)) {
			*shift = sizes[i].shift;
			return 0;
		}
	return -1;
}

static int add_ram(const char *cmd, struct khotool_src *s, const char *arg, int c)
{
	if (s->nr_ram == KHOTOOL_MAX_RAM) {
		khotool_err(cmd, "%s given more than %u times", opt_name(c),
			    KHOTOOL_MAX_RAM);
		return -1;
	}
	if (khotool_parse_ram(cmd, arg, &s->ram[s->nr_ram]))
		return -1;
	s->nr_ram++;
	return 0;
}

static int set_live(const char *cmd, struct khotool_src *s, enum khotool_live live, int c)
{
	if (s->live && s->live != live) {
		khotool_err(cmd, "%s: give only one of --live and --live-out",
			    opt_name(c));
		return -1;
	}
	s->live = live;
	return 0;
}

/* An input option of one handover (c without its side bits). */
static int take_src_opt(const char *cmd, struct khotool_src *s, int c, int full)
{
	int abi;

	switch (c) {
	case OPT_DTB:
		s->dtb = optarg;
		return 0;
	case OPT_RAM:
		return add_ram(cmd, s, optarg, full);
	case OPT_ABI:
		abi = kho_abi_parse(optarg);
		if (abi < 0)
			khotool_err(cmd, "%s %s: not one of %s", opt_name(full), optarg,
				    "auto, v1-512, v1-4k, v1-4k-nz, v3, v4");
		s->abi = abi < 0 ? s->abi : (enum kho_abi)abi;
		return abi < 0 ? -1 : 0;
	case OPT_LIVE:
		return set_live(cmd, s, KHOTOOL_LIVE_IN, full);
	default:
		return set_live(cmd, s, KHOTOOL_LIVE_OUT, full);
	}
}

/* ADDR:SIZE, both hex with 0x or decimal, size non-zero and not wrapping. */
static int parse_span(const char *cmd, int c, const char *arg, struct khotool_span *sp)
{
	const char *colon = strchr(arg, ':');
	char addr[32];

	if (colon && (size_t)(colon - arg) < sizeof(addr)) {
		memcpy(addr, arg, (size_t)(colon - arg));
		addr[colon - arg] = 0;
		if (!khotool_parse_u64(addr, &sp->base) &&
		    !khotool_parse_u64(colon + 1, &sp->size) && sp->size &&
		    sp->base + sp->size > sp->base)
			return 0;
	}
	khotool_err(cmd, "%s %s: expected ADDR:SIZE (hex with 0x, or decimal; SIZE > 0)",
		    opt_name(c), arg);
	return -1;
}

static int take_map_opt(const char *cmd, struct khotool_opts *o, int c)
{
	switch (c) {
	case OPT_SVG:
		o->svg = optarg;
		return 0;
	case OPT_LOG:
		o->log = 1;
		return 0;
	case OPT_DTB_ADDR:
		o->has_dtb_addr = !khotool_parse_u64(optarg, &o->dtb_addr);
		if (!o->has_dtb_addr)
			khotool_err(cmd, "--dtb-addr %s: bad address (%s)", optarg,
				    "hex with 0x, or decimal");
		return o->has_dtb_addr ? 0 : -1;
	case OPT_KERNEL:
		o->has_kernel = !parse_span(cmd, c, optarg, &o->kernel);
		return o->has_kernel ? 0 : -1;
	default:
		if (o->nr_firmware == KHOTOOL_MAX_FIRMWARE) {
			khotool_err(cmd, "--firmware given more than %u times",
				    KHOTOOL_MAX_FIRMWARE);
			return -1;
		}
		return parse_span(cmd, c, optarg, &o->firmware[o->nr_firmware++]);
	}
}

/* Is option c (side bits included) one command cmd takes? */
static int cmd_takes(const struct khotool_cmd *cmd, int c)
{
	int two = !!(cmd->extra_opts & KHOTOOL_OPT_TWO);

	if ((c & ~SIDES) < OPT_SRC_END)
		return two == !!(c & SIDES);
	if (c == OPT_JSON)
		return !!(cmd->extra_opts & KHOTOOL_OPT_JSON);
	if (c >= OPT_SVG && c <= OPT_FIRMWARE)
		return !!(cmd->extra_opts & KHOTOOL_OPT_MAP);
	return 1;
}

/* One option: 0 to go on, 1 for --help, -1 for a usage error (already printed). */
static int take_opt(const struct khotool_cmd *cmd, struct khotool_opts *o, int c)
{
	if (!cmd_takes(cmd, c)) {
		khotool_err(cmd->name, "%s is not an option of this command%s",
			    opt_name(c),
			    (c & ~SIDES) < OPT_SRC_END && !(c & SIDES)
				    ? " (give --a-... and --b-...)"
				    : "");
		return -1;
	}
	if ((c & ~SIDES) < OPT_SRC_END)
		return take_src_opt(cmd->name, &o->src[(c & SIDE_B) ? 1 : 0], c & ~SIDES,
				    c);
	switch (c) {
	case OPT_PAGE_SIZE:
		if (!parse_page_size(optarg, &o->page_shift))
			return 0;
		khotool_err(cmd->name, "--page-size %s: not one of 4k, 16k, 64k", optarg);
		return -1;
	case OPT_LIVE_ROOT:
		o->live_root = optarg;
		return 0;
	case OPT_JSON:
		o->json = 1;
		return 0;
	case OPT_HELP:
		return 1;
	default:
		return take_map_opt(cmd->name, o, c);
	}
}

/* Is handover s given: --dtb and --ram, or --live / --live-out alone? p: "a-"... */
static int src_given(const char *cmd, const struct khotool_src *s, const char *p)
{
	const char *live = s->live == KHOTOOL_LIVE_IN ? "live" : "live-out";

	if (s->live && (s->dtb || s->nr_ram))
		khotool_err(cmd, "--%s%s takes no --%sdtb or --%sram", p, live, p, p);
	else if (!s->live && !s->dtb)
		khotool_err(cmd, "--%sdtb FILE is required (or --%slive)", p, p);
	else if (!s->live && !s->nr_ram)
		khotool_err(cmd, "at least one --%sram FILE@ADDR is required", p);
	else
		return 1;
	return 0;
}

static int missing_inputs(const struct khotool_cmd *cmd, const struct khotool_opts *o)
{
	for (unsigned int i = 0; i < o->nr_src; i++) {
		const char *p = o->nr_src == 1 ? "" : i ? "b-" : "a-";

		if (!src_given(cmd->name, &o->src[i], p))
			return 1;
	}
	if ((cmd->extra_opts & KHOTOOL_OPT_MAP) && !o->svg) {
		khotool_err(cmd->name, "--svg FILE is required");
		return 1;
	}
	return 0;
}

/* Parse argv (argv[0] is the command name). 0 to run, 1 for --help, -1 on error. */
static int parse_opts(const struct khotool_cmd *cmd, int argc, char **argv,
		      struct khotool_opts *o)
{
	int c, r;

	memset(o, 0, sizeof(*o));
	o->nr_src = (cmd->extra_opts & KHOTOOL_OPT_TWO) ? 2 : 1;
	o->page_shift = 12;
	o->live_root = "";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", long_opts, NULL)) != -1) {
		if (c == ':' || c == '?') {
			khotool_err(cmd->name, "%s '%s'",
				    c == ':' ? "missing value for" : "unknown option",
				    argv[optind - 1]);
			return -1;
		}
		r = take_opt(cmd, o, c);
		if (r)
			return r;
	}
	if (optind < argc) {
		khotool_err(cmd->name, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return missing_inputs(cmd, o) ? -1 : 0;
}

static void free_opts(struct khotool_opts *o)
{
	for (unsigned int s = 0; s < 2; s++)
		for (unsigned int i = 0; i < o->src[s].nr_ram; i++)
			free(o->src[s].ram[i].path);
}

static int run(const struct khotool_cmd *cmd, int argc, char **argv)
{
	struct khotool_opts o;
	int r, status;

	if (!cmd->run)
		return print_cmd_manual(cmd);
	r = parse_opts(cmd, argc, argv, &o);
	if (r > 0)
		status = print_cmd_manual(cmd);
	else if (r < 0)
		status = usage_error(cmd->name);
	else
		status = cmd->run(cmd, &o);
	free_opts(&o);
	return status;
}

static int is_help(const char *s)
{
	return !strcmp(s, "--help") || !strcmp(s, "-h") || !strcmp(s, "help");
}

static int unknown_cmd(const char *name)
{
	khotool_err(NULL, "unknown command '%s'", name);
	return usage_error(NULL);
}

int main(int argc, char **argv)
{
	const struct khotool_cmd *cmd;

	if (argc < 2) {
		khotool_err(NULL, "no command given");
		return usage_error(NULL);
	}
	if (is_help(argv[1]) && argc <= 3) {
		if (argc == 2) {
			print_tool_manual();
			return KHOTOOL_EXIT_OK;
		}
		cmd = find_cmd(argv[2]);
		return cmd ? print_cmd_manual(cmd) : unknown_cmd(argv[2]);
	}
	cmd = find_cmd(argv[1]);
	if (!cmd)
		return unknown_cmd(argv[1]);
	return run(cmd, argc - 1, argv + 1);
}
