/* SPDX-License-Identifier: MIT */
/*
 * khotool: inspect and check a KHO handover on the host, from an OS DTB and RAM
 * dumps. main.c parses options and dispatches to one function per command; input.c
 * loads the files; handover.c runs libkho over them; the commands only print.
 */
#ifndef KHOTOOL_H
#define KHOTOOL_H

#include <kho/in.h>
#include <kho/mem.h>
#include <kho/rmap.h>
#include <stddef.h>
#include <stdio.h>

/* Exit status of every command. */
#define KHOTOOL_EXIT_OK 0
#define KHOTOOL_EXIT_INVALID 1 /* the handover is not valid */
#define KHOTOOL_EXIT_USAGE 2   /* bad command line or unreadable input files */

#define KHOTOOL_MAX_RAM KHO_MEM_MAX_WINDOWS

/* Reservation-map capacity for a handover: enough for a sparse map of a large machine. */
#define KHOTOOL_RMAP_CAP (1u << 20)

/* Options a command accepts beyond the common input options. */
#define KHOTOOL_OPT_JSON 0x1u

struct khotool_ram_arg {
	char *path; /* the FILE part of FILE@ADDR, allocated */
	u64 base;
};

struct khotool_opts {
	const char *dtb;
	struct khotool_ram_arg ram[KHOTOOL_MAX_RAM];
	unsigned int nr_ram;
	enum kho_abi abi;
	unsigned int page_shift;
	int json;
};

/* One input file's bytes, mapped read-only or read into memory. */
struct khotool_file {
	const char *path;
	const u8 *data;
	size_t size;
	int mapped;
};

/* The loaded inputs: the OS DT, the RAM dumps and the memory window over them. */
struct khotool_input {
	struct khotool_file dtb;
	struct khotool_file ram[KHOTOOL_MAX_RAM];
	unsigned int nr_ram;
	struct kho_mem mem;
};

/*
 * A command: name, one-line summary, its manual (printed around the shared input
 * options: manual, then khotool_input_manual, then manual_end), the extra options it
 * accepts, and its entry point, which returns the exit status.
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

/*
 * Parse FILE@ADDR (the last '@' separates, so FILE may contain '@'; ADDR is hex with
 * 0x or decimal). Returns 0, or -1 after printing why.
 */
int khotool_parse_ram(const char *cmd, const char *arg, struct khotool_ram_arg *r);

/*
 * Load the DTB and the RAM files of o, check the DTB is an FDT, and build in->mem:
 * RAM banks from /memory (or the files when there is none), windows from the files.
 * Returns 0, or KHOTOOL_EXIT_USAGE after printing why. khotool_input_free() undoes it.
 */
int khotool_input_load(struct khotool_input *in, const struct khotool_opts *o,
		       const char *cmd);
void khotool_input_free(struct khotool_input *in);

/* A handover read through libkho: validated, its blobs listed, its memory recorded. */
struct khotool_handover {
	struct kho_in in;
	struct kho_blob *blobs;
	unsigned int nr_blobs;
	struct kho_range *storage;
	struct kho_rmap rm;
	struct kho_in_stats stats;
	const char *stage; /* the step that failed: "open", "blobs" or "protect" */
};

/*
 * Open the handover the DT points at, list its blobs and protect it all in h->rm.
 * Returns 0 or a negative KHO_E_* code with h->stage set. Always pair with
 * khotool_handover_free().
 */
int khotool_handover_load(struct khotool_handover *h, const struct khotool_input *in,
			  const struct khotool_opts *o);
void khotool_handover_free(struct khotool_handover *h);

/*
 * Load the inputs and the handover for command cmd. Returns KHOTOOL_EXIT_OK, or
 * prints why and returns KHOTOOL_EXIT_USAGE (inputs) or KHOTOOL_EXIT_INVALID
 * (handover). Always pair with khotool_close().
 */
int khotool_open(const char *cmd, const struct khotool_opts *o, struct khotool_input *in,
		 struct khotool_handover *h);
void khotool_close(struct khotool_input *in, struct khotool_handover *h);

/*
 * JSON string contents of s (no quotes): \" \\ and control bytes escaped; bytes of
 * 0x7f and above as \u00XX, so any input gives valid ASCII JSON.
 */
void khotool_json_chars(FILE *f, const char *s);

/* s as a JSON string literal, quotes included. */
void khotool_json_str(FILE *f, const char *s);

/* s for a whitespace-separated text line: control bytes, spaces and '\' as \xNN. */
void khotool_text_str(FILE *f, const char *s);

/* The commands, each defined in its own file (show.c, check.c). */
extern const struct khotool_cmd khotool_cmd_show;
extern const struct khotool_cmd khotool_cmd_check;

#endif /* KHOTOOL_H */
