/* sim_stats.c - Welford, time-weighted averages, log histogram, CIs, registry. */
#include "sim/sim_stats.h"
#include "sim/sim_json.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Welford ------------------------------------------------------------ */

void sim_welford_init(sim_welford *w)
{
    memset(w, 0, sizeof *w);
    w->min = INFINITY;
    w->max = -INFINITY;
}

void sim_welford_add(sim_welford *w, double x)
{
    w->n++;
    double d = x - w->mean;
    w->mean += d / (double)w->n;
    w->m2 += d * (x - w->mean);
    if (x < w->min) w->min = x;
    if (x > w->max) w->max = x;
}

void sim_welford_merge(sim_welford *dst, const sim_welford *src)
{
    if (src->n == 0)
        return;
    if (dst->n == 0) {
        *dst = *src;
        return;
    }
    double n1 = (double)dst->n, n2 = (double)src->n, n = n1 + n2;
    double d = src->mean - dst->mean;
    dst->mean += d * n2 / n;
    dst->m2 += src->m2 + d * d * n1 * n2 / n;
    dst->n += src->n;
    if (src->min < dst->min) dst->min = src->min;
    if (src->max > dst->max) dst->max = src->max;
}

double sim_welford_variance(const sim_welford *w)
{
    return w->n > 1 ? w->m2 / (double)(w->n - 1) : NAN;
}

double sim_welford_stddev(const sim_welford *w) { return sqrt(sim_welford_variance(w)); }

/* ---- time-weighted average ---------------------------------------------- */

void sim_twavg_init(sim_twavg *a, double t0, double level)
{
    a->t0 = a->t_last = t0;
    a->level = level;
    a->area = 0;
    a->max = level;
}

void sim_twavg_add(sim_twavg *a, double t, double delta)
{
    sim_twavg_set(a, t, a->level + delta);
}

double sim_twavg_area(const sim_twavg *a, double t_end)
{
    SIM_ASSERT_AT(t_end, t_end >= a->t_last);
    return a->area + a->level * (t_end - a->t_last);
}

double sim_twavg_mean(const sim_twavg *a, double t_end)
{
    double span = t_end - a->t0;
    return span > 0 ? sim_twavg_area(a, t_end) / span : 0.0;
}

void sim_twavg_reset(sim_twavg *a, double t)
{
    SIM_ASSERT_AT(t, t >= a->t_last);
    a->t0 = a->t_last = t;
    a->area = 0;
    a->max = a->level;
}

/* ---- histogram ------------------------------------------------------------ */

/* A histogram starts small: up to HIST_SMALL (bucket, count) pairs kept
 * sorted inside the struct, so the many histograms that see a few samples
 * (a trace's rarely invoked functions) hold ~240 bytes and no other
 * allocation.  The first sample that needs another pair (or a count past
 * 2^32 - 1) moves the pairs into pages.  Paged, buckets live in pages of
 * HIST_PAGE counts, allocated when a sample first lands in them, under a
 * directory that spans only the pages between the lowest and highest
 * touched: a latency histogram touches a few decades of its
 * [min_positive, 1e18] range, so it holds a few pages (a few KB) instead of
 * all ~4,800 buckets (38 KB at min_positive 1e-3).  64 buckets span a factor
 * g^64 = 1.9 (under one binade).  Both forms count the same buckets, so
 * every answer is the same whichever form holds them. */
#define HIST_PAGE_SHIFT 6
#define HIST_PAGE (1 << HIST_PAGE_SHIFT)
#define HIST_SMALL 16
/* 1 / ln g and ln 2 / ln g for SIM_HIST_REL_ERR 0.005, printed with %a
 * (the bucketing table below was computed with them). */
#define HIST_K 0x1.8fff258b92eeap+6
#define HIST_LN2_K 0x1.1541ae075c1eap+6

typedef struct hist_pair { int32_t b; uint32_t n; } hist_pair;   /* bucket, count */

struct sim_hist {
    /* what sim_hist_add reads, in the first cache line */
    double min_positive;
    uint64_t count;
    double sum, min, max;
    uint64_t **dir;     /* paged: dir[p - dir_lo], pages dir_lo .. dir_lo + ndir - 1
                         * (NULL: untouched); NULL while small */
    int offset;         /* bucket index of min_positive */
    int nbuckets;
    /* the rest */
    int dir_lo, ndir;
    int npages;         /* pages of the whole range */
    int nsmall;         /* pairs in small[] (small form) */
    uint64_t zero;      /* values <= 0 */
    double inv_log_g;   /* 1 / ln(g) */
    double g;
    hist_pair small[HIST_SMALL];   /* small form: sorted by bucket */
};

sim_hist *sim_hist_create(double min_positive)
{
    SIM_ASSERT(min_positive > 0 && min_positive <= 1e18);
    double g = (1.0 + SIM_HIST_REL_ERR) / (1.0 - SIM_HIST_REL_ERR);
    double inv_log_g = 1.0 / log(g);
    /* The bucketing table was computed for this g (see k_log_cell). */
    SIM_ASSERT(fabs(inv_log_g - HIST_K) <= 1e-12 * HIST_K);
    int offset = (int)ceil(log(min_positive) * inv_log_g);
    int top = (int)ceil(log(1e18) * inv_log_g);
    int nbuckets = top - offset + 1;
    sim_hist *h = sim_xcalloc(1, sizeof *h);
    h->min_positive = min_positive;
    h->g = g;
    h->inv_log_g = inv_log_g;
    h->offset = offset;
    h->nbuckets = nbuckets;
    h->npages = (nbuckets + HIST_PAGE - 1) >> HIST_PAGE_SHIFT;
    h->min = INFINITY;
    h->max = -INFINITY;
    return h;
}

