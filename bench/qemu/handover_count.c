/* SPDX-License-Identifier: MIT */
/*
 * handover_count: a TCG plugin for QEMU 10 (plugin API v4) that measures one run
 * of the stage, from the first instruction executed at its entry to the first one
 * executed outside its image (the kernel's entry): instructions, per function of
 * the stage's symbol table, and the bytes the guest stores, per 64-byte line of
 * physical memory and per function. Only one vCPU is followed (-smp 1).
 *
 *   -plugin handover_count.so,image=START:END,syms=FILE,out=FILE[,entry=ADDR]
 *           [,phase=NAME]...
 *
 * syms holds "ADDR TYPE NAME" lines sorted by address (nm -n), addresses as they
 * run; out receives the report (see report()); entry defaults to START. Each
 * phase=NAME names a function whose first execution starts a phase: every
 * instruction counts to the phase started last (the code before the first one to
 * "entry"), so functions called once in sequence split the run into steps. Debian ships
 * QEMU without qemu-plugin.h, so the few API functions used are declared here as
 * QEMU 10.0 defines them (API v4; none of them changed since v2).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------ QEMU plugin API ----------------------------- */

#define PLUGIN_EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;
typedef uint32_t qemu_plugin_meminfo_t;
struct qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_plugin_hwaddr;

enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
enum qemu_plugin_mem_rw { QEMU_PLUGIN_MEM_R = 1, QEMU_PLUGIN_MEM_W = 2 };

typedef void (*tb_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*insn_exec_cb)(unsigned int vcpu, void *udata);
typedef void (*mem_cb)(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
		       void *udata);
typedef void (*atexit_cb)(qemu_plugin_id_t id, void *udata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    insn_exec_cb cb,
					    enum qemu_plugin_cb_flags flags, void *udata);
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn, mem_cb cb,
				      enum qemu_plugin_cb_flags flags,
				      enum qemu_plugin_mem_rw rw, void *udata);
unsigned int qemu_plugin_mem_size_shift(qemu_plugin_meminfo_t info);
struct qemu_plugin_hwaddr *qemu_plugin_get_hwaddr(qemu_plugin_meminfo_t info,
						  uint64_t vaddr);
bool qemu_plugin_hwaddr_is_io(const struct qemu_plugin_hwaddr *haddr);
uint64_t qemu_plugin_hwaddr_phys_addr(const struct qemu_plugin_hwaddr *haddr);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, atexit_cb cb, void *udata);
void qemu_plugin_outs(const char *string);

PLUGIN_EXPORT int qemu_plugin_version = 4;
PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info,
				      int argc, char **argv);

/* --------------------------------- the count -------------------------------- */

#define MAX_SYMS 8192
#define MAX_PHASES 32
#define LINE_SHIFT 6
#define LINE_SLOTS (1u << 20) /* lines written in the window: far fewer */
#define EDGE_SLOTS (1u << 14)
#define STACK_MAX 256

struct sym {
	uint64_t addr;
	char *name;
	uint64_t insns, stored;
	struct sym *caller; /* the function that last entered this one */
	uint64_t by_phase[MAX_PHASES];
	uint64_t incl;	/* instructions while it was on the call stack */
	uint64_t stamp; /* the instruction that last counted in incl */
};

/* Instructions and stores of a function, by the caller that entered it. */
struct edge {
	const struct sym *fn, *caller; /* fn NULL: a free slot */
	uint64_t insns, stored, calls;
};

/* One translated instruction; translations are few, so never freed. */
struct insn {
	uint64_t pc;
	struct sym *fn; /* NULL: outside the symbol table */
};

struct phase {
	const char *name;
	uint64_t addr, insns;
	int started;
	unsigned int index;
};

struct line {
	uint64_t key; /* line number + 1: 0 marks a free slot */
	uint64_t bytes;
};

enum run_state { WAITING, RUNNING, DONE };

