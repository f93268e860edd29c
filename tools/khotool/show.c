/* SPDX-License-Identifier: MIT */
/*
 * khotool show: what a handover consists of and every physical range it claims,
 * as text (header lines starting with "# ", then one range per line) or as one
 * JSON object. Ranges come from the reservation map libkho fills while protecting
 * the handover, plus one line per sub-blob telling where its bytes are.
 */
#include "khotool.h"
#include <inttypes.h>
#include <kho/version.h>
#include <stdlib.h>
#include <string.h>

static void text_header(const struct khotool_handover *h)
{
	const struct kho_in *in = &h->in;

	printf("# abi: %s\n# compatible: %s\n", kho_abi_name(in->abi),
	       kho_abi_compatible(in->abi));
	printf("# page-size: %" PRIu64 "\n", (u64)1 << in->page_shift);
	for (unsigned int i = 0; i < in->mem->nr_ram; i++)
		printf("# ram: 0x%" PRIx64 " size 0x%" PRIx64 "\n", in->mem->ram[i].base,
		       in->mem->ram[i].size);
	printf("# kho-fdt: 0x%" PRIx64 " len 0x%" PRIx64 "\n", in->ch.fdt_phys,
	       in->ch.fdt_len);
	printf("# scratch-array: 0x%" PRIx64 " len 0x%" PRIx64 "\n", in->ch.scratch_phys,
	       in->ch.scratch_len);
	printf("# map-root: 0x%" PRIx64 "\n", in->map);
	if (h->from_memblock)
		puts("# preserved-from: memblock");
}

static void text_lists(const struct khotool_handover *h)
{
	const struct kho_in *in = &h->in;

	for (unsigned int i = 0; i < h->nr_blobs; i++) {
		fputs("# blob: ", stdout);
		khotool_text_str(stdout, h->blobs[i].name);
		printf(" 0x%" PRIx64 " size 0x%" PRIx64 "\n", h->blobs[i].phys,
		       h->blobs[i].size);
	}
	for (unsigned int i = 0; i < in->nr_scratch; i++)
		printf("# scratch: 0x%" PRIx64 " size 0x%" PRIx64 "\n",
		       in->scratch[i].addr, in->scratch[i].size);
	printf("# blobs: %u\n# scratch-areas: %u\n", h->nr_blobs, in->nr_scratch);
	printf("# blocks: %" PRIu64 "\n# map-pages: %" PRIu64
	       "\n# preserved-bytes: %" PRIu64 "\n",
	       h->stats.blocks, h->stats.map_pages, h->stats.preserved_bytes);
}

static void print_text(const struct khotool_handover *h, const struct khotool_line *l,
		       size_t n)
{
	text_header(h);
	text_lists(h);
	khotool_lines_text(l, n);
}

static void json_pair(const char *key, const char *k1, u64 v1, const char *k2, u64 v2)
{
	printf("  \"%s\": {\"%s\": \"0x%" PRIx64 "\", \"%s\": \"0x%" PRIx64 "\"},\n", key,
	       k1, v1, k2, v2);
}

static void json_ram(const struct kho_mem *mem)
{
	fputs("  \"ram\": [", stdout);
	for (unsigned int i = 0; i < mem->nr_ram; i++)
		printf("%s\n    {\"base\": \"0x%" PRIx64 "\", \"size\": \"0x%" PRIx64
		       "\"}",
		       i ? "," : "", mem->ram[i].base, mem->ram[i].size);
	fputs(mem->nr_ram ? "\n  ],\n" : "],\n", stdout);
}

static void json_scratch(const struct kho_in *in)
{
	fputs("  \"scratch\": [", stdout);
	for (unsigned int i = 0; i < in->nr_scratch; i++)
		printf("%s\n    {\"addr\": \"0x%" PRIx64 "\", \"size\": \"0x%" PRIx64
		       "\"}",
		       i ? "," : "", in->scratch[i].addr, in->scratch[i].size);
	fputs(in->nr_scratch ? "\n  ],\n" : "],\n", stdout);
}

static void json_blobs(const struct khotool_handover *h)
{
	fputs("  \"blobs\": [", stdout);
	for (unsigned int i = 0; i < h->nr_blobs; i++) {
		printf("%s\n    {\"name\": ", i ? "," : "");
		khotool_json_str(stdout, h->blobs[i].name);
		printf(", \"phys\": \"0x%" PRIx64 "\", \"size\": \"0x%" PRIx64 "\"}",
		       h->blobs[i].phys, h->blobs[i].size);
	}
	fputs(h->nr_blobs ? "\n  ],\n" : "],\n", stdout);
}

static void json_ranges(const struct khotool_line *l, size_t n)
{
	fputs("  \"ranges\": [", stdout);
	khotool_lines_json(l, n, 4);
	fputs(n ? "\n  ]\n" : "]\n", stdout);
}

static void print_json(const struct khotool_handover *h, const struct khotool_line *l,
		       size_t n)
{
	const struct kho_in *in = &h->in;

	printf("{\n  \"abi\": \"%s\",\n  \"compatible\": \"%s\",\n",
	       kho_abi_name(in->abi), kho_abi_compatible(in->abi));
	printf("  \"page_size\": %" PRIu64 ",\n", (u64)1 << in->page_shift);
	json_ram(in->mem);
	json_pair("kho_fdt", "phys", in->ch.fdt_phys, "len", in->ch.fdt_len);
	json_pair("scratch_array", "phys", in->ch.scratch_phys, "len",
		  in->ch.scratch_len);
	printf("  \"map_root\": \"0x%" PRIx64 "\",\n", in->map);
	if (h->from_memblock)
		puts("  \"preserved_from\": \"memblock\",");
	json_scratch(in);
	json_blobs(h);
	printf("  \"stats\": {\"blobs\": %u, \"scratch_areas\": %u"
	       ", \"blocks\": %" PRIu64 ", \"map_pages\": %" PRIu64
	       ", \"preserved_bytes\": %" PRIu64 "},\n",
	       h->nr_blobs, in->nr_scratch, h->stats.blocks, h->stats.map_pages,
	       h->stats.preserved_bytes);
	json_ranges(l, n);
	puts("}");
}