void sim_hist_destroy(sim_hist *h)
{
    if (!h) return;
    for (int p = 0; p < h->ndir; p++)
        free(h->dir[p]);
    free(h->dir);
    free(h);
}

/* Pages stay allocated: a cleared histogram refills without allocating. */
void sim_hist_clear(sim_hist *h)
{
    for (int p = 0; p < h->ndir; p++)
        if (h->dir[p]) memset(h->dir[p], 0, HIST_PAGE * sizeof *h->dir[p]);
    h->nsmall = 0;
    h->zero = h->count = 0;
    h->sum = 0;
    h->min = INFINITY;
    h->max = -INFINITY;
}

size_t sim_hist_memory(const sim_hist *h)
{
    size_t bytes = sizeof *h + (size_t)h->ndir * sizeof *h->dir;
    for (int p = 0; p < h->ndir; p++)
        if (h->dir[p]) bytes += HIST_PAGE * sizeof *h->dir[p];
    return bytes;
}

/* The exact bucket rule every histogram has always used: global index
 * ceil(log(x) / ln g), rounding as the C library and this product round.
 * Cold and out of line, so sim_hist_add's common path stays a leaf. */
__attribute__((cold, noinline)) static int bucket_exact(const sim_hist *h, double x)
{
    return (int)ceil(log(x) * h->inv_log_g);
}

/* The estimate of y = ln(x) / ln g.  For a positive normal x = 2^e * m,
 * m in [1, 2), the top 7 mantissa bits pick one of 128 cells, c is the
 * cell's centre 1 + (j + 0.5)/128 and t = m - c (|t| <= 2^-8, exact):
 *   y = e * ln2/ln g + [ln c + t/c - t^2/(2c^2)] / ln g
 * Each row holds the bracket's coefficients times K = 1/ln g (HIST_K),
 * printed with %a from glibc's log() for SIM_HIST_REL_ERR 0.005 (K = 100.5):
 *   { ln(c) * K, K / c, -K / (2 c^2) }
 * test_stats recomputes every entry and checks it within 4 ulp, so a
 * changed SIM_HIST_REL_ERR or a stale row fails the suite. */