static struct {
	uint64_t entry, img_lo, img_hi;
	const char *out;
	struct sym syms[MAX_SYMS];
	unsigned int nr_syms;
	enum run_state phase;
	uint64_t insns, stored, stored_io, stop_pc;
	uint64_t outside_stored; /* by instructions outside the symbol table */
	struct line *lines;
	unsigned int nr_lines;
	struct phase phases[MAX_PHASES];
	unsigned int nr_phases;
	struct phase *cur; /* the phase started last */
	struct edge edges[EDGE_SLOTS];
	struct sym *prev;	      /* the function of the instruction executed last */
	struct sym *stack[STACK_MAX]; /* the call stack, as seen from the PCs */
	unsigned int depth;
} st;

static struct sym *sym_of(uint64_t pc)
{
	unsigned int lo = 0, hi = st.nr_syms;

	if (!st.nr_syms || pc < st.syms[0].addr || pc < st.img_lo || pc >= st.img_hi)
		return NULL;
	while (hi - lo > 1) {
		unsigned int mid = (lo + hi) / 2;

		if (st.syms[mid].addr <= pc)
			lo = mid;
		else
			hi = mid;
	}
	return &st.syms[lo];
}

static void add_line(uint64_t phys, uint64_t bytes)
{
	uint64_t key = (phys >> LINE_SHIFT) + 1;
	uint32_t h = (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 40) & (LINE_SLOTS - 1);

	while (st.lines[h].key && st.lines[h].key != key)
		h = (h + 1) & (LINE_SLOTS - 1);
	if (!st.lines[h].key) {
		if (st.nr_lines + 1 >= LINE_SLOTS / 2)
			return; /* counted in the total, not per line */
		st.lines[h].key = key;
		st.nr_lines++;
	}
	st.lines[h].bytes += bytes;
}

static struct edge *edge_of(const struct sym *fn)
{
	uintptr_t key = (uintptr_t)fn * 31 + (uintptr_t)fn->caller;
	uint32_t h = (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 40) & (EDGE_SLOTS - 1);

	for (unsigned int n = 0; n < EDGE_SLOTS; n++, h = (h + 1) & (EDGE_SLOTS - 1)) {
		struct edge *e = &st.edges[h];

		if (!e->fn) {
			e->fn = fn;
			e->caller = fn->caller;
		}
		if (e->fn == fn && e->caller == fn->caller)
			return e;
	}
	return NULL;
}

/*
 * The call stack from the PCs alone: a function's first instruction reached
 * from another one is a call (a tail call too); reaching the middle of a
 * function on the stack is a return to it. Every function on the stack counts
 * the instruction once (recursion included).
 */
static void track_stack(struct sym *fn, uint64_t pc)
{
	if (st.depth && st.stack[st.depth - 1] == fn) {
		/* still in it */
	} else if (pc == fn->addr && st.depth < STACK_MAX) {
		st.stack[st.depth++] = fn;
	} else {
		unsigned int d = st.depth;

		while (d && st.stack[d - 1] != fn)
			d--;
		if (d) {
			st.depth = d;
		} else {
			st.stack[0] = fn;
			st.depth = 1;
		}
	}
	for (unsigned int i = 0; i < st.depth; i++)
		if (st.stack[i]->stamp != st.insns) {
			st.stack[i]->stamp = st.insns;
			st.stack[i]->incl++;
		}
}

static int line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

/*
 * The report: "key value" lines.
 *   complete 0|1 / insns N / stop 0xPC / stored N / stored-io N
 *   phase NAME INSNS            in the order given, "entry" first
 *   fn NAME INSNS STORED INCL   every function that ran or stored; INCL counts
 *                               the functions it called too
 *   infn PHASE NAME INSNS       the same, split by phase
 *   call NAME CALLER INSNS STORED CALLS  the same, split by the function that
 *                               entered it, and how many times it did
 *   line 0xPHYS BYTES           bytes stored per 64-byte line (io excluded)
 */