static int show(const struct khotool_cmd *cmd, const struct khotool_opts *o)
{
	struct khotool_input in;
	struct khotool_handover h;
	struct khotool_line *lines;
	size_t n;
	int status = khotool_open(cmd->name, o, &in, &h);

	if (status) {
		khotool_close(&in, &h);
		return status;
	}
	lines = khotool_lines(&h, &n);
	if (!lines) {
		khotool_err(cmd->name, "out of memory");
		status = KHOTOOL_EXIT_USAGE;
	} else if (o->json) {
		print_json(&h, lines, n);
	} else {
		print_text(&h, lines, n);
	}
	free(lines);
	khotool_close(&in, &h);
	return status;
}

static const char manual[] =
	"NAME\n"
	"    khotool show - print a KHO handover and every memory range it claims\n"
	"\n"
	"SYNOPSIS\n"
	"    khotool show --dtb FILE --ram FILE@ADDR [--ram FILE@ADDR ...]\n"
	"                 [--abi ABI] [--page-size SIZE] [--json]\n"
	"    khotool show --live | --live-out [--page-size SIZE] [--json]\n"
	"\n"
	"DESCRIPTION\n"
	"    Reads the handover the DT's /chosen points at, validates it as 'khotool\n"
	"    check' does, and prints what it holds and the physical memory it claims.\n"
	"\n";

static const char manual_end[] =
	"OUTPUT OPTIONS\n"
	"    --json\n"
	"        Print one JSON object instead of text (see OUTPUT).\n"
	"\n"
	"OUTPUT\n"
	"    Text output starts with header lines, each beginning with '# ':\n"
	"        # abi: NAME                  resolved ABI (v1-512 ... v4)\n"
	"        # compatible: STRING         root compatible of that ABI\n"
	"        # page-size: BYTES\n"
	"        # ram: BASE size SIZE        per RAM bank (/memory, or the files)\n"
	"        # kho-fdt: PHYS len LEN      from /chosen linux,kho-fdt\n"
	"        # scratch-array: PHYS len LEN    from /chosen linux,kho-scratch\n"
	"        # map-root: PHYS             value of preserved-memory-map\n"
	"        # preserved-from: memblock   only with --live (see INPUT OPTIONS):\n"
	"                                     blocks then counts memblock regions,\n"
	"                                     map-pages is 0, no map lines follow\n"
	"        # blob: NAME PHYS size SIZE  per sub-blob, in KHO FDT order\n"
	"        # scratch: ADDR size SIZE    per scratch array entry\n"
	"        # blobs: N\n"
	"        # scratch-areas: N\n"
	"        # blocks: N                  blocks in the preserved-memory map\n"
	"        # map-pages: N               map pages (or v1 bitmaps) read\n"
	"        # preserved-bytes: N         sum of the blocks' sizes, decimal\n"
	"    Then one range per line, sorted by start, end exclusive, lowercase hex:\n"
	"        0x<start> 0x<end> <kind>\n"
	"    'grep -v \"^#\"' keeps only these. Kinds:\n"
	"        preserved      blocks of the preserved-memory map, merged where\n"
	"                       adjacent; the KHO FDT page is one of them\n"
	"        map            the map's own pages (tree nodes, chunks, bitmaps)\n"
	"        scratch        scratch areas, less the scratch array\n"
	"        scratch-array  the scratch array (where not preserved)\n"
	"        kho-fdt        the KHO FDT page (only where not preserved)\n"
	"        meta           other bytes the handover needs but does not\n"
	"                       preserve (the unpreserved part of a sub-blob)\n"
	"        blob:NAME      where sub-blob NAME lies, preserved or not\n"
	"    The kinds other than blob:NAME never overlap each other. Name bytes\n"
	"    that are not printable ASCII, spaces and '\\' print as \\xNN.\n"
	"\n"
	"    With --json, one object with the same content:\n"
	"        abi, compatible, page_size, ram [{base, size}],\n"
	"        kho_fdt {phys, len}, scratch_array {phys, len}, map_root,\n"
	"        scratch [{addr, size}], blobs [{name, phys, size}],\n"
	"        stats {blobs, scratch_areas, blocks, map_pages, preserved_bytes},\n"
	"        ranges [{start, end, kind}] (a meta range adds its label)\n"
	"    Addresses and sizes are hex strings \"0x...\", counts are numbers.\n"
	"    The output is ASCII: other bytes of names are escaped as \\u00XX.\n"
	"\n"
	"EXIT STATUS\n"
	"    0   the handover was printed\n"
	"    1   the handover is invalid: 'khotool: show: ERROR (stage: STAGE)' on\n"
	"        stderr, STAGE being open, blobs or protect; nothing on stdout\n"
	"    2   usage error, or an input file is missing, unreadable or malformed\n"
	"\n"
	"EXAMPLE\n"
	"    khotool show --dtb os.dtb --ram ram.bin@0x40000000 | grep ' preserved$'\n";

const struct khotool_cmd khotool_cmd_show = {
	.name = "show",
	.summary = "print the handover and every memory range it claims",
	.manual = manual,
	.manual_end = manual_end,
	.extra_opts = KHOTOOL_OPT_JSON,
	.run = show,
};
