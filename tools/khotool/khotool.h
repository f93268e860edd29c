/* SPDX-License-Identifier: MIT */
/*
 * khotool: inspect and check a KHO handover, from an OS DTB and RAM dumps or from
 * a running Linux system. main.c parses options and dispatches to one function per
 * command; input.c loads files, live.c and devmem.c read a live system; handover.c
 * runs libkho over them; lines.c lists the ranges; the commands only print.
 */
#ifndef KHOTOOL_H
#define KHOTOOL_H

#include <kho/dt.h>
#include <kho/in.h>
#include <kho/mem.h>
#include <kho/rmap.h>
#include <stddef.h>
#include <stdio.h>

/* Exit status of every command. */
#define KHOTOOL_EXIT_OK 0
#define KHOTOOL_EXIT_INVALID 1 /* the handover is not valid (diff: they differ) */
#define KHOTOOL_EXIT_USAGE 2   /* bad command line or unreadable input files */

#define KHOTOOL_MAX_RAM KHO_MEM_MAX_WINDOWS
#define KHOTOOL_MAX_FIRMWARE 16

/* Reservation-map capacity for a handover: enough for a sparse map of a large machine. */
#define KHOTOOL_RMAP_CAP (1u << 20)

/* Options a command accepts beyond the common input options. */
#define KHOTOOL_OPT_JSON 0x1u
#define KHOTOOL_OPT_MAP 0x2u /* --svg, --log, --dtb-addr, --kernel, --firmware */
#define KHOTOOL_OPT_TWO 0x4u /* two handovers: --a-* and --b-* input options */

struct khotool_ram_arg {
	char *path; /* the FILE part of FILE@ADDR, allocated */
	u64 base;
};

/* Where a handover is read from. */
enum khotool_live {
	KHOTOOL_FILES = 0, /* --dtb and --ram */
	KHOTOOL_LIVE_IN,   /* --live: the handover this system booted with */
	KHOTOOL_LIVE_OUT,  /* --live-out: the one this system's kernel is building */
};

/* The input options of one handover. */
struct khotool_src {
	const char *dtb;
	struct khotool_ram_arg ram[KHOTOOL_MAX_RAM];
	unsigned int nr_ram;
	enum kho_abi abi;
	enum khotool_live live;
};

struct khotool_span {
	u64 base;
	u64 size;
};

struct khotool_opts {
	struct khotool_src src[2]; /* the handover; for diff, a and b */
	unsigned int nr_src;	   /* 1, or 2 for diff */
	unsigned int page_shift;
	const char *live_root; /* prefix of /sys and /dev/mem in live mode */
	int json;
	/* map */
	const char *svg;
	int log;
	int has_dtb_addr;
	u64 dtb_addr;
	int has_kernel;
	struct khotool_span kernel;
	struct khotool_span firmware[KHOTOOL_MAX_FIRMWARE];
	unsigned int nr_firmware;
};

/* One input file's bytes, mapped read-only or read into memory. */
struct khotool_file {
	const char *path;
	const u8 *data;
	size_t size;
	int mapped;
};

/*
 * The loaded inputs: the OS DT, the RAM dumps and the memory window over them. A
 * live outgoing handover has no /chosen entry: has_ch says ch holds where it is.
 */
struct khotool_input {
	struct khotool_file dtb;
	struct khotool_file ram[KHOTOOL_MAX_RAM];
	unsigned int nr_ram;
	struct kho_mem mem;
	int has_ch;
	struct kho_chosen ch;
	char *dtb_path; /* allocated path of a live DTB */
	int live;	/* windows are /dev/mem mappings (devmem.c) */
};

/*
 * A command: name, one-line summary, its manual (printed around the shared input
 * options: manual, then khotool_input_manual, then manual_end), the extra options it
 * accepts, and its entry point, which returns the exit status. A command without
 * an entry point is a reserved name.
 */
struct khotool_cmd {
	const char *name;
	const char *summary;
	const char *manual;
	const char *manual_end;
	unsigned int extra_opts;
	int (*run)(const struct khotool_cmd *cmd, const struct khotool_opts *o);
};

/* The manual section shared by every command that reads a handover. */
extern const char khotool_input_manual[];

