/* SPDX-License-Identifier: MIT */
/*
 * The stage's footprint (from the linker script) and its page pool: zeroed 4 KiB
 * pages handed out in order from a region of the footprint that is not cleared
 * at entry (pages are cleared as they are handed out).
 */
#include "stage.h"

#include <kho/err.h>
#include <string.h>

#define STAGE_PAGE 4096u

extern char __image_start[], __image_end[];
extern char __page_pool_start[], __page_pool_end[];

struct page_pool {
	u64 next;
	u64 end;
};

/* The one pool of the stage's one pool region; lives in bss (zero at entry). */
static struct page_pool pool;

u64 stage_image_start(void)
{
	return (uintptr_t)__image_start;
}

u64 stage_image_end(void)
{
	return (uintptr_t)__image_end;
}

static int pool_alloc(void *arg, u64 *phys)
{
	struct page_pool *p = arg;

	if (!p->end) {
		p->next = (uintptr_t)__page_pool_start;
		p->end = (uintptr_t)__page_pool_end;
	}
	if (p->end - p->next < STAGE_PAGE)
		return -KHO_E_NOMEM;
	memset((void *)(uintptr_t)p->next, 0, STAGE_PAGE);
	*phys = p->next;
	p->next += STAGE_PAGE;
	return 0;
}

struct kho_page_alloc stage_page_alloc(void)
{
	return (struct kho_page_alloc){ pool_alloc, &pool };
}