static const double k_log_cell[128][3] = {
    { 0x1.8f37aaea299dp-2, 0x1.8e70b4d6bc327p+6, -0x1.8ce3d105b67bfp+5 },
    { 0x1.2a40d94656f23p+0, 0x1.8b5d0e607199dp+6, -0x1.86c8b443a6a5ep+5 },
    { 0x1.ef2cfc2246e7ap+0, 0x1.88557a28c70b6p+6, -0x1.80d16338abb0fp+5 },
    { 0x1.594c255b444dep+1, 0x1.8559b1afc48ecp+6, -0x1.7afcc8364892bp+5 },
    { 0x1.ba444cda318fdp+1, 0x1.826970964a51cp+6, -0x1.7549d7fe592f2p+5 },
    { 0x1.0d40e7085f978p+2, 0x1.7f847489a8af2p+6, -0x1.6fb7914b6b153p+5 },
    { 0x1.3d03b9164c804p+2, 0x1.7caa7d30213e7p+6, -0x1.6a44fc5f4a767p+5 },
    { 0x1.6c6bf9411327ap+2, 0x1.79db4c1644e53p+6, -0x1.64f12a9765ec6p+5 },
    { 0x1.9b7afc81efb24p+2, 0x1.7716a49d2391fp+6, -0x1.5fbb3606b1c3fp+5 },
    { 0x1.ca32105aa40cap+2, 0x1.745c4be942f65p+6, -0x1.5aa24114b9374p+5 },
    { 0x1.f8927b0cdff24p+2, 0x1.71ac08d25230ap+6, -0x1.55a576219145ep+5 },
    { 0x1.134ebde7d55ddp+3, 0x1.6f05a3d390e9ap+6, -0x1.50c4072e65c4fp+5 },
    { 0x1.2a2a25817266dp+3, 0x1.6c68e6fce0f69p+6, -0x1.4bfd2d8a5dcd8p+5 },
    { 0x1.40dc0d307ababp+3, 0x1.69d59de47a0f1p+6, -0x1.4750298398edfp+5 },
    { 0x1.57650a975c78cp+3, 0x1.674b959937a16p+6, -0x1.42bc421c0a726p+5 },
    { 0x1.6dc5b034e0b9p+3, 0x1.64ca9c95793fep+6, -0x1.3e40c4c1fbc34p+5 },
    { 0x1.83fe8d7a7e786p+3, 0x1.625282b28e8e5p+6, -0x1.39dd050c02439p+5 },
    { 0x1.9a102ee1e872ep+3, 0x1.5fe3191ca7f7cp+6, -0x1.35905c7838463p+5 },
    { 0x1.affb1e01de04dp+3, 0x1.5d7c324745d6ap+6, -0x1.315a2a2e8ba77p+5 },
    { 0x1.c5bfe1a246c9ap+3, 0x1.5b1da1e2200cbp+6, -0x1.2d39d2c5f75d7p+5 },
    { 0x1.db5efdcfa0523p+3, 0x1.58c73cce805f6p+6, -0x1.292ec00c7fe3ep+5 },
    { 0x1.f0d8f3edc4f21p+3, 0x1.5678d9150a375p+6, -0x1.253860d1ccd05p+5 },
    { 0x1.0317216509296p+4, 0x1.54324ddbeaae1p+6, -0x1.215628b43c1cfp+5 },
    { 0x1.0dafb3567b14fp+4, 0x1.51f3735d6c168p+6, -0x1.1d878ff04dcdcp+5 },
    { 0x1.18366cb57391cp+4, 0x1.4fbc22dee871p+6, -0x1.19cc1332488dep+5 },
    { 0x1.22ab893a67e86p+4, 0x1.4d8c36a816754p+6, -0x1.16233369f9b6p+5 },
    { 0x1.2d0f4373f88efp+4, 0x1.4b6389faad189p+6, -0x1.128c75a074e52p+5 },
    { 0x1.3761d4cea0cddp+4, 0x1.4941f90a59aafp+6, -0x1.0f0762cfb8ef7p+5 },
    { 0x1.41a3759c27532p+4, 0x1.472760f504da1p+6, -0x1.0b9387bc21699p+5 },
    { 0x1.4bd45d1ad21e4p+4, 0x1.45139fbb63181p+6, -0x1.083074cf8d7c6p+5 },
    { 0x1.55f4c17c60108p+4, 0x1.43069439cd117p+6, -0x1.04ddbdf62602dp+5 },
    { 0x1.6004d7ecca581p+4, 0x1.41001e215d095p+6, -0x1.019afa7cae2c6p+5 },
    { 0x1.6a04d498cfcep+4, 0x1.3f001df14e1ap+6, -0x1.fccf89e09617fp+4 },
    { 0x1.73f4eab44c4dbp+4, 0x1.3d0674f09a7f5p+6, -0x1.f68775ff5f1aap+4 },
    { 0x1.7dd54c805df0ap+4, 0x1.3b130527d632ep+6, -0x1.f05cfabb36aap+4 },
    { 0x1.87a62b515a082p+4, 0x1.3925b15b43463p+6, -0x1.ea4f5f4938036p+4 },
    { 0x1.9167b7949398dp+4, 0x1.373e5d051d84p+6, -0x1.e45df078025bdp+4 },
    { 0x1.9b1a20d5f507bp+4, 0x1.355cec501b046p+6, -0x1.de88007be8d2fp+4 },
    { 0x1.a4bd95c56e992p+4, 0x1.338144121f77ap+6, -0x1.d8cce6bd4e5d4p+4 },
    { 0x1.ae52443c3b4d2p+4, 0x1.31ab49c7200b3p+6, -0x1.d32bffa9132bdp+4 },
    { 0x1.b7d85941fd96fp+4, 0x1.2fdae38c35e21p+6, -0x1.cda4ac82fa814p+4 },
    { 0x1.c1500111b55c1p+4, 0x1.2e0ff81add361p+6, -0x1.c8365339f1374p+4 },
    { 0x1.cab9671e90988p+4, 0x1.2c4a6ec45f4adp+6, -0x1.c2e05e3e1e77dp+4 },
    { 0x1.d414b61897f8fp+4, 0x1.2a8a2f6d65742p+6, -0x1.bda23c58a95a9p+4 },
    { 0x1.dd6217f138aabp+4, 0x1.28cf2289b3855p+6, -0x1.b87b60851f322p+4 },
    { 0x1.e6a1b5dfac985p+4, 0x1.271931180810bp+6, -0x1.b36b41cc6761bp+4 },
    { 0x1.efd3b8654239fp+4, 0x1.2568449e20f57p+6, -0x1.ae715b21328d8p+4 },
    { 0x1.f8f8475185169p+4, 0x1.23bc4724e2c6dp+6, -0x1.a98d2b3dd3e9ep+4 },
    { 0x1.0107c4e32403bp+5, 0x1.22152334a1ac5p+6, -0x1.a4be34837449p+4 },
    { 0x1.058cd31dc921bp+5, 0x1.2072c3d18a685p+6, -0x1.a003fcda8f5eep+4 },
    { 0x1.0a0b6141b817cp+5, 0x1.1ed514782a427p+6, -0x1.9b5e0d94ac791p+4 },
    { 0x1.0e8381e6d4735p+5, 0x1.1d3c011a14a1ap+6, -0x1.96cbf34f44a4ep+4 },
    { 0x1.12f54755acafap+5, 0x1.1ba7761aa52e9p+6, -0x1.924d3dd7c8f1ep+4 },
    { 0x1.1760c3893b096p+5, 0x1.1a17604bdd655p+6, -0x1.8de18010bc268p+4 },
    { 0x1.1bc6083099fd1p+5, 0x1.188baceb5c888p+6, -0x1.89884fd7d3dc4p+4 },
    { 0x1.202526b0acd8bp+5, 0x1.1704499f70f49p+6, -0x1.854145ed158fdp+4 },
    { 0x1.247e3025bcc34p+5, 0x1.1581247441dc6p+6, -0x1.810bfddae4cp+4 },
    { 0x1.28d135650a9b5p+5, 0x1.14022bd910839p+6, -0x1.7ce815def7bd2p+4 },
    { 0x1.2d1e46fe56075p+5, 0x1.12874e9d9015p+6, -0x1.78d52ed4294adp+4 },
    { 0x1.3165753d5a112p+5, 0x1.11107bef533d3p+6, -0x1.74d2ec1d1dae5p+4 },
    { 0x1.35a6d02b3fa2dp+5, 0x1.0f9da3574eb92p+6, -0x1.70e0f38fb2368p+4 },
    { 0x1.39e2679006352p+5, 0x1.0e2eb4b77014bp+6, -0x1.6cfeed612eb75p+4 },
    { 0x1.3e184af3e3016p+5, 0x1.0cc3a04847d97p+6, -0x1.692c841330d8fp+4 },
    { 0x1.424889a09700cp+5, 0x1.0b5c5696c678cp+6, -0x1.65696461497cap+4 },
    { 0x1.467332a2bc03ep+5, 0x1.09f8c8820b424p+6, -0x1.61b53d2f44d52p+4 },
    { 0x1.4a9854cb0929bp+5, 0x1.0898e73944c04p+6, -0x1.5e0fbf7816295p+4 },
    { 0x1.4eb7feaf8ef8bp+5, 0x1.073ca439a1d8fp+6, -0x1.5a789e3d608a2p+4 },
    { 0x1.52d23eaceb5dfp+5, 0x1.05e3f14c531b4p+6, -0x1.56ef8e779612bp+4 },
    { 0x1.56e722e775d09p+5, 0x1.048ec0849ba3fp+6, -0x1.53744706a797bp+4 },
    { 0x1.5af6b94c63d64p+5, 0x1.033d043df10ccp+6, -0x1.500680a33eee2p+4 },
    { 0x1.5f010f92e6264p+5, 0x1.01eeaf1a29deep+6, -0x1.4ca5f5d07e389p+4 },
    { 0x1.6306333d3ea08p+5, 0x1.00a3b3ffba059p+6, -0x1.495262ce3ee7bp+4 },
    { 0x1.67063199cf539p+5, 0x1.feb80c2ff9878p+5, -0x1.460b858bcb59bp+4 },
    { 0x1.6b0117c422c3p+5, 0x1.fc2f319b176aep+5, -0x1.42d11d9b0e3d9p+4 },
    { 0x1.6ef6f2a5eda42p+5, 0x1.f9acbf9544d02p+5, -0x1.3fa2ec243314fp+4 },
    { 0x1.72e7cef80a416p+5, 0x1.f7309def1c382p+5, -0x1.3c80b3d9b366ap+4 },
    { 0x1.76d3b9436db42p+5, 0x1.f4bab4f252894p+5, -0x1.396a38eccc627p+4 },
    { 0x1.7ababde217239p+5, 0x1.f24aed5ec4be2p+5, -0x1.365f410258e91p+4 },
    { 0x1.7e9ce8fff934cp+5, 0x1.efe130679b7fep+5, -0x1.335f93280c163p+4 },
    { 0x1.827a469bddd75p+5, 0x1.ed7d67b083ed1p+5, -0x1.306af7ca08972p+4 },
    { 0x1.8652e28844986p+5, 0x1.eb1f7d4afcd8ep+5, -0x1.2d8138a8d13fcp+4 },
    { 0x1.8a26c86c3ba37p+5, 0x1.e8c75bb3b7d25p+5, -0x1.2aa220cf8f789p+4 },
    { 0x1.8df603c433996p+5, 0x1.e674edd00d4b9p+5, -0x1.27cd7c8aac43dp+4 },
    { 0x1.91c09fe2ce616p+5, 0x1.e4281eeb833f1p+5, -0x1.2503195eb8bc4p+4 },
    { 0x1.9586a7f1a919cp+5, 0x1.e1e0dab565b74p+5, -0x1.2242c5ffa311p+4 },
    { 0x1.994826f2214b3p+5, 0x1.df9f0d3e70a17p+5, -0x1.1f8c52483523p+4 },
    { 0x1.9d0527be15801p+5, 0x1.dd62a2f68a5cap+5, -0x1.1cdf8f31da066p+4 },
    { 0x1.a0bdb508a161bp+5, 0x1.db2b88aa8e78cp+5, -0x1.1a3c4ecca7c77p+4 },
    { 0x1.a471d95ed57a5p+5, 0x1.d8f9ab82281f8p+5, -0x1.17a26437aaefcp+4 },
    { 0x1.a8219f286abb9p+5, 0x1.d6ccf8fdbba75p+5, -0x1.1511a3997160bp+4 },
    { 0x1.abcd10a871e6bp+5, 0x1.d4a55ef45ed27p+5, -0x1.1289e218d233dp+4 },
    { 0x1.af7437fdfef37p+5, 0x1.d282cb91df43dp+5, -0x1.100af5d5f068dp+4 },
    { 0x1.b3171f24d0917p+5, 0x1.d0652d54d6b4bp+5, -0x1.0d94b5e376404p+4 },
    { 0x1.b6b5cff5f3e07p+5, 0x1.ce4c730ccc7d9p+5, -0x1.0b26fa400737dp+4 },
    { 0x1.ba50542864775p+5, 0x1.cc388bd864055p+5, -0x1.08c19bcfe6b32p+4 },
    { 0x1.bde6b551a8d52p+5, 0x1.ca29672397b09p+5, -0x1.06647456d16edp+4 },
    { 0x1.c178fce66b548p+5, 0x1.c81ef4a5ffec3p+5, -0x1.040f5e7207f02p+4 },
    { 0x1.c507343b0fb81p+5, 0x1.c619246125f44p+5, -0x1.01c2359288346p+4 },
    { 0x1.c89164844568bp+5, 0x1.c417e69ee1f8dp+5, -0x1.fef9abeee9edbp+3 },
    { 0x1.cc1796d7967abp+5, 0x1.c21b2befc448cp+5, -0x1.fa7e395151e6fp+3 },
    { 0x1.cf99d42bf39p+5, 0x1.c022e529892abp+5, -0x1.f611cee2e9384p+3 },
    { 0x1.d318255a3caccp+5, 0x1.be2f03659712p+5, -0x1.f1b429b7098f5p+3 },
    { 0x1.d692931dc7127p+5, 0x1.bc3f77ff86ddbp+5, -0x1.ed650853e1dd4p+3 },
    { 0x1.da092614e0348p+5, 0x1.ba543493b5d59p+5, -0x1.e9242aa8df31dp+3 },
    { 0x1.dd7be6c14ddbdp+5, 0x1.b86d2afde1186p+5, -0x1.e4f152055f591p+3 },
    { 0x1.e0eadd88cb88ep+5, 0x1.b68a4d57ca343p+5, -0x1.e0cc410faab52p+3 },
    { 0x1.e45612b58528ep+5, 0x1.b4ab8df7e4a24p+5, -0x1.dcb4bbbc32e8dp+3 },
    { 0x1.e7bd8e768f2e8p+5, 0x1.b2d0df700be24p+5, -0x1.d8aa874513fbfp+3 },
    { 0x1.eb2158e05c1e9p+5, 0x1.b0fa348c41f4cp+5, -0x1.d4ad6a21d5bcap+3 },
    { 0x1.ee8179ed2fa29p+5, 0x1.af27805175f4dp+5, -0x1.d0bd2bff6b341p+3 },
    { 0x1.f1ddf97d8f306p+5, 0x1.ad58b5fc5293cp+5, -0x1.ccd995b86e1a9p+3 },
    { 0x1.f536df58b0559p+5, 0x1.ab8dc900143c8p+5, -0x1.c902714d944b6p+3 },
    { 0x1.f88c332ce4b81p+5, 0x1.a9c6ad0566a5ap+5, -0x1.c53789de5d4bcp+3 },
    { 0x1.fbddfc9003d7ap+5, 0x1.a80355e94999dp+5, -0x1.c178aba1f6096p+3 },
    { 0x1.ff2c42ffd2a11p+5, 0x1.a643b7bbfcc2ep+5, -0x1.bdc5a3e05108ep+3 },
    { 0x1.013b86f1346f9p+6, 0x1.a487c6bff242ep+5, -0x1.ba1e40eb714b1p+3 },
    { 0x1.02df32434a4c2p+6, 0x1.a2cf7768c7e9ap+5, -0x1.b6825218e6419p+3 },
    { 0x1.048127121db1ap+6, 0x1.a11abe5a46d67p+5, -0x1.b2f1a7bb773a5p+3 },
    { 0x1.062168ee5ce22p+6, 0x1.9f69906769576p+5, -0x1.af6c131cfcb83p+3 },
    { 0x1.07bffb5da04c7p+6, 0x1.9dbbe29166d8dp+5, -0x1.abf16678663dep+3 },
    { 0x1.095ce1da9852p+6, 0x1.9c11aa06c5b99p+5, -0x1.a88174f3eb1cfp+3 },
    { 0x1.0af81fd53a20ep+6, 0x1.9a6adc2272d92p+5, -0x1.a51c129b64e91p+3 },
    { 0x1.0c91b8b2eba8ap+6, 0x1.98c76e6adeb79p+5, -0x1.a1c1145ad23bep+3 },
    { 0x1.0e29afceaeae9p+6, 0x1.972756911ffeap+5, -0x1.9e704ff90080ep+3 },
    { 0x1.0fc008794b076p+6, 0x1.958a8a701b4e3p+5, -0x1.9b299c125b8eap+3 },
    { 0x1.1154c5f977fb6p+6, 0x1.93f1000bb027p+5, -0x1.97ecd013e1dbap+3 },
    { 0x1.12e7eb8c04d9ap+6, 0x1.925aad8feacedp+5, -0x1.94b9c4363c291p+3 },
    { 0x1.14797c6400bfbp+6, 0x1.90c789503b0c2p+5, -0x1.91905178f787fp+3 }
};

