/* SPDX-License-Identifier: MIT */
/*
 * pngstat: what a rendered picture holds, so a test can tell a real drawing from
 * a blank or broken one. Reads an 8-bit RGB or RGBA PNG (what rsvg-convert
 * writes) and prints "WIDTH HEIGHT COLOURS INKED": the distinct colours and the
 * pixels that are not white; then, for each RRGGBB given, "RRGGBB PIXELS".
 *
 *   pngstat FILE.png [RRGGBB ...]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void die(const char *msg)
{
	fprintf(stderr, "pngstat: %s\n", msg);
	exit(1);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n;

	if (!f)
		die("cannot open the file");
	*len = 0;
	do {
		if (*len == cap) {
			cap = cap ? 2 * cap : 1 << 16;
			buf = realloc(buf, cap);
			if (!buf)
				die("out of memory");
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n);
	fclose(f);
	return buf;
}

static int paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Undo the per-row filters in place; rows are 1 + stride bytes. */
static void unfilter(unsigned char *d, uint32_t h, size_t stride, int bpp)
{
	for (uint32_t y = 0; y < h; y++) {
		unsigned char *row = d + y * (stride + 1), *cur = row + 1;
		unsigned char *up = y ? row - stride : NULL;

		for (size_t x = 0; x < stride; x++) {
			int a = x >= (size_t)bpp ? cur[x - bpp] : 0, b = up ? up[x] : 0;
			int c = up && x >= (size_t)bpp ? up[x - bpp] : 0;
			int pred[5] = { 0, a, b, (a + b) / 2, paeth(a, b, c) };

			if (row[0] > 4)
				die("bad filter type");
			cur[x] = (unsigned char)(cur[x] + pred[row[0]]);
		}
	}
}

/* Distinct values in an open-addressing set of 2^bits slots (0 marks empty). */
#define MAX_PROBES 32

struct probes {
	uint32_t rgb[MAX_PROBES];
	size_t hits[MAX_PROBES];
	int n;
};

static size_t count_colours(const unsigned char *d, uint32_t w, uint32_t h, int bpp,
			    size_t *inked, struct probes *pr)
{
	size_t size = 1u << 22, n = 0, stride = (size_t)w * bpp;
	uint32_t *set = calloc(size, sizeof(*set));

	if (!set)
		die("out of memory");
	*inked = 0;
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			const unsigned char *p =
				d + y * (stride + 1) + 1 + (size_t)x * bpp;
			uint32_t v = (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 |
				     (bpp == 4 ? p[3] : 255u);
			uint32_t key = v + 1 ? v + 1 : 1, i = (key * 2654435761u) % size;

			*inked += (v | 0xffu) != 0xffffffffu;
			for (int k = 0; k < pr->n; k++)
				pr->hits[k] += v >> 8 == pr->rgb[k];
			while (set[i] && set[i] != key)
				i = (i + 1) % size;
			if (!set[i]) {
				set[i] = key;
				n++;
			}
		}
	free(set);
	return n;
}

struct image {
	uint32_t w, h;
	int bpp;
	unsigned char *z; /* the IDAT chunks, concatenated */
	size_t zlen;
};

/* Walk the chunks: IHDR gives the geometry, IDATs the compressed rows. */
static void parse(const unsigned char *png, size_t len, struct image *im)
{
	size_t off = 8;

	if (len < 8 || memcmp(png, "\x89PNG\r\n\x1a\n", 8))
		die("not a PNG");
	for (; off + 12 <= len; off += 12 + be32(png + off)) {
		uint32_t n = be32(png + off);
		const unsigned char *type = png + off + 4, *data = png + off + 8;

		if (n > len - off - 12)
			die("truncated chunk");
		if (!memcmp(type, "IHDR", 4)) {
			im->w = be32(data);
			im->h = be32(data + 4);
			if (data[8] != 8 || (data[9] != 2 && data[9] != 6) || data[12])
				die("only 8-bit RGB/RGBA, not interlaced");
			im->bpp = data[9] == 6 ? 4 : 3;
		} else if (!memcmp(type, "IDAT", 4)) {
			im->z = realloc(im->z, im->zlen + n);
			if (!im->z)
				die("out of memory");
			memcpy(im->z + im->zlen, data, n);
			im->zlen += n;
		}
	}
	if (!im->bpp || !im->w || !im->h || im->w > 1u << 15 || im->h > 1u << 15)
		die("no usable IHDR");
}

int main(int argc, char **argv)
{
	struct image im = { 0, 0, 0, NULL, 0 };
	struct probes pr = { .n = 0 };
	size_t len, inked, colours;
	unsigned char *png, *raw;
	uLongf rawlen, want;

	if (argc < 2 || argc - 2 > MAX_PROBES)
		die("usage: pngstat FILE.png [RRGGBB ...]");
	for (int i = 2; i < argc; i++)
		pr.rgb[pr.n++] = (uint32_t)strtoul(argv[i], NULL, 16);
	png = slurp(argv[1], &len);
	parse(png, len, &im);
	want = rawlen = (uLongf)im.h * ((size_t)im.w * im.bpp + 1);
	raw = malloc(rawlen);
	if (!raw || uncompress(raw, &rawlen, im.z, im.zlen) != Z_OK || rawlen != want)
		die("bad image data");
	unfilter(raw, im.h, (size_t)im.w * im.bpp, im.bpp);
	colours = count_colours(raw, im.w, im.h, im.bpp, &inked, &pr);
	printf("%u %u %zu %zu\n", im.w, im.h, colours, inked);
	for (int k = 0; k < pr.n; k++)
		printf("%06x %zu\n", pr.rgb[k], pr.hits[k]);
	free(raw);
	free(im.z);
	free(png);
	return 0;
}