static void report(void)
{
	FILE *f = st.out ? fopen(st.out, "w") : NULL;
	char line[160];

	snprintf(line, sizeof(line),
		 "handover_count: %s, %" PRIu64 " instructions, %" PRIu64
		 " bytes stored, stop at 0x%" PRIx64 "\n",
		 st.phase == DONE ? "done" : "incomplete", st.insns, st.stored,
		 st.stop_pc);
	qemu_plugin_outs(line);
	if (!f)
		return;
	fprintf(f, "complete %d\ninsns %" PRIu64 "\nstop 0x%" PRIx64 "\n",
		st.phase == DONE, st.insns, st.stop_pc);
	fprintf(f, "stored %" PRIu64 "\nstored-io %" PRIu64 "\n", st.stored,
		st.stored_io);
	fprintf(f, "stored-unknown-fn %" PRIu64 "\n", st.outside_stored);
	for (unsigned int i = 0; i < st.nr_phases; i++)
		fprintf(f, "phase %s %" PRIu64 "\n", st.phases[i].name,
			st.phases[i].insns);
	for (unsigned int i = 0; i < st.nr_syms; i++)
		if (st.syms[i].insns || st.syms[i].stored)
			fprintf(f, "fn %s %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
				st.syms[i].name, st.syms[i].insns, st.syms[i].stored,
				st.syms[i].incl);
	for (unsigned int i = 0; i < st.nr_syms; i++)
		for (unsigned int k = 0; k < st.nr_phases; k++)
			if (st.syms[i].by_phase[k])
				fprintf(f, "infn %s %s %" PRIu64 "\n", st.phases[k].name,
					st.syms[i].name, st.syms[i].by_phase[k]);
	for (unsigned int i = 0; i < EDGE_SLOTS; i++)
		if (st.edges[i].fn)
			fprintf(f, "call %s %s %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
				st.edges[i].fn->name,
				st.edges[i].caller ? st.edges[i].caller->name : "-",
				st.edges[i].insns, st.edges[i].stored, st.edges[i].calls);
	qsort(st.lines, LINE_SLOTS, sizeof(*st.lines), line_cmp);
	for (unsigned int i = 0; i < LINE_SLOTS; i++)
		if (st.lines[i].key)
			fprintf(f, "line 0x%" PRIx64 " %" PRIu64 "\n",
				(st.lines[i].key - 1) << LINE_SHIFT, st.lines[i].bytes);
	fclose(f);
}

static void on_exec(unsigned int vcpu, void *udata)
{
	const struct insn *in = udata;

	(void)vcpu;
	if (st.phase == WAITING) {
		if (in->pc != st.entry)
			return;
		st.phase = RUNNING;
	} else if (st.phase == DONE) {
		return;
	}
	if (in->pc < st.img_lo || in->pc >= st.img_hi) {
		st.phase = DONE;
		st.stop_pc = in->pc;
		report();
		return;
	}
	for (unsigned int i = 1; i < st.nr_phases; i++)
		if (in->pc == st.phases[i].addr && !st.phases[i].started) {
			st.phases[i].started = 1;
			st.cur = &st.phases[i];
		}
	st.insns++;
	if (in->fn) {
		struct edge *e;

		/* A function's first instruction reached from another: a call. */
		int entered = in->pc == in->fn->addr && in->fn != st.prev;

		if (entered)
			in->fn->caller = st.prev;
		in->fn->insns++;
		in->fn->by_phase[st.cur->index]++;
		track_stack(in->fn, in->pc);
		e = edge_of(in->fn);
		if (e) {
			e->insns++;
			e->calls += (uint64_t)entered;
		}
	}
	st.prev = in->fn;
	st.cur->insns++;
}