/* Largest error of hist_estimate's y against the real number ln(x) * K,
 * plus that of bucket_exact's rounded log(x) * inv_log_g (inv_log_g is K
 * within 1e-12 relative, sim_hist_create asserts it) against the same:
 *   - the series of ln(1 + s), s = t/c, |s| <= 2^-8, cut after s^2: the
 *     rest is at most (|s|^3 / 3) / (1 - |s|) <= 2.0e-8, times K: 2.01e-6;
 *   - table rows within 4 ulp of their values, times |t| <= 2^-8 for the
 *     slopes; e * HIST_LN2_K for |e| <= 1022 off by 1022 * 2^-47 + half an
 *     ulp of 71,400; the four roundings of the sum: together < 5e-11;
 *   - bucket_exact: glibc's log is within 1 ulp (< 2e-13 below 42 = ln
 *     1e18), times 100.5 plus the product's rounding: < 5e-11;
 *   - inv_log_g against K: equal with glibc (the table was printed from
 *     the same expression); the assert's 1e-12 allows another libm one
 *     ulp: times |y| < 71,400, 7.2e-8.
 * So |y_est - y_exact| < 2.1e-6 (SIM_HIST__EST_BOUND).  At a distance
 * above HIST_EST_MARGIN (16x that) from every integer both lie strictly
 * inside the same (n, n+1) and share the ceiling n + 1; the rest (about
 * 7e-5 of the samples) takes bucket_exact.  test_stats measures the real
 * error on millions of doubles and checks it against the bound. */
