/* wl_gray.c - fixed-point luma, one vectorisable loop per row.
 *
 * Each output byte is (wr*R + wg*G + wb*B + 32768) >> 16 with uint32
 * arithmetic: exact round-to-nearest of the fixed-point weighted sum, no
 * clamping needed because the weights sum to 65536.  The RGB loop reads a
 * stride-3 interleaved row, which GCC vectorises with shuffles under
 * `omp simd`; there is no per-pixel branch and no table.
 */
#include "workloads/image/wl_gray.h"

#include <string.h>

static const uint32_t k_weights[2][3] = {
    { 13933, 46871, 4732 },   /* BT.709 */
    { 19595, 38470, 7471 },   /* BT.601 */
};

void wl_gray_params_default(wl_gray_params *p)
{
    p->matrix = WL_GRAY_BT709;
    p->threads = 1;
}

void wl_gray_weights(wl_gray_matrix m, uint32_t w[3])
{
    memcpy(w, k_weights[m == WL_GRAY_BT601], sizeof k_weights[0]);
}

static void gray_row3(const uint8_t *restrict s, uint8_t *restrict d, int n,
                      uint32_t wr, uint32_t wg, uint32_t wb)
{
#pragma omp simd
    for (int x = 0; x < n; x++)
        d[x] = (uint8_t)((wr * s[3 * x] + wg * s[3 * x + 1] + wb * s[3 * x + 2] + 32768u) >> 16);
}

static void gray_row4(const uint8_t *restrict s, uint8_t *restrict d, int n,
                      uint32_t wr, uint32_t wg, uint32_t wb)
{
#pragma omp simd
    for (int x = 0; x < n; x++)
        d[x] = (uint8_t)((wr * s[4 * x] + wg * s[4 * x + 1] + wb * s[4 * x + 2] + 32768u) >> 16);
}

void wl_gray_run(const wl_gray_params *p, const wl_image *in, wl_image *out)
{
    SIM_ASSERT(p && in && out && in->data && out->data);
    SIM_ASSERT(in->width == out->width && in->height == out->height && out->channels == 1);
    SIM_ASSERT(in->channels == 1 || in->channels == 3 || in->channels == 4);
    SIM_ASSERT(in->stride >= in->width * in->channels && out->stride >= out->width);
    SIM_ASSERT(p->threads >= 1);
    uint32_t w[3];
    wl_gray_weights(p->matrix, w);
    const int n = in->width, ch = in->channels;
#pragma omp parallel for num_threads(p->threads) if (p->threads > 1) schedule(static)
    for (int y = 0; y < in->height; y++) {
        const uint8_t *s = wl_image_row(in, y);
        uint8_t *d = wl_image_row(out, y);
        if (ch == 3) gray_row3(s, d, n, w[0], w[1], w[2]);
        else if (ch == 4) gray_row4(s, d, n, w[0], w[1], w[2]);
        else memcpy(d, s, (size_t)n);
    }
}

sim_status wl_gray_matrix_parse(const char *s, wl_gray_matrix *out, sim_error *err)
{
    if (strcmp(s, "bt709") == 0) *out = WL_GRAY_BT709;
    else if (strcmp(s, "bt601") == 0) *out = WL_GRAY_BT601;
    else SIM_FAIL(err, SIM_EUSAGE, NULL, 0, NULL,
                  "unknown luma matrix '%s' (want bt709 or bt601)", s);
    return SIM_OK;
}
