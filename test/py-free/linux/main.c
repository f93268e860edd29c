// SPDX-License-Identifier: GPL-2.0
/*
 * khofw_dma: the next kernel's side of khofw's DMA hand-over (docs/dma.md), for
 * the test bed. It finds the "khofw" sub-blob with kho_retrieve_subtree(),
 * checks each allocation against its "dma-alloc" entry and against what KHO
 * itself recorded for the block (the order and magic the kernel put in the head
 * page's private field when it read the preserved-memory map), restores it with
 * kho_restore_pages() for 1 << get_order(size) pages, maps it as Linux maps a
 * non-coherent device's buffer (vmap with pgprot_dmacoherent: Normal
 * non-cacheable) and verifies the firmware's test pattern.
 *
 * expect=PHYS:SIZE:SEED[,...] names the buffers the firmware filled (pattern of
 * include/boot/pattern.h under SEED); each must be in the subtree. Every
 * verdict is a "khofw_dma: PASS: ..." or "khofw_dma: FAIL: ..." line; the test
 * bed's /init turns them into its own PASS:/FAIL: lines.
 */
#define pr_fmt(fmt) "khofw_dma: " fmt

#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include <boot/pattern.h>

#define KHOFW_BLOB "khofw"
#define KHOFW_COMPATIBLE "khofw-v1"
#define DMA_ALLOC_BLOB "dma-alloc"
#define MAX_EXPECT 8

/* page->private of a preserved head page, as kernel/liveupdate/kexec_handover.c sets it.
 */
union kho_head_info {
	unsigned long private;
	struct {
		unsigned int order;
		unsigned int magic;
	};
};
#define KHO_PAGE_MAGIC 0x4b484f50U /* "KHOP" */

/* struct dma_alloc_ser of the dma-direct preserve RFC (include/kho/abi.h). */
struct dma_alloc_ser {
	u64 page_phys;
	u64 size;
	u64 attrs;
	u8 force_decrypted;
	u8 padding[7];
} __packed;

struct alloc {
	const char *name;
	u64 index, phys, size, order, attrs, coherent, decrypted;
	const char *device, *mapping;
};

struct expect {
	u64 phys, size, seed;
	bool seen;
};

static char *expect;
module_param(expect, charp, 0444);
MODULE_PARM_DESC(expect, "PHYS:SIZE:SEED,... buffers filled with the test pattern");

static struct expect want[MAX_EXPECT];
static unsigned int nr_want;
static unsigned int failed;

#define PASS(fmt, ...) pr_info("PASS: " fmt "\n", ##__VA_ARGS__)
#define FAIL(fmt, ...) (failed++, pr_err("FAIL: " fmt "\n", ##__VA_ARGS__))

static int parse_expect(void)
{
	char *s = expect, *item;

	while (s && (item = strsep(&s, ",")) && *item) {
		struct expect *e = &want[nr_want];
		char *a = strsep(&item, ":"), *b = strsep(&item, ":");

		if (nr_want == MAX_EXPECT || !a || !b || !item ||
		    kstrtoull(a, 0, &e->phys) || kstrtoull(b, 0, &e->size) ||
		    kstrtoull(item, 0, &e->seed))
			return -EINVAL;
		nr_want++;
	}
	return 0;
}

/* A sub-blob: where it is, restored (its page is ours now), and mapped. */
static const void *take_blob(const char *name, size_t *size)
{
	phys_addr_t phys;
	int err = kho_retrieve_subtree(name, &phys, size);

	if (err) {
		FAIL("no '%s' sub-blob in the KHO FDT (%d)", name, err);
		return NULL;
	}
	if (!*size || offset_in_page(phys) + *size > PAGE_SIZE) {
		FAIL("'%s' sub-blob at %pa: %zu bytes do not fit its page", name, &phys,
		     *size);
		return NULL;
	}
	if (!kho_restore_pages(phys & PAGE_MASK, 1)) {
		FAIL("'%s' sub-blob page %pa is not a preserved order-0 page", name,
		     &phys);
		return NULL;
	}
	pr_info("'%s' sub-blob at %pa, %zu bytes\n", name, &phys, *size);
	return phys_to_virt(phys);
}

