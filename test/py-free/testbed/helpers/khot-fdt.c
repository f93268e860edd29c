/*
 * khot-fdt: print one property of a flattened device tree file, for the guest
 * scripts (KHO sub-blobs such as the memblock FDT carry native-endian u64
 * values that busybox cannot decode).
 *
 *   khot-fdt FILE NODE-PATH PROP
 *
 * PROP "#u64" picks the node's first 8-byte property without reading its name:
 * debugfs kho/out/fdt is cut short of its strings block once sub-blobs are
 * added, and the root's only u64 is preserved-memory-map.
 *
 * An 8-byte value prints as a native u64 ("0x..."), a NUL-terminated string
 * as text, anything else as hex bytes. Exit 1 if the node or property is
 * missing or the blob is malformed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define MAX_DEPTH 32

struct blob {
	const uint8_t *p;
	size_t len;
};

static uint32_t be32(const struct blob *b, size_t off, int *ok)
{
	if (off > b->len || b->len - off < 4) {
		*ok = 0;
		return 0;
	}
	return (uint32_t)b->p[off] << 24 | b->p[off + 1] << 16 | b->p[off + 2] << 8 |
	       b->p[off + 3];
}

static void print_value(const uint8_t *v, uint32_t len)
{
	uint64_t u;

	if (len == 8) {
		memcpy(&u, v, 8);
		printf("0x%llx\n", (unsigned long long)u);
	} else if (len && v[len - 1] == 0 && strlen((const char *)v) == len - 1) {
		printf("%s\n", (const char *)v);
	} else {
		for (uint32_t i = 0; i < len; i++)
			printf("%02x", v[i]);
		printf("\n");
	}
}

/* Walk the structure block; print PROP of the node whose path equals @path. */
static int find(const struct blob *b, const char *path, const char *prop)
{
	int ok = 1, depth = 0;
	size_t off = be32(b, 8, &ok), strs = be32(b, 12, &ok),
	       plen[MAX_DEPTH + 1] = { 0 };
	char cur[1024] = "";

	while (ok) {
		uint32_t tok = be32(b, off, &ok), len, nameoff;
		const char *name;

		off += 4;
		switch (tok) {
		case FDT_BEGIN_NODE:
			name = (const char *)b->p + off;
			len = (uint32_t)strnlen(name, b->len - off);
			if (off + len >= b->len || depth >= MAX_DEPTH ||
			    plen[depth] + len + 2 > sizeof(cur))
				return -1;
			plen[depth + 1] = plen[depth] + (depth ? 1 + len : 0);
			if (depth)
				sprintf(cur + plen[depth], "/%s", name);
			depth++;
			off += (len + 4) & ~3u;
			break;
		case FDT_END_NODE:
			if (!depth--)
				return -1;
			cur[plen[depth]] = 0;
			break;
		case FDT_PROP:
			len = be32(b, off, &ok);
			nameoff = be32(b, off + 4, &ok);
			off += 8;
			if (!ok || len > b->len - off)
				return -1;
			if (!strcmp(prop, "#u64")) {
				name = prop; /* no name needed: the first u64 */
				if (len != 8)
					name = "";
			} else if (strs + nameoff >= b->len) {
				return -1;
			} else {
				name = (const char *)b->p + strs + nameoff;
			}
			if (!strcmp(strcmp(path, "/") ? path : "", cur) &&
			    !strcmp(name, prop)) {
				print_value(b->p + off, len);
				return 0;
			}
			off += (len + 3) & ~3u;
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			return 1;
		default:
			return -1;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	static uint8_t buf[1 << 20];
	struct blob b = { buf, 0 };
	FILE *f;
	int ok = 1, rc;

	if (argc != 4) {
		fprintf(stderr, "usage: khot-fdt FILE NODE-PATH PROP\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	b.len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (be32(&b, 0, &ok) != FDT_MAGIC || !ok) {
		fprintf(stderr, "khot-fdt: %s: not a flattened device tree\n", argv[1]);
		return 1;
	}
	rc = find(&b, argv[2], argv[3]);
	if (rc)
		fprintf(stderr, "khot-fdt: %s: %s\n", argv[1],
			rc > 0 ? "no such node or property"
			       : "malformed structure block");
	return rc ? 1 : 0;
}
