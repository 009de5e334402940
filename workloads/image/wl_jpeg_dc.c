/* wl_jpeg_dc.c - DC-only baseline JPEG decoding at scale 1/8 (see the header).
 *
 * Entropy-coded data (ITU-T T.81, F.2.2): per block one DC difference
 * (a Huffman-coded size s, then s extra bits) and AC run/size symbols up to
 * EOB or the 63rd coefficient.  Each Huffman table gets two look-up tables
 * indexed by the next DC_LOOK bits: the symbol and its code length, and for
 * AC the whole skip of the next one or two symbols (code lengths + extra
 * bits, and how far k moves).  Longer codes take the canonical decode
 * (F.2.2.3).  Skipping two symbols per look-up is what makes this faster
 * than libjpeg-turbo's decode_mcu, which decodes one symbol per look-up and
 * was as fast as this path with one (README "Image kernels").
 *
 * The bit reader keeps up to 64 bits MSB-first and refills eight bytes at
 * once when none of them is 0xFF; otherwise byte by byte, unstuffing FF 00.
 * At a marker it feeds zero bits, as libjpeg does, and counts them: having
 * consumed one means the data ran out, and the path declines.
 */
#include "workloads/image/wl_jpeg_dc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_status.h"
#include "workloads/image/wl_cpu.h"

/* Look-up width in bits: 2^11 entries per table (4 KB of symbols, 8 KB of
 * skips, so a scan's tables stay in L1) hold every code of up to 11 bits;
 * in the benchmark's photos 97% of AC symbols with their extra bits fit,
 * and 58% of look-ups skip two (JPEG codes are at most 16 bits, F.2.2.3).
 * 12 bits measured no faster. */
#define DC_LOOK 11
#define DC_LOOK_N (1 << DC_LOOK)
/* A symbol takes at most 16 code bits plus 15 extra bits; the reader tops
 * up below this, so a symbol never needs a second refill. */
#define DC_SYMBOL_BITS 32
/* How far an AC skip-table entry moves k to end the block (EOB, and the
 * run/size 0 symbols libjpeg treats as EOB). */
#define DC_K_END 64
/* Most AC symbols a skip-table entry covers: with ~4.7 bits per symbol
 * (extra bits included) in the benchmark's photos, 3 fit often in 11 bits. */
#define DC_RUN 3

typedef struct huff {
    uint16_t sym[DC_LOOK_N];    /* (length << 8) | symbol, 0: longer code */
    /* AC skips, bit fields: [0,4) the bits of the next symbol with its
     * extra bits (0: slow path), [4,11) how far it moves k; [11,16) and
     * [16,24) the same for the next run of up to DC_RUN symbols; [24,32)
     * see huff_build.  A DC table's entries are instead the difference
     * (code and extra bits decoded together) times 256 plus the bits. */
    uint32_t skip[DC_LOOK_N];
    int32_t maxcode[18];        /* largest code of each length, -1: none */
    int32_t valoff[17];         /* index of a length's first symbol minus its first code */
    uint8_t val[256];
} huff;

/* The reader.  The hot loop keeps `buf`, `cnt` and `pos` in registers
 * (locals whose address never leaves an inlined function); the slow paths
 * take and return them through this struct. */
typedef struct bits {
    uint64_t buf;          /* MSB-first */
    int64_t cnt;           /* valid bits in buf */
    ptrdiff_t pos;         /* next byte of data */
    ptrdiff_t lim;         /* last pos the 8-byte refill may read at; -1 after a marker */
    ptrdiff_t n;           /* bytes of data */
    int64_t fake;          /* zero bits appended after a marker or the end */
    const uint8_t *data;
} bits;

/* ---- Huffman tables (libjpeg's jpeg_make_d_derived_tbl, as checks) ------ */