static int get_u64(const void *fdt, int node, const char *name, u64 *v)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len != 8)
		return -EINVAL;
	memcpy(v, p, 8); /* native, as in the KHO FDT */
	return 0;
}

static int get_str(const void *fdt, int node, const char *name, const char **s)
{
	int len;
	const char *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len < 1 || p[len - 1])
		return -EINVAL;
	*s = p;
	return 0;
}

static int read_alloc(const void *fdt, int node, struct alloc *a)
{
	a->name = fdt_get_name(fdt, node, NULL);
	if (get_u64(fdt, node, "index", &a->index) ||
	    get_u64(fdt, node, "phys", &a->phys) ||
	    get_u64(fdt, node, "size", &a->size) ||
	    get_u64(fdt, node, "order", &a->order) ||
	    get_u64(fdt, node, "attrs", &a->attrs) ||
	    get_u64(fdt, node, "coherent", &a->coherent) ||
	    get_u64(fdt, node, "decrypted", &a->decrypted) ||
	    get_str(fdt, node, "device", &a->device) ||
	    get_str(fdt, node, "mapping", &a->mapping))
		return -EINVAL;
	return 0;
}

/* The subtree's record against the RFC entry of the same allocation. */
static bool check_entry(const struct alloc *a, const struct dma_alloc_ser *e, size_t n)
{
	if (a->index >= n) {
		FAIL("%s: index %llu, but dma-alloc has %zu entries", a->name, a->index,
		     n);
		return false;
	}
	e += a->index;
	if (e->page_phys != a->phys || e->size != a->size || e->attrs != a->attrs ||
	    e->force_decrypted != a->decrypted) {
		FAIL("%s: dma-alloc entry %llu says phys 0x%llx size 0x%llx attrs 0x%llx "
		     "decrypted %u, the khofw record 0x%llx 0x%llx 0x%llx %llu",
		     a->name, a->index, e->page_phys, e->size, e->attrs,
		     e->force_decrypted, a->phys, a->size, a->attrs, a->decrypted);
		return false;
	}
	PASS("%s: khofw record matches dma-alloc entry %llu (attrs 0x%llx, decrypted "
	     "%llu)",
	     a->name, a->index, a->attrs, a->decrypted);
	return true;
}

/*
 * What KHO recorded for the block at phys before anyone restored it: one block
 * of exactly get_order(size), or the firmware preserved the wrong page count.
 */
static bool check_preserved(const struct alloc *a, unsigned int order)
{
	struct page *page = pfn_to_online_page(PHYS_PFN(a->phys));
	union kho_head_info info;

	if (a->order != order) {
		FAIL("%s: the record says order %llu, get_order(0x%llx) is %u", a->name,
		     a->order, a->size, order);
		return false;
	}
	if (!page || !PAGE_ALIGNED(a->phys)) {
		FAIL("%s: 0x%llx is not the start of an online page", a->name, a->phys);
		return false;
	}
	info.private = page->private;
	if (info.magic != KHO_PAGE_MAGIC) {
		FAIL("%s: 0x%llx is not the head of a preserved block", a->name, a->phys);
		return false;
	}
	if (info.order != order) {
		FAIL("%s: 0x%llx is preserved as an order-%u block (%lu page(s)); "
		     "get_order(0x%llx) is %u (%lu pages): the firmware preserved the "
		     "wrong page count",
		     a->name, a->phys, info.order, 1ul << info.order, a->size, order,
		     1ul << order);
		return false;
	}
	PASS("%s: 0x%llx preserved as one order-%u block, %lu pages for 0x%llx bytes",
	     a->name, a->phys, order, 1ul << order, a->size);
	return true;
}

/* Linux's mapping for the device: non-cacheable unless it is dma-coherent. */
static void *map_alloc(const struct alloc *a, struct page *head, unsigned long n)
{
	struct page **pages;
	void *va;

	if (a->coherent)
		return page_address(head);
	pages = kmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (unsigned long i = 0; i < n; i++)
		pages[i] = head + i;
	va = vmap(pages, n, VM_MAP, pgprot_dmacoherent(PAGE_KERNEL));
	kfree(pages);
	return va;
}