#define HIST_EST_MARGIN_E7 340   /* 3.4e-5, in SIM_HIST__EST_BOUND_E7's units */
#define HIST_EST_MARGIN (HIST_EST_MARGIN_E7 / 1e7)
_Static_assert(HIST_EST_MARGIN_E7 >= 16 * SIM_HIST__EST_BOUND_E7, "margin below the error bound");

/* ln(x) / ln g for a positive normal double x: no log(), no division. */
static inline double hist_estimate(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    int e = (int)(u >> 52) - 1023;
    const double *q = k_log_cell[(u >> 45) & 127u];   /* top 7 mantissa bits */
    uint64_t mu = (u & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
    uint64_t cu = (mu & ~((1ull << 45) - 1)) | 1ull << 44;   /* the cell's centre */
    double m, c;
    memcpy(&m, &mu, sizeof m);
    memcpy(&c, &cu, sizeof c);
    double t = m - c;                                  /* exact (Sterbenz) */
    return (double)e * HIST_LN2_K + (q[0] + t * (q[1] + t * q[2]));
}

/* Bucket of x > 0 (or NaN), identical to clamping bucket_exact(x) - offset
 * to [0, nbuckets - 1] for every positive double: the estimate decides
 * unless it lies within HIST_EST_MARGIN of a bucket boundary. */
static inline int bucket_of(const sim_hist *h, double x)
{
    if (x < h->min_positive) x = h->min_positive;
    if (!(x < 1e18))   /* 1e18 and above (+inf too) clamp to the top bucket; */
        return isnan(x) ? 0 : h->nbuckets - 1;   /* NaN to bucket 0, as before */
    int k;
    if (x >= 0x1p-1022) {
        double y = hist_estimate(x);
        /* Nearest integer n by the 1.5 * 2^52 trick (round-to-nearest mode,
         * the only one lambdasim runs in; |y| < 4,200), d = y - n exactly. */
        double n = (y + 0x1.8p52) - 0x1.8p52;
        double d = y - n;
        k = fabs(d) > HIST_EST_MARGIN ? (int)n + (d > 0) : bucket_exact(h, x);
    } else {
        k = bucket_exact(h, x);           /* subnormal: only if min_positive is */
    }
    int i = k - h->offset;
    if (i < 0) i = 0;
    if (i >= h->nbuckets) i = h->nbuckets - 1;
    return i;
}

/* Page p (of the whole range) of a paged histogram, allocated and the
 * directory widened to reach it if needed. */
__attribute__((cold, noinline)) static uint64_t *page_touch(sim_hist *h, int p)
{
    SIM_ASSERT(p >= 0 && p < h->npages);
    if (h->ndir == 0) {
        h->dir_lo = p;
    } else if (p < h->dir_lo) {
        int grow = h->dir_lo - p;
        h->dir = sim_xrealloc(h->dir, (size_t)(h->ndir + grow) * sizeof *h->dir);
        memmove(h->dir + grow, h->dir, (size_t)h->ndir * sizeof *h->dir);
        memset(h->dir, 0, (size_t)grow * sizeof *h->dir);
        h->ndir += grow;
        h->dir_lo = p;
    }
    if (p >= h->dir_lo + h->ndir) {
        int n = p - h->dir_lo + 1;
        h->dir = sim_xrealloc(h->dir, (size_t)n * sizeof *h->dir);
        memset(h->dir + h->ndir, 0, (size_t)(n - h->ndir) * sizeof *h->dir);
        h->ndir = n;
    }
    uint64_t **slot = &h->dir[p - h->dir_lo];
    if (!*slot) *slot = sim_xcalloc(HIST_PAGE, sizeof **slot);
    return *slot;
}

/* The counter of bucket i of a paged histogram (its page made if need be). */
static inline uint64_t *paged_counter(sim_hist *h, int i)
{
    unsigned p = (unsigned)((i >> HIST_PAGE_SHIFT) - h->dir_lo);
    uint64_t *pg = p < (unsigned)h->ndir ? h->dir[p] : NULL;
    if (!pg) pg = page_touch(h, i >> HIST_PAGE_SHIFT);
    return &pg[i & (HIST_PAGE - 1)];
}

/* The small form's pairs into pages: the histogram is paged from now on. */
__attribute__((cold, noinline)) static void to_paged(sim_hist *h)
{
    SIM_ASSERT(!h->dir);
    hist_pair pairs[HIST_SMALL];
    int n = h->nsmall;
    memcpy(pairs, h->small, (size_t)n * sizeof *pairs);
    h->nsmall = 0;
    /* An empty directory (dir is never NULL once paged), then every pair's
     * page, lowest first. */
    h->dir = sim_xcalloc(1, sizeof *h->dir);
    h->ndir = 0;
    for (int k = 0; k < n; k++)
        *paged_counter(h, pairs[k].b) += pairs[k].n;
}

/* Add n to bucket i of the small form, or move to pages when the pair does
 * not fit (a new bucket with HIST_SMALL in use, or a count past 2^32 - 1). */
static void small_add(sim_hist *h, int i, uint64_t n)
{
    int k = 0;
    while (k < h->nsmall && h->small[k].b < i) k++;
    if (k < h->nsmall && h->small[k].b == i) {
        if (n <= UINT32_MAX - h->small[k].n) {
            h->small[k].n += (uint32_t)n;
            return;
        }
    } else if (h->nsmall < HIST_SMALL && n <= UINT32_MAX) {
        memmove(&h->small[k + 1], &h->small[k], (size_t)(h->nsmall - k) * sizeof h->small[0]);
        h->small[k] = (hist_pair){ i, (uint32_t)n };
        h->nsmall++;
        return;
    }
    to_paged(h);
    *paged_counter(h, i) += n;
}

/* Add n to bucket i, whichever form holds the buckets. */
static inline void bucket_add(sim_hist *h, int i, uint64_t n)
{
    if (h->dir)
        *paged_counter(h, i) += n;
    else
        small_add(h, i, n);
}

static uint64_t bucket_get(const sim_hist *h, int i)
{
    if (!h->dir) {
        for (int k = 0; k < h->nsmall; k++)
            if (h->small[k].b == i) return h->small[k].n;
        return 0;
    }
    unsigned p = (unsigned)((i >> HIST_PAGE_SHIFT) - h->dir_lo);
    const uint64_t *pg = p < (unsigned)h->ndir ? h->dir[p] : NULL;
    return pg ? pg[i & (HIST_PAGE - 1)] : 0;
}

void sim_hist_add_n(sim_hist *h, double x, uint64_t n)
{
    if (n == 0) return;
    if (x <= 0)
        h->zero += n;
    else
        bucket_add(h, bucket_of(h, x), n);
    h->count += n;
    h->sum += x * (double)n;
    if (x < h->min) h->min = x;
    if (x > h->max) h->max = x;
}

void sim_hist_add(sim_hist *h, double x) { sim_hist_add_n(h, x, 1); }

/* One sample at bucket i (i < 0: the zero bucket). */
static inline void add_at(sim_hist *h, int i, double x)
{
    if (i < 0) {
        h->zero++;
    } else {
        bucket_add(h, i, 1);
    }
    h->count++;
    h->sum += x;
    if (x < h->min) h->min = x;
    if (x > h->max) h->max = x;
}

void sim_hist_add_many(sim_hist *const *h, int n, double x)
{
    SIM_ASSERT(n > 0);
    int i = x <= 0 ? -1 : bucket_of(h[0], x);
    for (int k = 0; k < n; k++) {
        SIM_ASSERT(h[k]->min_positive == h[0]->min_positive);
        add_at(h[k], i, x);
    }
}

int sim_hist_bucket(const sim_hist *h, double x) { return bucket_of(h, x); }

double sim_hist__estimate(const sim_hist *h, double x)
{
    SIM_ASSERT(x >= 0x1p-1022 && x < 1e18);
    (void)h;
    return hist_estimate(x);
}

void sim_hist__table_row(int j, double row[3])
{
    SIM_ASSERT(j >= 0 && j < 128);
    memcpy(row, k_log_cell[j], sizeof k_log_cell[j]);
}

int sim_hist_bucket_exact(const sim_hist *h, double x)
{
    if (x < h->min_positive) x = h->min_positive;
    if (!(x < 1e18)) return isnan(x) ? 0 : h->nbuckets - 1;
    int i = bucket_exact(h, x) - h->offset;
    return i < 0 ? 0 : i >= h->nbuckets ? h->nbuckets - 1 : i;
}

void sim_hist_merge(sim_hist *dst, const sim_hist *src)
{
    SIM_ASSERT(dst->min_positive == src->min_positive);
    if (!src->dir) {
        for (int k = 0; k < src->nsmall; k++)
            bucket_add(dst, src->small[k].b, src->small[k].n);
    } else {
        /* Every page the source holds opens in the destination. */
        if (!dst->dir) to_paged(dst);
        for (int p = 0; p < src->ndir; p++) {
            const uint64_t *s = src->dir[p];
            if (!s) continue;
            uint64_t *d = paged_counter(dst, (src->dir_lo + p) << HIST_PAGE_SHIFT);
            for (int i = 0; i < HIST_PAGE; i++)
                d[i] += s[i];
        }
    }
    dst->zero += src->zero;
    dst->count += src->count;
    dst->sum += src->sum;
    if (src->min < dst->min) dst->min = src->min;
    if (src->max > dst->max) dst->max = src->max;
}

uint64_t sim_hist_count(const sim_hist *h) { return h->count; }
double sim_hist_mean(const sim_hist *h) { return h->count ? h->sum / (double)h->count : NAN; }
double sim_hist_min(const sim_hist *h) { return h->count ? h->min : NAN; }
double sim_hist_max(const sim_hist *h) { return h->count ? h->max : NAN; }

static double bucket_value(const sim_hist *h, int i)
{
    return 2.0 * pow(h->g, (double)(i + h->offset)) / (h->g + 1.0);
}

/* The value reported for a rank that falls in bucket i: clamped to the
 * observed range, so exact at the extremes. */
static double quantile_value(const sim_hist *h, int i)
{
    double v = bucket_value(h, i);
    if (v < h->min) v = h->min;
    if (v > h->max) v = h->max;
    return v;
}

double sim_hist_quantile(const sim_hist *h, double q)
{
    if (h->count == 0) return NAN;
    if (q <= 0) return h->min;
    if (q >= 1) return h->max;
    uint64_t rank = (uint64_t)floor(q * (double)(h->count - 1));
    if (rank < h->zero) return 0.0;
    uint64_t seen = h->zero;
    if (!h->dir) {
        for (int k = 0; k < h->nsmall; k++) {
            seen += h->small[k].n;
            if (seen > rank) return quantile_value(h, h->small[k].b);
        }
        return h->max;
    }
    for (int p = 0; p < h->ndir; p++) {
        const uint64_t *pg = h->dir[p];
        if (!pg) continue;
        for (int k = 0; k < HIST_PAGE; k++) {
            seen += pg[k];
            if (seen > rank) return quantile_value(h, ((h->dir_lo + p) << HIST_PAGE_SHIFT) + k);
        }
    }
    return h->max;
}

double sim_hist_cdf(const sim_hist *h, double x)
{
    if (h->count == 0) return NAN;
    if (x < 0) return 0.0;
    uint64_t below = h->zero;
    if (x > 0) {
        int last = bucket_of(h, x);
        if (!h->dir) {
            for (int k = 0; k < h->nsmall && h->small[k].b <= last; k++) below += h->small[k].n;
        } else {
            for (int i = h->dir_lo << HIST_PAGE_SHIFT; i <= last; i++) below += bucket_get(h, i);
        }
    }
    return (double)below / (double)h->count;
}

void sim_hist__force_paged(sim_hist *h)
{
    if (!h->dir) to_paged(h);
}

/* ---- CIs -------------------------------------------------------------------- */

sim_ci sim_ci_from_welford(const sim_welford *w, double level)
{
    sim_ci ci;
    ci.n = w->n;
    ci.mean = w->n ? w->mean : NAN;
    ci.stddev = sim_welford_stddev(w);
    if (w->n < 2) {
        ci.half_width = NAN;
    } else {
        double t = gsl_cdf_tdist_Pinv(0.5 + 0.5 * level, (double)(w->n - 1));
        ci.half_width = t * ci.stddev / sqrt((double)w->n);
    }
    ci.lo = ci.mean - ci.half_width;
    ci.hi = ci.mean + ci.half_width;
    return ci;
}

sim_ci sim_ci_from_samples(const double *x, size_t n, double level)
{
    sim_welford w;
    sim_welford_init(&w);
    for (size_t i = 0; i < n; i++)
        sim_welford_add(&w, x[i]);
    return sim_ci_from_welford(&w, level);
}

/* ---- registry ---------------------------------------------------------------- */

typedef struct stat_entry {
    char *name;
    sim_stat_kind kind;
    void *p;
} stat_entry;

struct sim_stats {
    stat_entry *e;
    size_t n, cap;
};

sim_stats *sim_stats_create(void) { return sim_xcalloc(1, sizeof(sim_stats)); }

void sim_stats_destroy(sim_stats *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        if (s->e[i].kind == SIM_STAT_HIST)
            sim_hist_destroy(s->e[i].p);
        else
            free(s->e[i].p);
        free(s->e[i].name);
    }
    free(s->e);
    free(s);
}