static bool huff_build(huff *h, const JHUFF_TBL *t, bool is_dc)
{
    if (!t) return false;
    uint16_t code[256];
    uint8_t len[256];
    int n = 0;
    for (int l = 1; l <= 16; l++)
        for (int i = 0; i < t->bits[l]; i++) {
            if (n >= 256) return false;
            len[n++] = (uint8_t)l;
        }
    /* Canonical codes (C.2).  As libjpeg's jpeg_make_d_derived_tbl, a table
     * whose next code after a length reaches 2^length (the all-ones code is
     * reserved) is bogus: libjpeg rejects it, so the path declines. */
    uint32_t c = 0;
    int k = 0;
    for (int l = 1; l <= 16; l++) {
        h->valoff[l] = k - (int32_t)c;
        for (; k < n && len[k] == l; k++) code[k] = (uint16_t)c++;
        if (c >= (1u << l)) return false;
        h->maxcode[l] = t->bits[l] ? (int32_t)c - 1 : -1;
        c <<= 1;
    }
    h->maxcode[17] = INT32_MAX;
    memcpy(h->val, t->huffval, (size_t)n);
    memset(h->sym, 0, sizeof h->sym);
    memset(h->skip, 0, sizeof h->skip);
    uint16_t one[DC_LOOK_N];   /* one symbol's skip: (k step << 8) | bits */
    memset(one, 0, sizeof one);
    for (int i = 0; i < n; i++) {
        int v = t->huffval[i];
        if (is_dc && v > 15) return false;
        if (len[i] > DC_LOOK) continue;
        int r = v >> 4, s = v & 15, total = len[i] + s;
        int step = s ? r + 1 : r == 15 ? 16 : DC_K_END;
        int lo = code[i] << (DC_LOOK - len[i]), cnt = 1 << (DC_LOOK - len[i]);
        for (int j = 0; j < cnt; j++) {
            h->sym[lo + j] = (uint16_t)(len[i] << 8 | v);
            /* The extra bits are part of the index: every value of them
             * skips the same way. */
            if (total <= DC_LOOK) one[lo + j] = (uint16_t)(step << 8 | total);
            /* A DC table's skip entry: the difference itself (F.2.2.1
             * EXTEND of the extra bits) and the bits, in one look-up. */
            if (is_dc && total <= DC_LOOK) {
                int x = s ? (j >> (DC_LOOK - total)) & ((1 << s) - 1) : 0;
                int diff = s && x < (1 << (s - 1)) ? x - (1 << s) + 1 : x;
                h->skip[lo + j] = (uint32_t)(diff * 256 + total);
            }
        }
    }
    if (is_dc) return true;
    /* Runs of up to DC_RUN symbols: each next one must lie within the bits
     * the index holds after the previous ones, and no previous one may end
     * the block.  Without a run the run fields repeat the single symbol's,
     * so the loop takes them unconditionally; `cross` (the steps before the
     * run's last symbol, 0 without a run) lets it fall back to one symbol
     * when a step before the last lands on coefficient 63 or past it (the
     * rest of the bits are then the next block's). */
    for (int i = 0; i < DC_LOOK_N; i++) {
        uint32_t b1 = one[i] & 0xFF, s1 = one[i] >> 8, bn = b1, sn = s1, cross = 0;
        for (int m = 1; m < DC_RUN && bn && sn < DC_K_END; m++) {
            uint32_t e = one[(i << bn) & (DC_LOOK_N - 1)], b = e & 0xFF;
            if (!b || b > DC_LOOK - bn) break;
            cross = sn;
            bn += b;
            sn += e >> 8;
        }
        h->skip[i] = b1 | s1 << 4 | bn << 11 | sn << 16 | cross << 24;
    }
    return true;
}

/* ---- bit reader ------------------------------------------------------- */

static inline bool has_ff(uint64_t x)
{
    uint64_t y = ~x;   /* an 0xFF byte of x is a zero byte of y */
    return ((y - 0x0101010101010101ull) & ~y & 0x8080808080808080ull) != 0;
}

static inline uint64_t load_be64(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return __builtin_bswap64(x);
}

/* Byte by byte, out of line: at a 0xFF, near the end, after a marker. */
__attribute__((noinline)) static void refill_slow(bits *b)
{
    const uint8_t *d = b->data;
    while (b->cnt <= 56) {
        unsigned v = 0;
        if (b->fake == 0 && b->pos < b->n && d[b->pos] != 0xFF) {
            v = d[b->pos++];
        } else if (b->fake == 0 && b->n - b->pos >= 2 && d[b->pos + 1] == 0x00) {
            v = 0xFF;   /* FF 00 is a stuffed FF byte (F.1.2.3) */
            b->pos += 2;
        } else {
            b->fake += 8;   /* a marker, or the end: zeros from here on */
            b->lim = -1;
        }
        b->buf |= (uint64_t)v << (56 - b->cnt);
        b->cnt += 8;
    }
}