static void verify(const struct alloc *a, const void *va)
{
	for (unsigned int i = 0; i < nr_want; i++) {
		struct expect *e = &want[i];
		const u64 *p = va;

		if (e->phys != a->phys)
			continue;
		if (e->size > a->size) {
			FAIL("%s: expected 0x%llx bytes, the allocation has 0x%llx",
			     a->name, e->size, a->size);
			return;
		}
		for (u64 off = 0; off < e->size; off += 8)
			if (p[off / 8] != boot_pattern(a->phys + off, e->seed)) {
				FAIL("%s: content differs at offset 0x%llx (%s mapping)",
				     a->name, off,
				     a->coherent ? "cacheable" : "uncached");
				return;
			}
		PASS("%s: content intact through a%s mapping (%llu bytes, seed 0x%llx)",
		     a->name,
		     a->coherent ? " cacheable" : "n uncached (pgprot_dmacoherent)",
		     e->size, e->seed);
	}
}

static void take_alloc(const struct alloc *a, const struct dma_alloc_ser *e, size_t n)
{
	unsigned int order = get_order(a->size);
	unsigned long pages = 1ul << order;
	struct page *head;
	void *va;

	pr_info("%s: phys 0x%llx size 0x%llx order %llu, %s device %s, mapping %s\n",
		a->name, a->phys, a->size, a->order,
		a->coherent ? "coherent" : "non-coherent", a->device, a->mapping);
	for (unsigned int i = 0; i < nr_want; i++)
		want[i].seen |= want[i].phys == a->phys;
	if (!check_entry(a, e, n) || !check_preserved(a, order))
		return;
	if (!a->coherent && strcmp(a->mapping, "nc"))
		FAIL("%s: non-coherent, but the firmware mapped it '%s'", a->name,
		     a->mapping);
	head = kho_restore_pages(a->phys, pages);
	if (!head) {
		FAIL("%s: kho_restore_pages(0x%llx, %lu) failed", a->name, a->phys,
		     pages);
		return;
	}
	PASS("%s: kho_restore_pages(0x%llx, %lu) restored it", a->name, a->phys, pages);
	va = map_alloc(a, head, pages);
	if (!va) {
		FAIL("%s: cannot map it", a->name);
		return;
	}
	verify(a, va);
	if (!a->coherent)
		vunmap(va);
}

static int __init khofw_dma_init(void)
{
	const struct dma_alloc_ser *entries;
	struct alloc a;
	size_t size, esize;
	const void *fdt;
	int node, count = 0;

	if (parse_expect())
		FAIL("bad expect= '%s' (want PHYS:SIZE:SEED,...)", expect);
	fdt = take_blob(KHOFW_BLOB, &size);
	entries = take_blob(DMA_ALLOC_BLOB, &esize);
	if (!fdt || !entries)
		goto out;
	if (fdt_check_header(fdt) || fdt_totalsize(fdt) > size ||
	    fdt_node_check_compatible(fdt, 0, KHOFW_COMPATIBLE)) {
		FAIL("the khofw sub-blob is not a %s FDT", KHOFW_COMPATIBLE);
		goto out;
	}
	fdt_for_each_subnode (node, fdt, 0) {
		if (read_alloc(fdt, node, &a)) {
			FAIL("malformed record '%s'", fdt_get_name(fdt, node, NULL));
			continue;
		}
		take_alloc(&a, entries, esize / sizeof(*entries));
		count++;
	}
	for (unsigned int i = 0; i < nr_want; i++)
		if (!want[i].seen)
			FAIL("no allocation at 0x%llx in the khofw sub-blob",
			     want[i].phys);
out:
	pr_info("%d allocation(s), %u failure(s)\n", count, failed);
	return 0;
}
module_init(khofw_dma_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION(
	"khofw test bed: restore and check firmware DMA allocations handed over by KHO");