/* Print "khotool: <cmd>: <message>" to stderr. */
void khotool_err(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parse a number: hex with 0x, or decimal. Returns 0 or -1. */
int khotool_parse_u64(const char *s, u64 *v);

/*
 * Parse FILE@ADDR (the last '@' separates, so FILE may contain '@'; ADDR is hex with
 * 0x or decimal). Returns 0, or -1 after printing why.
 */
int khotool_parse_ram(const char *cmd, const char *arg, struct khotool_ram_arg *r);

/*
 * Load handover s's inputs (files or a live system) and build in->mem: RAM banks
 * from /memory (or the files when there is none), windows from the files or
 * /dev/mem. Returns 0, or KHOTOOL_EXIT_USAGE (KHOTOOL_EXIT_INVALID when a live
 * outgoing handover cannot be found) after printing why.
 * khotool_input_free() undoes it.
 */
int khotool_input_load(struct khotool_input *in, const struct khotool_opts *o,
		       const struct khotool_src *s, const char *cmd);
void khotool_input_free(struct khotool_input *in);

/* Load a file: mapped read-only if possible, else read. Returns 0 or -1 (printed). */
int khotool_file_load(struct khotool_file *f, const char *path, const char *cmd);
void khotool_file_free(struct khotool_file *f);

/* Load and check the OS DTB into in->dtb. Returns 0 or -1 (printed). */
int khotool_dtb_load(struct khotool_input *in, const char *path, const char *cmd);

/* RAM banks from in->dtb's /memory, or the windows if it has none. 0 or -1. */
int khotool_input_banks(struct khotool_input *in, const char *cmd);

/* live.c: the live-system part of khotool_input_load(). */
int khotool_live_load(struct khotool_input *in, const struct khotool_opts *o,
		      const struct khotool_src *s, const char *cmd);

/* The path of a live file: --live-root followed by rel. Allocated, NULL if no memory. */
char *khotool_live_path(const struct khotool_opts *o, const char *rel);

/*
 * liveout.c: find the running kernel's outgoing handover in RAM and set in->ch.
 * Returns 0, KHOTOOL_EXIT_USAGE (debugfs unreadable) or KHOTOOL_EXIT_INVALID (not
 * found, or found twice), after printing why.
 */
int khotool_live_out(struct khotool_input *in, const struct khotool_opts *o,
		     const struct khotool_src *s, const char *cmd);

/*
 * devmem.c: physical memory of the running system through a /dev/mem file.
 * Windows are reserved address space; the pages of a window are mapped from the
 * file in aligned chunks when first touched. Regular files (tests, saved copies)
 * work too and are clipped at their end.
 */
int khotool_devmem_open(const char *path, const char *cmd);
/* Add [base, base+size) to m as a lazily mapped window; 0, or -1 (printed). */
int khotool_devmem_window(struct kho_mem *m, u64 base, u64 size, const char *cmd);
/* Read len bytes at phys with pread (no mapping); 0 or -1. */
int khotool_devmem_read(void *buf, size_t len, u64 phys);
void khotool_devmem_close(void);

/* A handover read through libkho: validated, its blobs listed, its memory recorded. */
struct khotool_handover {
	struct kho_in in;
	struct kho_blob *blobs;
	unsigned int nr_blobs;
	struct kho_range *storage;
	struct kho_rmap rm;
	struct kho_in_stats stats;
	const char *stage; /* the step that failed: "open", "blobs" or "protect" */
	int from_memblock; /* --live: preserved memory as the kernel recorded it */
};

/*
 * Open the handover the DT points at (or in->ch), list its blobs and protect it
 * all in h->rm. Returns 0 or a negative KHO_E_* code with h->stage set. Always pair
 * with khotool_handover_free().
 */
int khotool_handover_load(struct khotool_handover *h, const struct khotool_input *in,
			  const struct khotool_opts *o, const struct khotool_src *s,
			  const char *cmd);

void khotool_handover_free(struct khotool_handover *h);

/*
 * livein.c: for --live, fill h->rm and h->stats from the kernel's memblock record
 * (the map's pages are freed after boot). Returns 0, 1 if debugfs memblock is not
 * readable (nothing done), or a negative KHO_E_* code.
 */
int khotool_live_in_protect(struct khotool_handover *h, const struct khotool_opts *o,
			    const char *cmd);

/*
 * Load the inputs and the handover of source side (0, or 1 for diff's b) for
 * command cmd. Returns KHOTOOL_EXIT_OK, or prints why and returns
 * KHOTOOL_EXIT_USAGE (inputs) or KHOTOOL_EXIT_INVALID (handover). Always pair
 * with khotool_close().
 */
int khotool_open_src(const char *cmd, const struct khotool_opts *o, unsigned int side,
		     struct khotool_input *in, struct khotool_handover *h);
int khotool_open(const char *cmd, const struct khotool_opts *o, struct khotool_input *in,
		 struct khotool_handover *h);
void khotool_close(struct khotool_input *in, struct khotool_handover *h);

/* One range line: kind is prefix + name ("preserved", "blob:memblock", ...). */
struct khotool_line {
	u64 start;
	u64 end;
	const char *prefix;
	const char *name;
	const char *label; /* the label of a range printed as plain "meta" */
	unsigned int kind; /* KHO_KIND_*, or 0 for a blob line */
};

/*
 * All range lines of h sorted by start (blob lines included); *n gets their
 * count. NULL if out of memory; free() the result.
 */
struct khotool_line *khotool_lines(const struct khotool_handover *h, size_t *n);

/* Print lines as "0x<start> 0x<end> <kind>", or as JSON objects (indent spaces). */
void khotool_lines_text(const struct khotool_line *l, size_t n);
void khotool_lines_json(const struct khotool_line *l, size_t n, int indent);

/*
 * JSON string contents of s (no quotes): \" \\ and control bytes escaped; bytes of
 * 0x7f and above as \u00XX, so any input gives valid ASCII JSON.
 */
void khotool_json_chars(FILE *f, const char *s);

/* s as a JSON string literal, quotes included. */
void khotool_json_str(FILE *f, const char *s);

/* s for a whitespace-separated text line: control bytes, spaces and '\' as \xNN. */
void khotool_text_str(FILE *f, const char *s);

/* As khotool_text_str(), for at most n bytes of s (stops at a NUL). */
void khotool_text_strn(FILE *f, const char *s, size_t n);

/* The commands, each defined in its own file. */
extern const struct khotool_cmd khotool_cmd_show;
extern const struct khotool_cmd khotool_cmd_ranges;
extern const struct khotool_cmd khotool_cmd_blobs;
extern const struct khotool_cmd khotool_cmd_check;
extern const struct khotool_cmd khotool_cmd_diff;
extern const struct khotool_cmd khotool_cmd_map;

#endif /* KHOTOOL_H */