/* The hot state, copied out of and back into a bits around slow calls. */
#define HOT_OUT(b) (buf = (b)->buf, cnt = (b)->cnt, pos = (b)->pos, lim = (b)->lim)
#define HOT_IN(b) ((b)->buf = buf, (b)->cnt = cnt, (b)->pos = pos, (b)->lim = lim)

/* Canonical decode of a code longer than the look-up (F.2.2.3), from the
 * reader's top bits: (length << 8) | symbol, or -1 for a bit pattern no
 * code has. */
__attribute__((noinline)) static int decode_slow(uint64_t buf, const huff *h)
{
    for (int l = DC_LOOK + 1; l <= 16; l++) {
        int32_t code = (int32_t)(buf >> (64 - l));
        if (code <= h->maxcode[l]) return l << 8 | h->val[(h->valoff[l] + code) & 0xFF];
    }
    return -1;
}

/* ---- the scan --------------------------------------------------------- */

typedef struct comp {
    const huff *dc, *ac;
    int q0;            /* DC quantiser */
    int h, v;          /* blocks per MCU across and down */
    int pw, ph;        /* plane size in blocks */
    uint8_t *plane;
    int pred;
} comp;

/* libjpeg's jpeg_idct_1x1 and range limit: (DC * q + 4) >> 3, wrapped to
 * 10 bits as its RANGE_MASK does, plus 128, clamped to 0..255. */
