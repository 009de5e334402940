/* wl_png_fast.c - 8-bit non-interlaced PNGs through libdeflate and branch-free filters.
 *
 * PNG (ISO/IEC 15948, W3C PNG 2nd ed.): signature, then chunks of
 * length(4) type(4) data crc(4), big-endian; IHDR first, the zlib stream
 * split over consecutive IDATs, IEND last.  Each row is a filter-type byte
 * and the filtered bytes (section 9); the filters predict each byte from
 * the one bpp bytes left (a), above (b) and above-left (c).
 *
 * The zlib stream is inflated in one call by libdeflate (whole-buffer,
 * 2.4x zlib's inflate on the photos of data/images: 6.3 ms against 15.5 ms
 * for the five; it checks the Adler-32 too), after the IDATs are joined;
 * CRCs with libdeflate's CRC-32 (zlib's polynomial).
 */
#include "workloads/image/wl_png_fast.h"

#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#include "sim/sim_status.h"
#include "workloads/image/wl_cpu.h"

/* Chunk types as big-endian words (PNG 5.6). */
#define PNG_IHDR 0x49484452u
#define PNG_IDAT 0x49444154u
#define PNG_IEND 0x49454E44u
#define PNG_PLTE 0x504C5445u
#define PNG_TRNS 0x74524E53u
/* Bit 5 of a type's first byte: 0 for critical chunks (PNG 5.4). */
#define PNG_ANCILLARY 0x20000000u
/* Length, type and CRC around a chunk's data. */
#define PNG_CHUNK_OVERHEAD 12
/* libpng's default limits (pnglibconf.h: PNG_USER_WIDTH_MAX and
 * PNG_USER_HEIGHT_MAX; PNG_USER_CHUNK_MALLOC_MAX, which also bounds an IDAT
 * from below): beyond them libpng refuses the file, so the path declines. */
#define PNG_LIBPNG_MAX_SIDE 1000000u
#define PNG_LIBPNG_MAX_CHUNK 8000000u
/* zlib's CINFO for a 32 KB window (RFC 1950): with a smaller declared window
 * zlib (so libpng) rejects distances beyond it, which libdeflate does not
 * check, so only 32 KB streams take this path. */
#define PNG_ZLIB_CINFO_32K 7

static const uint8_t k_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

static inline uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

typedef struct chunk {
    size_t pos;        /* of the length field */
    uint32_t len, type;
    const uint8_t *data;
} chunk;

/* The chunk at pos, if it fits in the buffer and (critical chunks only,
 * as libpng only warns about ancillary ones) its CRC matches. */
static bool chunk_at(const uint8_t *buf, size_t n, size_t pos, chunk *c)
{
    if (pos > n || n - pos < PNG_CHUNK_OVERHEAD) return false;
    c->pos = pos;
    c->len = be32(buf + pos);
    c->type = be32(buf + pos + 4);
    c->data = buf + pos + 8;
    if (c->len > PNG_LIBPNG_MAX_CHUNK || c->len > n - pos - PNG_CHUNK_OVERHEAD) return false;
    /* Type bytes are ASCII letters (PNG 5.4); libpng refuses others. */
    for (int i = 0; i < 4; i++) {
        uint8_t t = buf[pos + 4 + (size_t)i];
        if (!((t >= 'A' && t <= 'Z') || (t >= 'a' && t <= 'z'))) return false;
    }
    if (c->type & PNG_ANCILLARY) return true;
    return libdeflate_crc32(0, buf + pos + 4, (size_t)c->len + 4) == be32(c->data + c->len);
}

static size_t chunk_next(const chunk *c)
{
    return c->pos + PNG_CHUNK_OVERHEAD + c->len;
}

/* ---- filters (PNG 9.2), branch-free ----------------------------------- */

static inline int absi(int v) { return v < 0 ? -v : v; }

/* Paeth's predictor (PNG 9.4) with its tie order (a, then b, then c),
 * chosen by comparisons the compiler turns into conditional moves. */
static inline int paeth(int a, int b, int c)
{
    int pa = absi(b - c), pb = absi(a - c), pc = absi(a + b - 2 * c);
    int bc = pb <= pc ? b : c;
    return pa <= pb && pa <= pc ? a : bc;
}

