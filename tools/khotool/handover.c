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
			  const struct khotool_opts *o)
{
	int err;

	memset(h, 0, sizeof(*h));
	h->stage = "open";
	err = kho_in_open(&h->in, in->dtb.data, &in->mem, o->page_shift, o->abi);
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

int khotool_open(const char *cmd, const struct khotool_opts *o, struct khotool_input *in,
		 struct khotool_handover *h)
{
	int status, err;

	memset(h, 0, sizeof(*h));
	status = khotool_input_load(in, o, cmd);
	if (status)
		return status;
	err = khotool_handover_load(h, in, o);
	if (err == -KHO_E_COMPAT && o->abi != KHO_ABI_AUTO)
		khotool_err(cmd, "%s (stage: %s; --abi %s expects \"%s\")",
			    kho_strerror(err), h->stage, kho_abi_name(o->abi),
			    kho_abi_compatible(o->abi));
	else if (err)
		khotool_err(cmd, "%s (stage: %s)", kho_strerror(err), h->stage);
	return err ? KHOTOOL_EXIT_INVALID : KHOTOOL_EXIT_OK;
}

void khotool_close(struct khotool_input *in, struct khotool_handover *h)
{
	khotool_handover_free(h);
	khotool_input_free(in);
}