static inline uint8_t dc_pixel(int pred, int q)
{
    int v = (int)(int16_t)pred * q;   /* the coefficient is a JCOEF (short) */
    v = (v + 4) >> 3;
    v = ((v & 1023) ^ 512) - 512;
    v += 128;
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* After the last real bits of an interval: fewer than 8 left (libjpeg
 * warns about whole bytes skipped), then a marker, which is returned
 * (fill bytes 0xFF skipped) with the reader reset past it; -1 otherwise. */
static int next_marker(bits *b)
{
    int64_t real = b->cnt - b->fake;
    if (real < 0 || real >= 8) return -1;
    ptrdiff_t p = b->pos;
    if (p >= b->n || b->data[p] != 0xFF) return -1;
    while (p < b->n && b->data[p] == 0xFF) p++;
    if (p >= b->n) return -1;
    int m = b->data[p++];
    b->pos = p;
    b->lim = b->n - 8;
    b->fake = 0;
    b->buf = 0;
    b->cnt = 0;
    return m;
}

/* Top up to 56..63 bits without a branch on the count (F. Giesen, "Reading
 * bits in far too many ways", variant 4): or in the next eight bytes
 * shifted to the count, advance by the whole bytes that fitted.  The bits
 * of the byte that fitted in part are its true bits, which the next refill
 * ors in again at the same place.  A 0xFF among the eight bytes (a stuffed
 * byte or a marker), the last eight bytes and a marker go byte by byte. */
#define REFILL()                                                              \
    do {                                                                      \
        uint64_t x_;                                                          \
        if (__builtin_expect(pos <= lim, 1) &&                                \
            (x_ = load_be64(d + pos), __builtin_expect(!has_ff(x_), 1))) {    \
            buf |= x_ >> cnt;                                                 \
            pos += (63 - cnt) >> 3;                                           \
            cnt |= 56;                                                        \
        } else if (cnt < DC_SYMBOL_BITS) {                                    \
            HOT_IN(b);                                                        \
            refill_slow(b);                                                   \
            HOT_OUT(b);                                                       \
        }                                                                     \
    } while (0)

/* Next symbol of table h into `out`, or return false on a bad code. */
#define DECODE(h, out)                                                        \
    do {                                                                      \
        int e_ = (h)->sym[buf >> (64 - DC_LOOK)];                             \
        if (__builtin_expect(!e_, 0)) e_ = decode_slow(buf, (h));             \
        if (e_ < 0) return false;                                             \
        buf <<= e_ >> 8;                                                      \
        cnt -= e_ >> 8;                                                       \
        (out) = e_ & 0xFF;                                                    \
    } while (0)

/* Every MCU of the scan, in order; each block's DC goes to its
 * component's plane.  Restart intervals as F.1.2.3 and libjpeg. */
WL_CLONES static bool scan(bits *b, comp *cs, int nc, int mcux, int mcuy, unsigned restart)
{
    const uint8_t *d = b->data;
    uint64_t buf;
    int64_t cnt;
    ptrdiff_t pos, lim;
    HOT_OUT(b);
    unsigned left = restart;
    int rst = 0;
    for (int my = 0; my < mcuy; my++)
        for (int mx = 0; mx < mcux; mx++) {
            if (restart && left == 0) {
                HOT_IN(b);
                if (next_marker(b) != 0xD0 + rst) return false;
                HOT_OUT(b);
                rst = (rst + 1) & 7;
                for (int c = 0; c < nc; c++) cs[c].pred = 0;
                left = restart;
            }
            left--;
            for (int c = 0; c < nc; c++) {
                comp *k = &cs[c];
                const huff *ac = k->ac;
                for (int by = 0; by < k->v; by++) {
                    uint8_t *row = k->plane + (size_t)(my * k->v + by) * (size_t)k->pw;
                    for (int bx = 0; bx < k->h; bx++) {
                        REFILL();
                        int32_t de = (int32_t)k->dc->skip[buf >> (64 - DC_LOOK)];
                        if (__builtin_expect((de & 0xFF) != 0, 1)) {
                            buf <<= de & 0xFF;
                            cnt -= de & 0xFF;
                            k->pred += (de - (de & 0xFF)) / 256;   /* diff * 256 + bits */
                        } else {
                            int s;
                            DECODE(k->dc, s);
                            if (s) {
                                int v = (int)(buf >> (64 - s));
                                buf <<= s;
                                cnt -= s;
                                /* F.2.2.1 EXTEND: a leading 0 bit is a negative value. */
                                k->pred += v < (1 << (s - 1)) ? v - (1 << s) + 1 : v;
                            }
                        }
                        for (unsigned kk = 1; kk < 64;) {
                            if (cnt < DC_SYMBOL_BITS) REFILL();
                            uint32_t e = ac->skip[buf >> (64 - DC_LOOK)];
                            /* A run of symbols at once (see huff_build). */
                            unsigned nb = (e >> 11) & 31, st = (e >> 16) & 0xFF;
                            if (__builtin_expect(kk + (e >> 24) >= 64, 0)) {
                                nb = e & 15;
                                st = (e >> 4) & 127;
                            }
                            if (__builtin_expect(nb != 0, 1)) {
                                buf <<= nb;
                                cnt -= nb;
                                kk += st;
                                continue;
                            }
                            int rs;
                            DECODE(ac, rs);
                            int r = rs >> 4, sz = rs & 15;
                            if (sz) {
                                buf <<= sz;
                                cnt -= sz;
                                kk += (unsigned)r + 1;
                            } else if (r == 15) {
                                kk += 16;
                            } else {
                                break;
                            }
                        }
                        row[mx * k->h + bx] = dc_pixel(k->pred, k->q0);
                    }
                }
            }
            if (cnt < b->fake) return false;   /* ran into a marker */
        }
    HOT_IN(b);
    return next_marker(b) == 0xD9;   /* EOI */
}

/* ---- colour ----------------------------------------------------------- */

static inline uint8_t clamp255(int v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

/* libjpeg's ycc_rgb_convert (jdcolor.c): 16-bit fixed point, FIX(x) =
 * x * 65536 rounded, ONE_HALF added before the shift; its tables, built
 * here per image (1 K entries, next to ~190 K pixels). */
#define DC_FIX_1_40200 91881
#define DC_FIX_1_77200 116130
#define DC_FIX_0_71414 46802
#define DC_FIX_0_34414 22554
#define DC_ONE_HALF (1 << 15)

typedef struct ycc_tabs {
    int cr_r[256], cb_b[256];
    int32_t cr_g[256], cb_g[256];
} ycc_tabs;

static void ycc_build(ycc_tabs *t)
{
    for (int i = 0; i < 256; i++) {
        int x = i - 128;
        t->cr_r[i] = (DC_FIX_1_40200 * x + DC_ONE_HALF) >> 16;
        t->cb_b[i] = (DC_FIX_1_77200 * x + DC_ONE_HALF) >> 16;
        t->cr_g[i] = -DC_FIX_0_71414 * x;
        t->cb_g[i] = -DC_FIX_0_34414 * x + DC_ONE_HALF;
    }
}

/* Y at (x, y), Cb and Cr replicated from their planes: columns through a
 * map built once (no division per pixel). */
static void to_rgb(const comp *cs, int hmax, int vmax, wl_image *out)
{
    ycc_tabs t;
    ycc_build(&t);
    int *map = sim_xmalloc(3 * (size_t)out->width * sizeof *map);
    for (int c = 0; c < 3; c++)
        for (int x = 0; x < out->width; x++) map[c * out->width + x] = x * cs[c].h / hmax;
    const int *m0 = map, *m1 = map + out->width, *m2 = map + 2 * out->width;
    for (int y = 0; y < out->height; y++) {
        const uint8_t *yr = cs[0].plane + (size_t)(y * cs[0].v / vmax) * (size_t)cs[0].pw;
        const uint8_t *cbr = cs[1].plane + (size_t)(y * cs[1].v / vmax) * (size_t)cs[1].pw;
        const uint8_t *crr = cs[2].plane + (size_t)(y * cs[2].v / vmax) * (size_t)cs[2].pw;
        uint8_t *o = wl_image_row(out, y);
        for (int x = 0; x < out->width; x++) {
            int yy = yr[m0[x]], cb = cbr[m1[x]], cr = crr[m2[x]];
            o[3 * x] = clamp255(yy + t.cr_r[cr]);
            o[3 * x + 1] = clamp255(yy + ((t.cb_g[cb] + t.cr_g[cr]) >> 16));
            o[3 * x + 2] = clamp255(yy + t.cb_b[cb]);
        }
    }
    free(map);
}

/* ---- entry points ----------------------------------------------------- */

bool wl_jpeg_dc_supported(const struct jpeg_decompress_struct *c)
{
    if (c->progressive_mode || c->arith_code || c->data_precision != 8) return false;
    if (c->comps_in_scan != c->num_components) return false;   /* one scan */
    if (c->Ss != 0 || c->Se != 63 || c->Ah != 0 || c->Al != 0) return false;
    if (!(c->num_components == 1 && c->jpeg_color_space == JCS_GRAYSCALE) &&
        !(c->num_components == 3 && c->jpeg_color_space == JCS_YCbCr))
        return false;
    for (int i = 0; i < c->comps_in_scan; i++) {
        const jpeg_component_info *k = c->cur_comp_info[i];
        if (k->component_index != i) return false;   /* scan in frame order */
        if (c->max_h_samp_factor % k->h_samp_factor || c->max_v_samp_factor % k->v_samp_factor)
            return false;
        /* Table numbers come straight from SOF and SOS: libjpeg checks
         * them only when it starts decompressing. */
        if (k->quant_tbl_no < 0 || k->quant_tbl_no >= NUM_QUANT_TBLS || k->dc_tbl_no < 0 ||
            k->dc_tbl_no >= NUM_HUFF_TBLS || k->ac_tbl_no < 0 || k->ac_tbl_no >= NUM_HUFF_TBLS)
            return false;
        if (!c->quant_tbl_ptrs[k->quant_tbl_no] || !c->dc_huff_tbl_ptrs[k->dc_tbl_no] ||
            !c->ac_huff_tbl_ptrs[k->ac_tbl_no])
            return false;
    }
    return true;
}

/* Component geometry: an interleaved scan has MCUs of h x v blocks per
 * component; a one-component scan has one block per MCU (A.2.2). */
static void geometry(const struct jpeg_decompress_struct *c, comp *cs, int *mcux, int *mcuy)
{
    int w = (int)c->image_width, h = (int)c->image_height;
    if (c->comps_in_scan == 1) {
        const jpeg_component_info *k = c->cur_comp_info[0];
        int cw = (w * k->h_samp_factor + c->max_h_samp_factor - 1) / c->max_h_samp_factor;
        int ch = (h * k->v_samp_factor + c->max_v_samp_factor - 1) / c->max_v_samp_factor;
        *mcux = (cw + 7) / 8;
        *mcuy = (ch + 7) / 8;
        cs[0].h = cs[0].v = 1;
    } else {
        *mcux = (w + 8 * c->max_h_samp_factor - 1) / (8 * c->max_h_samp_factor);
        *mcuy = (h + 8 * c->max_v_samp_factor - 1) / (8 * c->max_v_samp_factor);
        for (int i = 0; i < c->comps_in_scan; i++) {
            cs[i].h = c->cur_comp_info[i]->h_samp_factor;
            cs[i].v = c->cur_comp_info[i]->v_samp_factor;
        }
    }
    for (int i = 0; i < c->comps_in_scan; i++) {
        cs[i].pw = *mcux * cs[i].h;
        cs[i].ph = *mcuy * cs[i].v;
    }
}

bool wl_jpeg_dc_decode(const struct jpeg_decompress_struct *c, bool luma, wl_image *out)
{
    memset(out, 0, sizeof *out);
    if (!wl_jpeg_dc_supported(c)) return false;
    int nc = c->comps_in_scan, mcux, mcuy;
    comp cs[MAX_COMPS_IN_SCAN];
    memset(cs, 0, sizeof cs);
    geometry(c, cs, &mcux, &mcuy);
    /* Tables by number: a scan's components often share them. */
    huff *tabs = sim_xmalloc(2 * NUM_HUFF_TBLS * sizeof *tabs);
    bool built[2 * NUM_HUFF_TBLS] = { false };
    bool ok = true;
    for (int i = 0; i < nc && ok; i++) {
        const jpeg_component_info *k = c->cur_comp_info[i];
        int d = k->dc_tbl_no, a = NUM_HUFF_TBLS + k->ac_tbl_no;
        if (!built[d]) ok = ok && huff_build(&tabs[d], c->dc_huff_tbl_ptrs[k->dc_tbl_no], true);
        if (!built[a]) ok = ok && huff_build(&tabs[a], c->ac_huff_tbl_ptrs[k->ac_tbl_no], false);
        built[d] = built[a] = true;
        cs[i].dc = &tabs[d];
        cs[i].ac = &tabs[a];
        cs[i].q0 = c->quant_tbl_ptrs[k->quant_tbl_no]->quantval[0];
    }
    int ow = (int)((c->image_width + 7) / 8), oh = (int)((c->image_height + 7) / 8);
    bool gray = nc == 1 || luma;
    /* Y at the largest sampling is a plane of the output's size. */
    if (nc > 1 && gray && (cs[0].h != c->max_h_samp_factor || cs[0].v != c->max_v_samp_factor))
        ok = false;
    for (int i = 0; i < nc && ok; i++)
        cs[i].plane = sim_xmalloc((size_t)cs[i].pw * (size_t)cs[i].ph);
    ptrdiff_t nbytes = (ptrdiff_t)c->src->bytes_in_buffer;
    bits b = { 0, 0, 0, nbytes - 8, nbytes, 0, c->src->next_input_byte };
    ok = ok && scan(&b, cs, nc, mcux, mcuy, c->restart_interval);
    if (ok) {
        out->width = ow;
        out->height = oh;
        out->channels = gray ? 1 : 3;
        out->stride = ow * out->channels;
        out->data = sim_xmalloc((size_t)out->stride * (size_t)oh);
        if (gray) {
            /* Component 0 is Y (or the gray plane) at full sampling. */
            for (int y = 0; y < oh; y++)
                memcpy(wl_image_row(out, y), cs[0].plane + (size_t)y * (size_t)cs[0].pw,
                       (size_t)ow);
        } else {
            to_rgb(cs, nc == 1 ? 1 : c->max_h_samp_factor, c->max_v_samp_factor, out);
        }
    }
    for (int i = 0; i < nc; i++) free(cs[i].plane);
    free(tabs);
    return ok;
}
