/* SPDX-License-Identifier: MIT */
/*
 * Reading a handover with libkho, in the order a receiver does: open (find and
 * validate the KHO FDT, map root and scratch array), blobs (each sub-blob's
 * pointer and size), protect (walk the map and record everything in a reservation
 * map). The stage that fails is kept so every command can say where it broke.
 */
#include "khotool.h"
#include <kho/err.h>
#include <stdlib.h>
#include <string.h>

static int collect_blob(void *arg, const struct kho_blob *b)
{
	struct khotool_handover *h = arg;
	struct kho_blob *grown;

	grown = realloc(h->blobs, (h->nr_blobs + 1) * sizeof(*h->blobs));
	if (!grown)
		return -KHO_E_NOMEM;
	h->blobs = grown;
	h->blobs[h->nr_blobs++] = *b;
	return 0;
}

int khotool_handover_load(struct khotool_handover *h, const struct khotool_input *in,
			  const struct khotool_opts *o, const struct khotool_src *s,
			  const char *cmd)
{
	int err;

	memset(h, 0, sizeof(*h));
	h->stage = "open";
	if (in->has_ch)
		err = kho_in_open_at(&h->in, &in->ch, &in->mem, o->page_shift, s->abi);
	else
		err = kho_in_open(&h->in, in->dtb.data, &in->mem, o->page_shift, s->abi);
	if (err)
		return err;
	h->stage = "blobs";
	err = kho_in_for_each_blob(&h->in, collect_blob, h);
	if (err < 0)
		return err;
	h->stage = "protect";
	h->storage = malloc(KHOTOOL_RMAP_CAP * sizeof(*h->storage));
	if (!h->storage)
		return -KHO_E_NOMEM;
	kho_rmap_init(&h->rm, h->storage, KHOTOOL_RMAP_CAP);
	err = s->live == KHOTOOL_LIVE_IN ? khotool_live_in_protect(h, o, cmd) : 1;
	if (err > 0)
		err = kho_in_protect_stats(&h->in, &h->rm, &h->stats);
	if (!err)
		h->stage = NULL;
	return err;
}

void khotool_handover_free(struct khotool_handover *h)
{
	free(h->blobs);
	free(h->storage);
	memset(h, 0, sizeof(*h));
}

int khotool_open_src(const char *cmd_name, const struct khotool_opts *o,
		     unsigned int side, struct khotool_input *in,
		     struct khotool_handover *h)
{
	const struct khotool_src *s = &o->src[side];
	char cmd[64];
	int status, err;

	/* With two handovers, say which one: "khotool: diff: b: ..." */
	if (o->nr_src < 2)
		snprintf(cmd, sizeof(cmd), "%s", cmd_name);
	else
		snprintf(cmd, sizeof(cmd), "%s: %c", cmd_name, "ab"[side]);
	memset(h, 0, sizeof(*h));
	status = khotool_input_load(in, o, s, cmd);
	if (status)
		return status;
	err = khotool_handover_load(h, in, o, s, cmd);
	if (err == -KHO_E_COMPAT && s->abi != KHO_ABI_AUTO)
		khotool_err(cmd, "%s (stage: %s; --abi %s expects \"%s\")",
			    kho_strerror(err), h->stage, kho_abi_name(s->abi),
			    kho_abi_compatible(s->abi));
	else if (err)
		khotool_err(cmd, "%s (stage: %s)", kho_strerror(err), h->stage);
	if (err && s->live == KHOTOOL_LIVE_IN && !h->from_memblock && h->stage &&
	    !strcmp(h->stage, "protect"))
		khotool_err(cmd,
			    "--live: Linux frees the map's pages once it has read them; "
			    "mount debugfs, so khotool reads the kernel's memblock "
			    "record of preserved memory instead");
	return err ? KHOTOOL_EXIT_INVALID : KHOTOOL_EXIT_OK;
}

void khotool_close(struct khotool_input *in, struct khotool_handover *h)
{
	khotool_handover_free(h);
	khotool_input_free(in);
}

int khotool_open(const char *cmd, const struct khotool_opts *o, struct khotool_input *in,
		 struct khotool_handover *h)
{
	return khotool_open_src(cmd, o, 0, in, h);
}