/* Undo one row's filter: f the filtered bytes, prev the row above
 * (unfiltered; zeros for the first row), dst the result; n bytes, bpp
 * bytes per pixel (constant after inlining into unfilter_bpp). */
static inline __attribute__((always_inline)) void unfilter_row(int type, const uint8_t *restrict f,
                                                               const uint8_t *restrict prev,
                                                               uint8_t *restrict dst, size_t n,
                                                               int bpp)
{
    size_t i;
    switch (type) {
    case 0:
        memcpy(dst, f, n);
        break;
    case 1:
        for (i = 0; i < (size_t)bpp && i < n; i++) dst[i] = f[i];
        for (; i < n; i++) dst[i] = (uint8_t)(f[i] + dst[i - (size_t)bpp]);
        break;
    case 2:
        for (i = 0; i < n; i++) dst[i] = (uint8_t)(f[i] + prev[i]);
        break;
    case 3:
        for (i = 0; i < (size_t)bpp && i < n; i++) dst[i] = (uint8_t)(f[i] + (prev[i] >> 1));
        for (; i < n; i++) dst[i] = (uint8_t)(f[i] + ((dst[i - (size_t)bpp] + prev[i]) >> 1));
        break;
    default:   /* 4, Paeth; the caller checked the type */
        for (i = 0; i < (size_t)bpp && i < n; i++) dst[i] = (uint8_t)(f[i] + prev[i]);
        for (; i < n; i++)
            dst[i] = (uint8_t)(f[i] + paeth(dst[i - (size_t)bpp], prev[i],
                                             prev[i - (size_t)bpp]));
        break;
    }
}

WL_CLONES static void unfilter_bpp(int type, const uint8_t *f, const uint8_t *prev, uint8_t *dst,
                                   size_t n, int bpp)
{
    switch (bpp) {
    case 1: unfilter_row(type, f, prev, dst, n, 1); break;
    case 2: unfilter_row(type, f, prev, dst, n, 2); break;
    case 3: unfilter_row(type, f, prev, dst, n, 3); break;
    default: unfilter_row(type, f, prev, dst, n, 4); break;
    }
}

/* ---- the image data ---------------------------------------------------- */

/* The zlib stream of the consecutive IDATs from `first`: *z points at it
 * (into buf when there is one IDAT, else into *joined, which the caller
 * frees), *after past the last IDAT. */
static void gather_idat(const uint8_t *buf, size_t n, const chunk *first, const uint8_t **z,
                        size_t *zn, uint8_t **joined, size_t *after)
{
    chunk c = *first;
    size_t total = 0, count = 0, pos;
    for (pos = first->pos; chunk_at(buf, n, pos, &c) && c.type == PNG_IDAT; pos = chunk_next(&c)) {
        total += c.len;
        count++;
    }
    *after = pos;
    *zn = total;
    *joined = NULL;
    if (count == 1) {
        *z = first->data;
        return;
    }
    uint8_t *j = sim_xmalloc(total ? total : 1);
    size_t off = 0;
    for (pos = first->pos; off < total; pos = chunk_next(&c)) {
        chunk_at(buf, n, pos, &c);   /* validated by the first walk */
        memcpy(j + off, c.data, c.len);
        off += c.len;
    }
    *z = *joined = j;
}

/* Inflate exactly `want` bytes: no less (too little image data), no more,
 * and no byte of the stream left over. */
static bool inflate_all(const uint8_t *z, size_t zn, uint8_t *dst, size_t want)
{
    if (zn < 2 || z[0] >> 4 != PNG_ZLIB_CINFO_32K) return false;
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    if (!d) return false;
    size_t in = 0, out = 0;
    enum libdeflate_result r = libdeflate_zlib_decompress_ex(d, z, zn, dst, want, &in, &out);
    libdeflate_free_decompressor(d);
    return r == LIBDEFLATE_SUCCESS && in == zn && out == want;
}

/* The chunks after the image data, up to IEND: ancillary ones only. */
static bool walk_to_iend(const uint8_t *buf, size_t n, size_t pos)
{
    chunk c;
    for (;;) {
        if (!chunk_at(buf, n, pos, &c)) return false;
        if (c.type == PNG_IEND) return true;
        if (!(c.type & PNG_ANCILLARY)) return false;
        pos = chunk_next(&c);
    }
}

typedef struct hdr {
    uint32_t w, h;
    int bpp, out_ch;   /* bytes per pixel in the file; output channels */
} hdr;