void *sim_stats_find(const sim_stats *s, const char *name, sim_stat_kind kind)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->e[i].kind == kind && strcmp(s->e[i].name, name) == 0)
            return s->e[i].p;
    return NULL;
}

static void *reg(sim_stats *s, const char *name, sim_stat_kind kind, void *p)
{
    /* A name is registered once: a duplicate is a model bug. */
    for (size_t i = 0; i < s->n; i++)
        SIM_ASSERT(strcmp(s->e[i].name, name) != 0);
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->e = sim_xrealloc(s->e, s->cap * sizeof *s->e);
    }
    s->e[s->n++] = (stat_entry){ sim_xstrdup(name), kind, p };
    return p;
}

uint64_t *sim_stats_counter(sim_stats *s, const char *name)
{
    return reg(s, name, SIM_STAT_COUNTER, sim_xcalloc(1, sizeof(uint64_t)));
}

sim_twavg *sim_stats_twavg(sim_stats *s, const char *name, double t0, double level)
{
    sim_twavg *a = sim_xmalloc(sizeof *a);
    sim_twavg_init(a, t0, level);
    return reg(s, name, SIM_STAT_TWAVG, a);
}

sim_welford *sim_stats_welford(sim_stats *s, const char *name)
{
    sim_welford *w = sim_xmalloc(sizeof *w);
    sim_welford_init(w);
    return reg(s, name, SIM_STAT_WELFORD, w);
}