static void on_store(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
		     void *udata)
{
	const struct insn *in = udata;
	struct qemu_plugin_hwaddr *hw;
	uint64_t bytes = 1ull << qemu_plugin_mem_size_shift(info);

	(void)vcpu;
	if (st.phase != RUNNING)
		return;
	hw = qemu_plugin_get_hwaddr(info, vaddr);
	if (hw && qemu_plugin_hwaddr_is_io(hw)) {
		st.stored_io += bytes;
		return;
	}
	st.stored += bytes;
	if (in->fn) {
		struct edge *e = edge_of(in->fn);

		in->fn->stored += bytes;
		if (e)
			e->stored += bytes;
	} else
		st.outside_stored += bytes;
	add_line(hw ? qemu_plugin_hwaddr_phys_addr(hw) : vaddr, bytes);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *qi = qemu_plugin_tb_get_insn(tb, i);
		struct insn *in = malloc(sizeof(*in));

		if (!in)
			abort();
		in->pc = qemu_plugin_insn_vaddr(qi);
		in->fn = sym_of(in->pc);
		qemu_plugin_register_vcpu_insn_exec_cb(qi, on_exec,
						       QEMU_PLUGIN_CB_NO_REGS, in);
		qemu_plugin_register_vcpu_mem_cb(qi, on_store, QEMU_PLUGIN_CB_NO_REGS,
						 QEMU_PLUGIN_MEM_W, in);
	}
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	if (st.phase != DONE)
		report();
}

/* nm -n output: text symbols (t, T, w, W) only, already in address order. */
static int load_syms(const char *path)
{
	FILE *f = fopen(path, "r");
	char name[256], type;
	uint64_t addr;

	if (!f)
		return -1;
	while (st.nr_syms < MAX_SYMS &&
	       fscanf(f, "%" SCNx64 " %c %255s", &addr, &type, name) == 3) {
		if (!strchr("tTwW", type) ||
		    (st.nr_syms && addr < st.syms[st.nr_syms - 1].addr))
			continue;
		st.syms[st.nr_syms].addr = addr;
		st.syms[st.nr_syms].name = strdup(name);
		st.nr_syms++;
	}
	fclose(f);
	return 0;
}

static int parse_arg(const char *arg)
{
	const char *v = strchr(arg, '=');
	char *end;

	if (!v)
		return -1;
	v++;
	if (!strncmp(arg, "entry=", 6)) {
		st.entry = strtoull(v, &end, 0);
		return *end ? -1 : 0;
	}
	if (!strncmp(arg, "image=", 6)) {
		st.img_lo = strtoull(v, &end, 0);
		if (*end != ':')
			return -1;
		st.img_hi = strtoull(end + 1, &end, 0);
		return *end || st.img_hi <= st.img_lo ? -1 : 0;
	}
	if (!strncmp(arg, "syms=", 5))
		return load_syms(v);
	if (!strncmp(arg, "phase=", 6)) {
		if (st.nr_phases == MAX_PHASES)
			return -1;
		st.phases[st.nr_phases++].name = v;
		return 0;
	}
	if (!strncmp(arg, "out=", 4)) {
		st.out = v;
		return 0;
	}
	return -1;
}

/* Each phase's function by name; "entry" first, for what runs before them all. */
static int find_phases(void)
{
	for (unsigned int i = st.nr_phases; i > 0; i--)
		st.phases[i] = st.phases[i - 1];
	st.phases[0].name = "entry";
	for (unsigned int i = 0; i < st.nr_phases + 1; i++)
		st.phases[i].index = i;
	st.nr_phases++;
	st.cur = &st.phases[0];
	for (unsigned int i = 1; i < st.nr_phases; i++) {
		unsigned int k = 0;

		while (k < st.nr_syms && strcmp(st.syms[k].name, st.phases[i].name))
			k++;
		if (k == st.nr_syms) {
			fprintf(stderr, "handover_count: no symbol '%s'\n",
				st.phases[i].name);
			return -1;
		}
		st.phases[i].addr = st.syms[k].addr;
	}
	return 0;
}

PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info,
				      int argc, char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++)
		if (parse_arg(argv[i])) {
			fprintf(stderr, "handover_count: bad argument '%s'\n", argv[i]);
			return -1;
		}
	if (!st.img_hi) {
		fprintf(stderr, "handover_count: image=START:END is required\n");
		return -1;
	}
	if (!st.entry)
		st.entry = st.img_lo;
	if (st.nr_phases == MAX_PHASES || find_phases())
		return -1;
	st.lines = calloc(LINE_SLOTS, sizeof(*st.lines));
	if (!st.lines)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