/* Signature, IHDR (in scope?), the chunks up to the first IDAT (no PLTE or
 * tRNS, no unknown critical chunk). */
static bool read_head(const uint8_t *buf, size_t n, hdr *h, chunk *first_idat)
{
    chunk c;
    if (n < 8 || memcmp(buf, k_signature, 8) != 0) return false;
    if (!chunk_at(buf, n, 8, &c) || c.type != PNG_IHDR || c.len != 13) return false;
    const uint8_t *p = c.data;
    h->w = be32(p);
    h->h = be32(p + 4);
    int depth = p[8], ctype = p[9];
    if (h->w == 0 || h->h == 0 || h->w > PNG_LIBPNG_MAX_SIDE || h->h > PNG_LIBPNG_MAX_SIDE)
        return false;
    if ((long long)h->w * h->h > WL_IMAGE_MAX_PIXELS) return false;
    if (depth != 8 || p[10] != 0 || p[11] != 0 || p[12] != 0) return false;
    switch (ctype) {
    case 0: h->bpp = 1; h->out_ch = 1; break;   /* gray */
    case 2: h->bpp = 3; h->out_ch = 3; break;   /* RGB */
    case 4: h->bpp = 2; h->out_ch = 1; break;   /* gray + alpha */
    case 6: h->bpp = 4; h->out_ch = 3; break;   /* RGBA */
    default: return false;                     /* palette, or invalid */
    }
    for (size_t pos = chunk_next(&c);; pos = chunk_next(&c)) {
        if (!chunk_at(buf, n, pos, &c)) return false;
        if (c.type == PNG_IDAT) break;
        if (c.type == PNG_PLTE || c.type == PNG_TRNS || !(c.type & PNG_ANCILLARY)) return false;
    }
    *first_idat = c;
    return true;
}

/* Every row: unfilter f (rows of a filter byte and the filtered bytes)
 * against the row above, drop alpha. */
static bool unfilter_rows(const uint8_t *f, const hdr *h, wl_image *out)
{
    size_t rowbytes = (size_t)h->w * (size_t)h->bpp, fb = rowbytes + 1;
    bool alpha = h->bpp != h->out_ch;
    /* raw: this row and the one above, unfiltered (with alpha); without
     * alpha the output rows themselves. */
    uint8_t *zero = sim_xcalloc(1, rowbytes);
    uint8_t *raw = alpha ? sim_xmalloc(2 * rowbytes) : NULL;
    const uint8_t *prev = zero;
    bool ok = true;
    for (uint32_t y = 0; y < h->h && ok; y++) {
        const uint8_t *row = f + fb * y;
        ok = row[0] <= 4;
        if (!ok) break;
        uint8_t *dst = alpha ? raw + (y & 1) * rowbytes : wl_image_row(out, (int)y);
        unfilter_bpp(row[0], row + 1, prev, dst, rowbytes, h->bpp);
        prev = dst;
        if (!alpha) continue;
        uint8_t *o = wl_image_row(out, (int)y);
        size_t k = (size_t)h->out_ch;
        for (uint32_t x = 0; x < h->w; x++) memcpy(o + x * k, dst + x * (size_t)h->bpp, k);
    }
    free(zero);
    free(raw);
    return ok;
}

bool wl_png_fast_decode(const uint8_t *buf, size_t n, wl_image *out)
{
    memset(out, 0, sizeof *out);
    hdr h;
    chunk first;
    if (!read_head(buf, n, &h, &first)) return false;
    const uint8_t *z;
    uint8_t *joined;
    size_t zn, after;
    gather_idat(buf, n, &first, &z, &zn, &joined, &after);
    size_t fsize = ((size_t)h.w * (size_t)h.bpp + 1) * h.h;
    uint8_t *f = sim_xmalloc(fsize);
    out->width = (int)h.w;
    out->height = (int)h.h;
    out->channels = h.out_ch;
    out->stride = (int)h.w * h.out_ch;
    out->data = sim_xmalloc((size_t)out->stride * (size_t)h.h);
    bool ok = inflate_all(z, zn, f, fsize) && unfilter_rows(f, &h, out) &&
              walk_to_iend(buf, n, after);
    free(f);
    free(joined);
    if (!ok) {
        wl_image_free(out);
        memset(out, 0, sizeof *out);
    }
    return ok;
}