sim_hist *sim_stats_hist(sim_stats *s, const char *name, double min_positive)
{
    return reg(s, name, SIM_STAT_HIST, sim_hist_create(min_positive));
}

/* Find or create the nested object for a dotted name; returns the parent
 * and sets *leaf to the last component. */
static json_object *nest(json_object *root, const char *name, char *leaf, size_t n)
{
    json_object *cur = root;
    const char *p = name;
    for (;;) {
        const char *dot = strchr(p, '.');
        if (!dot) break;
        char part[256];
        size_t k = (size_t)(dot - p);
        if (k >= sizeof part) k = sizeof part - 1;
        memcpy(part, p, k);
        part[k] = '\0';
        json_object *child;
        if (!json_object_object_get_ex(cur, part, &child) ||
            !json_object_is_type(child, json_type_object)) {
            child = json_object_new_object();
            json_object_object_add(cur, part, child);
        }
        cur = child;
        p = dot + 1;
    }
    snprintf(leaf, n, "%s", p);
    return cur;
}

json_object *sim_stats_to_json(const sim_stats *s, double t_end)
{
    json_object *root = json_object_new_object();
    for (size_t i = 0; i < s->n; i++) {
        char leaf[256];
        json_object *parent = nest(root, s->e[i].name, leaf, sizeof leaf);
        switch (s->e[i].kind) {
        case SIM_STAT_COUNTER:
            sim_json_add_int(parent, leaf, (int64_t)*(uint64_t *)s->e[i].p);
            break;
        case SIM_STAT_TWAVG: {
            const sim_twavg *a = s->e[i].p;
            json_object *o = json_object_new_object();
            sim_json_add_double(o, "mean", sim_twavg_mean(a, t_end));
            sim_json_add_double(o, "max", a->max);
            json_object_object_add(parent, leaf, o);
            break;
        }
        case SIM_STAT_WELFORD: {
            const sim_welford *w = s->e[i].p;
            json_object *o = json_object_new_object();
            sim_json_add_int(o, "n", (int64_t)w->n);
            sim_json_add_double(o, "mean", w->n ? w->mean : 0.0);
            sim_json_add_double(o, "stddev", w->n > 1 ? sim_welford_stddev(w) : 0.0);
            json_object_object_add(parent, leaf, o);
            break;
        }
        case SIM_STAT_HIST: {
            const sim_hist *h = s->e[i].p;
            json_object *o = json_object_new_object();
            bool any = sim_hist_count(h) > 0;
            sim_json_add_int(o, "count", (int64_t)sim_hist_count(h));
            sim_json_add_double(o, "mean", any ? sim_hist_mean(h) : 0.0);
            sim_json_add_double(o, "p50", any ? sim_hist_quantile(h, 0.50) : 0.0);
            sim_json_add_double(o, "p95", any ? sim_hist_quantile(h, 0.95) : 0.0);
            sim_json_add_double(o, "p99", any ? sim_hist_quantile(h, 0.99) : 0.0);
            sim_json_add_double(o, "max", any ? sim_hist_max(h) : 0.0);
            json_object_object_add(parent, leaf, o);
            break;
        }
        }
    }
    return root;
}
