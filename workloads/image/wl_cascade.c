/* wl_cascade.c - load OpenCV cascade classifiers (Haar and LBP) with libxml2.
 *
 * Reads OpenCV's current format, <cascade type_id="opencv-cascade-classifier">
 * (some files omit the type_id): stageType BOOST, featureType HAAR or LBP,
 * window height/width, featureParams/maxCatCount, stages (stageThreshold,
 * weakClassifiers with internalNodes and leafValues) and features (Haar rects
 * with an optional tilted flag, or an LBP rect).  The pre-2.0 format
 * (type_id "opencv-haar-classifier") is refused with a clear message rather
 * than half-understood.
 *
 * Everything a file can get wrong is checked here, once, so the detector's
 * inner loop can trust every index: node children must point forward inside
 * their tree (no cycles), leaves and features must exist, rectangles must lie
 * inside the window.  Errors name the file, the line of the offending
 * element and its path ("stages[3].weakClassifiers[2].internalNodes").
 * Numbers are parsed with strtod from the element text.  libxml2's error
 * printing is replaced, per parser context, by a callback that keeps the
 * first error (the later ones are its consequences) for the sim_error.
 *
 * libxml2 is loaded with dlopen when a cascade is loaded, not linked: it
 * brings ICU and libstdc++ (~1 ms of loader work at every start of
 * lambdasim, issue 19), and only `detect` reads XML.  Its functions are
 * looked up into a wl_xml table the parse passes around; their types come
 * from <libxml/parser.h> itself.
 */
#include "workloads/image/wl_detect_internal.h"
#include "sim/sim_dl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

/* OpenCV lowers every stage threshold by this much (cascadedetect.cpp),
 * so sums that equal the threshold in float pass. */
#define WL__THRESHOLD_EPS 1e-5f

/* libxml2's ABI since 2.0 (libxml2.so.2, Debian package libxml2). */
#define WL_XML_SONAME "libxml2.so.2"

/* The libxml2 functions the loader calls, looked up by name. */
#define WL_XML_FUNCS(X)                                                          \
    X(xmlNewParserCtxt) X(xmlCtxtReadFile) X(xmlFreeDoc) X(xmlFreeParserCtxt)    \
    X(xmlDocGetRootElement) X(xmlNodeGetContent) X(xmlGetProp)

typedef struct wl_xml {
#define X(name) __typeof__(&name) name;
    WL_XML_FUNCS(X)
#undef X
    xmlFreeFunc *free_fn;   /* libxml2's xmlFree hook (a variable: no per-thread
                               allocators in Debian's build) */
} wl_xml;

typedef struct parse_ctx {
    const char *file;
    sim_error *err;
    const wl_xml *xml;
} parse_ctx;

/* What xmlGetLineNo gives for an element without XML_PARSE_BIG_LINES. */
static long node_line(const xmlNode *n)
{
    return n ? (long)n->line : 0;
}

static int is_elem(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child(const xmlNode *parent, const char *name)
{
    for (xmlNode *n = parent->children; n; n = n->next)
        if (is_elem(n, name))
            return n;
    return NULL;
}

/* Element children ("<_>" list items). */
static int count_items(const xmlNode *parent)
{
    int k = 0;
    for (xmlNode *n = parent->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE)
            k++;
    return k;
}

static xmlNode *require(parse_ctx *pc, const xmlNode *parent, const char *name,
                        const char *path, sim_status *st)
{
    xmlNode *n = child(parent, name);
    if (!n) {
        char field[256];
        snprintf(field, sizeof field, "%s%s%s", path, *path ? "." : "", name);
        *st = SIM_ERR(pc->err, SIM_EFORMAT, pc->file, node_line(parent), field,
                      "missing <%s> element", name);
    }
    return n;
}

/* Parse the whitespace-separated numbers of an element's text.  *out is
 * malloc'd (NULL when there are none). */
static sim_status parse_numbers(parse_ctx *pc, const xmlNode *n, const char *field,
                                double **out, int *count)
{
    xmlChar *txt = pc->xml->xmlNodeGetContent(n);
    const char *s = txt ? (const char *)txt : "";
    int cap = 8, k = 0;
    double *v = sim_xmalloc(sizeof *v * (size_t)cap);
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        if (!*s)
            break;
        char *end;
        errno = 0;
        double x = strtod(s, &end);
        if (end == s || errno || !isfinite(x)) {
            char tok[32];
            snprintf(tok, sizeof tok, "%.20s", s);
            free(v);
            (*pc->xml->free_fn)(txt);
            SIM_FAIL(pc->err, SIM_EPARSE, pc->file, node_line(n), field,
                     "'%s' is not a number", tok);
        }
        if (k == cap) {
            cap *= 2;
            v = sim_xrealloc(v, sizeof *v * (size_t)cap);
        }
        v[k++] = x;
        s = end;
    }
    (*pc->xml->free_fn)(txt);
    *out = v;
    *count = k;
    return SIM_OK;
}

/* One number that must be an integer in [lo, hi]. */
static sim_status parse_int_elem(parse_ctx *pc, const xmlNode *parent, const char *name,
                                 const char *path, int lo, int hi, int *out)
{
    sim_status st = SIM_OK;
    xmlNode *n = require(pc, parent, name, path, &st);
    if (!n)
        return st;
    char field[256];
    snprintf(field, sizeof field, "%s%s%s", path, *path ? "." : "", name);
    double *v;
    int k;
    SIM_TRY(parse_numbers(pc, n, field, &v, &k));
    double x = k == 1 ? v[0] : NAN;
    free(v);
    if (k != 1 || x != floor(x) || x < lo || x > hi)
        SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(n), field,
                 "want one integer in [%d, %d]", lo, hi);
    *out = (int)x;
    return SIM_OK;
}

static sim_status text_is(parse_ctx *pc, const xmlNode *parent, const char *name,
                          const char *const *allowed, int *index)
{
    sim_status st = SIM_OK;
    xmlNode *n = require(pc, parent, name, "", &st);
    if (!n)
        return st;
    xmlChar *txt = pc->xml->xmlNodeGetContent(n);
    char buf[64];
    snprintf(buf, sizeof buf, "%s", txt ? (const char *)txt : "");
    (*pc->xml->free_fn)(txt);
    /* trim */
    char *s = buf;
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\t' ||
                   s[len - 1] == '\r'))
        s[--len] = '\0';
    for (int i = 0; allowed[i]; i++)
        if (strcmp(s, allowed[i]) == 0) {
            *index = i;
            return SIM_OK;
        }
    SIM_FAIL(pc->err, SIM_EUNSUPPORTED, pc->file, node_line(n), name,
             "'%s' is not supported (want %s%s%s)", s, allowed[0],
             allowed[1] ? " or " : "", allowed[1] ? allowed[1] : "");
}

static int is_integer(double x)
{
    return x == floor(x) && fabs(x) < 2147483648.0;
}

/* Decode nn nodes of one tree from its internalNodes numbers. */
static sim_status fill_nodes(parse_ctx *pc, wl_cascade *c, const double *nv, int nn,
                             int node_step, int lk, const xmlNode *in, const char *field)
{
    for (int j = 0; j < nn; j++) {
        const double *q = nv + (size_t)j * (size_t)node_step;
        wl__node *nd = &c->nodes[c->nnodes + j];
        for (int m = 0; m < (c->lbp ? node_step : 3); m++)
            if (!is_integer(q[m]))
                SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(in), field,
                         "node %d: value %d (%g) must be an integer", j, m, q[m]);
        nd->left = (int)q[0];
        nd->right = (int)q[1];
        nd->feature = (int)q[2];
        nd->threshold = c->lbp ? 0.0f : (float)q[3];
        const int kids[2] = {nd->left, nd->right};
        for (int m = 0; m < 2; m++) {
            /* Internal children must come later in the tree, which rules
             * out cycles; leaves must exist. */
            int bad = kids[m] > 0 ? (kids[m] <= j || kids[m] >= nn) : (-kids[m] >= lk);
            if (bad)
                SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(in), field,
                         "node %d: child %d is not a later node or an existing leaf", j,
                         kids[m]);
        }
        if (nd->feature < 0)
            SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(in), field,
                     "node %d: negative feature index %d", j, nd->feature);
        if (c->lbp)
            for (int m = 0; m < c->subset_size; m++)
                c->subsets[(size_t)(c->nnodes + j) * (size_t)c->subset_size + (size_t)m] =
                    (int32_t)(int64_t)q[3 + m];
    }
    return SIM_OK;
}

/* Capacities of the cascade's growing arrays while stages are parsed. */
typedef struct caps {
    int w, n, l;          /* weaks, nodes (and LBP subsets), leaves */
} caps;

/* Room for one more weak classifier of nn nodes and lk leaves. */
static void grow_for(wl_cascade *c, caps *cp, int nn, int lk)
{
    if (c->nweak == cp->w) {
        cp->w *= 2;
        c->weaks = sim_xrealloc(c->weaks, sizeof *c->weaks * (size_t)cp->w);
    }
    while (c->nnodes + nn > cp->n) {
        cp->n *= 2;
        c->nodes = sim_xrealloc(c->nodes, sizeof *c->nodes * (size_t)cp->n);
        if (c->lbp)
            c->subsets = sim_xrealloc(c->subsets, sizeof *c->subsets *
                                      (size_t)cp->n * (size_t)c->subset_size);
    }
    while (c->nleaves + lk > cp->l) {
        cp->l *= 2;
        c->leaves = sim_xrealloc(c->leaves, sizeof *c->leaves * (size_t)cp->l);
    }
}

/* Append the weak classifier wn (internalNodes + leafValues) at wpath. */
static sim_status parse_weak(parse_ctx *pc, wl_cascade *c, caps *cp, const xmlNode *wn,
                             const char *wpath)
{
    int node_step = c->lbp ? 3 + c->subset_size : 4;
    sim_status st = SIM_OK;
    xmlNode *in = require(pc, wn, "internalNodes", wpath, &st);
    if (!in)
        return st;
    xmlNode *ln = require(pc, wn, "leafValues", wpath, &st);
    if (!ln)
        return st;
    double *nv, *lv;
    int nk, lk;
    char field[320], lfield[320];
    snprintf(field, sizeof field, "%s.internalNodes", wpath);
    SIM_TRY(parse_numbers(pc, in, field, &nv, &nk));
    if (nk == 0 || nk % node_step != 0) {
        free(nv);
        SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(in), field,
                 "%d numbers is not a whole number of %d-number %s nodes", nk,
                 node_step, c->lbp ? "LBP" : "Haar");
    }
    int nn = nk / node_step;
    snprintf(lfield, sizeof lfield, "%s.leafValues", wpath);
    sim_status ps = parse_numbers(pc, ln, lfield, &lv, &lk);
    if (ps != SIM_OK) {
        free(nv);
        return ps;
    }
    if (lk < 2) {
        free(nv);
        free(lv);
        SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(ln), lfield,
                 "want at least 2 leaf values, got %d", lk);
    }
    if (nn > 1)
        c->stumps = 0;
    grow_for(c, cp, nn, lk);
    wl__weak *wk = &c->weaks[c->nweak];
    wk->node0 = c->nnodes;
    wk->nnodes = nn;
    wk->leaf0 = c->nleaves;
    wk->nleaves = lk;
    sim_status ns = fill_nodes(pc, c, nv, nn, node_step, lk, in, field);
    if (ns == SIM_OK) {
        for (int j = 0; j < lk; j++)
            c->leaves[c->nleaves + j] = (float)lv[j];
        c->nnodes += nn;
        c->nleaves += lk;
        c->nweak++;
    }
    free(nv);
    free(lv);
    return ns;
}

/* Parse stage sn (its threshold and weak classifiers) into c->stages[si]. */
static sim_status parse_stage(parse_ctx *pc, wl_cascade *c, caps *cp, const xmlNode *sn, int si)
{
    char path[256], field[320];
    snprintf(path, sizeof path, "stages[%d]", si);
    sim_status st = SIM_OK;
    xmlNode *thr = require(pc, sn, "stageThreshold", path, &st);
    if (!thr)
        return st;
    double *v;
    int k;
    snprintf(field, sizeof field, "%s.stageThreshold", path);
    SIM_TRY(parse_numbers(pc, thr, field, &v, &k));
    double t = k == 1 ? v[0] : NAN;
    free(v);
    if (k != 1)
        SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(thr), field,
                 "want one number, got %d", k);
    xmlNode *wcs = require(pc, sn, "weakClassifiers", path, &st);
    if (!wcs)
        return st;
    wl__stage *stage = &c->stages[si];
    stage->threshold = (float)t - WL__THRESHOLD_EPS;
    stage->weak0 = c->nweak;
    int wi = 0;
    for (xmlNode *wn = wcs->children; wn; wn = wn->next) {
        if (wn->type != XML_ELEMENT_NODE)
            continue;
        char wpath[300];
        snprintf(wpath, sizeof wpath, "%s.weakClassifiers[%d]", path, wi);
        SIM_TRY(parse_weak(pc, c, cp, wn, wpath));
        wi++;
    }
    if (wi == 0) {
        snprintf(field, sizeof field, "%s.weakClassifiers", path);
        SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(wcs), field,
                 "stage has no weak classifiers");
    }
    stage->nweak = wi;
    return SIM_OK;
}

static sim_status parse_stages(parse_ctx *pc, wl_cascade *c, const xmlNode *stages)
{
    int nst = count_items(stages);
    if (nst == 0)
        SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(stages), "stages",
                 "the cascade has no stages");
    c->stages = sim_xcalloc((size_t)nst, sizeof *c->stages);
    caps cp = { 64, 64, 128 };
    c->weaks = sim_xmalloc(sizeof *c->weaks * (size_t)cp.w);
    c->nodes = sim_xmalloc(sizeof *c->nodes * (size_t)cp.n);
    c->leaves = sim_xmalloc(sizeof *c->leaves * (size_t)cp.l);
    if (c->lbp)
        c->subsets = sim_xmalloc(sizeof *c->subsets * (size_t)cp.n * (size_t)c->subset_size);
    c->stumps = 1;
    int si = 0;
    for (xmlNode *sn = stages->children; sn; sn = sn->next) {
        if (sn->type != XML_ELEMENT_NODE)
            continue;
        SIM_TRY(parse_stage(pc, c, &cp, sn, si));
        si++;
    }
    c->nstages = nst;
    return SIM_OK;
}

static sim_status parse_rect(parse_ctx *pc, const xmlNode *n, const char *field, int want,
                             double *vals)
{
    double *v;
    int k;
    SIM_TRY(parse_numbers(pc, n, field, &v, &k));
    if (k != want) {
        free(v);
        SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(n), field,
                 "want %d numbers, got %d", want, k);
    }
    memcpy(vals, v, sizeof *v * (size_t)want);
    free(v);
    for (int i = 0; i < 4; i++)
        if (!is_integer(vals[i]))
            SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(n), field,
                     "rectangle coordinate %g is not an integer", vals[i]);
    return SIM_OK;
}

static sim_status parse_features(parse_ctx *pc, wl_cascade *c, const xmlNode *feats)
{
    int nf = count_items(feats);
    c->features = sim_xcalloc(nf ? (size_t)nf : 1, sizeof *c->features);
    int fi = 0;
    for (xmlNode *fn = feats->children; fn; fn = fn->next) {
        if (fn->type != XML_ELEMENT_NODE)
            continue;
        char path[64], field[128];
        snprintf(path, sizeof path, "features[%d]", fi);
        wl__feature *f = &c->features[fi];
        sim_status st = SIM_OK;
        if (c->lbp) {
            xmlNode *rn = require(pc, fn, "rect", path, &st);
            if (!rn)
                return st;
            snprintf(field, sizeof field, "%s.rect", path);
            double v[4];
            SIM_TRY(parse_rect(pc, rn, field, 4, v));
            f->r[0] = (wl__rect){(int)v[0], (int)v[1], (int)v[2], (int)v[3], 0.0f};
            f->nrect = 1;
            if (v[0] < 0 || v[1] < 0 || v[2] <= 0 || v[3] <= 0 ||
                v[0] + 3 * v[2] > c->win_w || v[1] + 3 * v[3] > c->win_h)
                SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(rn), field,
                         "LBP block grid %gx%g at (%g,%g) does not fit the %dx%d window",
                         3 * v[2], 3 * v[3], v[0], v[1], c->win_w, c->win_h);
        } else {
            xmlNode *rs = require(pc, fn, "rects", path, &st);
            if (!rs)
                return st;
            xmlNode *tn = child(fn, "tilted");
            if (tn) {
                int t;
                SIM_TRY(parse_int_elem(pc, fn, "tilted", path, 0, 1, &t));
                f->tilted = t;
                c->any_tilted |= t;
            }
            int ri = 0;
            for (xmlNode *rn = rs->children; rn; rn = rn->next) {
                if (rn->type != XML_ELEMENT_NODE)
                    continue;
                snprintf(field, sizeof field, "%s.rects[%d]", path, ri);
                if (ri == 3)
                    SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(rn), field,
                             "a Haar feature has at most 3 rectangles");
                double v[5];
                SIM_TRY(parse_rect(pc, rn, field, 5, v));
                int x = (int)v[0], y = (int)v[1], w = (int)v[2], h = (int)v[3];
                int fits = f->tilted
                    ? (x - h >= 0 && y >= 0 && w >= 0 && h >= 0 && x + w <= c->win_w &&
                       y + w + h <= c->win_h)
                    : (x >= 0 && y >= 0 && w >= 0 && h >= 0 && x + w <= c->win_w &&
                       y + h <= c->win_h);
                if (!fits)
                    SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(rn), field,
                             "%srectangle (%d,%d,%d,%d) does not fit the %dx%d window",
                             f->tilted ? "tilted " : "", x, y, w, h, c->win_w, c->win_h);
                f->r[ri] = (wl__rect){x, y, w, h, (float)v[4]};
                ri++;
            }
            if (ri < 2)
                SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(rs), path,
                         "a Haar feature needs 2 or 3 rectangles, got %d", ri);
            f->nrect = ri;
        }
        fi++;
    }
    c->nfeatures = nf;
    /* Every node's feature must exist. */
    for (int i = 0; i < c->nnodes; i++)
        if (c->nodes[i].feature >= nf)
            SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(feats), "features",
                     "a node uses feature %d but only %d features are defined",
                     c->nodes[i].feature, nf);
    return SIM_OK;
}

static sim_status parse_cascade(parse_ctx *pc, wl_cascade *c, const xmlNode *root)
{
    if (!is_elem(root, "opencv_storage"))
        SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(root), (const char *)root->name,
                 "root element is <%s>, want <opencv_storage>", (const char *)root->name);
    xmlNode *cn = NULL;
    for (xmlNode *n = root->children; n && !cn; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *type = pc->xml->xmlGetProp(n, (const xmlChar *)"type_id");
        if (type && strcmp((const char *)type, "opencv-haar-classifier") == 0) {
            (*pc->xml->free_fn)(type);
            SIM_FAIL(pc->err, SIM_EUNSUPPORTED, pc->file, node_line(n),
                     (const char *)n->name,
                     "old-style cascade (type_id opencv-haar-classifier) is not "
                     "supported; convert it with OpenCV's cascade tools");
        }
        int ok = is_elem(n, "cascade") &&
                 (!type || strcmp((const char *)type, "opencv-cascade-classifier") == 0);
        (*pc->xml->free_fn)(type);
        if (ok)
            cn = n;
    }
    if (!cn)
        SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(root), "cascade",
                 "no <cascade type_id=\"opencv-cascade-classifier\"> element");
    static const char *const stage_types[] = {"BOOST", NULL};
    static const char *const feat_types[] = {"HAAR", "LBP", NULL};
    int idx;
    SIM_TRY(text_is(pc, cn, "stageType", stage_types, &idx));
    SIM_TRY(text_is(pc, cn, "featureType", feat_types, &idx));
    c->lbp = idx == 1;
    SIM_TRY(parse_int_elem(pc, cn, "height", "", 1, 4096, &c->win_h));
    SIM_TRY(parse_int_elem(pc, cn, "width", "", 1, 4096, &c->win_w));
    if (c->win_w < 3 || c->win_h < 3)
        SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(cn), "width",
                 "window %dx%d is too small", c->win_w, c->win_h);
    int ncat = 0;
    xmlNode *fp = child(cn, "featureParams");
    if (fp && child(fp, "maxCatCount"))
        SIM_TRY(parse_int_elem(pc, fp, "maxCatCount", "featureParams", 0, 1 << 16, &ncat));
    if (c->lbp && ncat != 256)
        SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(fp ? fp : cn),
                 "featureParams.maxCatCount",
                 "an LBP cascade needs maxCatCount 256, got %d", ncat);
    if (!c->lbp && ncat != 0)
        SIM_FAIL(pc->err, SIM_EUNSUPPORTED, pc->file, node_line(fp),
                 "featureParams.maxCatCount", "categorical Haar cascades are not supported");
    c->subset_size = c->lbp ? (ncat + 31) / 32 : 0;
    sim_status st = SIM_OK;
    xmlNode *stages = require(pc, cn, "stages", "", &st);
    if (!stages)
        return st;
    SIM_TRY(parse_stages(pc, c, stages));
    if (child(cn, "stageNum")) {
        int sn;
        SIM_TRY(parse_int_elem(pc, cn, "stageNum", "", 1, 1 << 20, &sn));
        if (sn != c->nstages)
            SIM_FAIL(pc->err, SIM_EFORMAT, pc->file, node_line(child(cn, "stageNum")),
                     "stageNum", "stageNum is %d but %d stages are listed", sn, c->nstages);
    }
    xmlNode *feats = require(pc, cn, "features", "", &st);
    if (!feats)
        return st;
    return parse_features(pc, c, feats);
}

typedef struct xml_first_error {
    int seen;
    long line;
    char msg[256];
} xml_first_error;

/* libxml2 structured-error callback; userData is the parser context. */
static void xml_capture_error(void *user, xmlErrorPtr e)
{
    xmlParserCtxtPtr ctxt = user;
    xml_first_error *f = ctxt ? ctxt->_private : NULL;
    if (!f || f->seen || !e || e->level < XML_ERR_ERROR)
        return;
    f->seen = 1;
    f->line = e->line;
    snprintf(f->msg, sizeof f->msg, "%s", e->message ? e->message : "parse error");
    size_t n = strlen(f->msg);
    while (n && (f->msg[n - 1] == '\n' || f->msg[n - 1] == ' '))
        f->msg[--n] = '\0';
}

static int file_exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Name -> path: a path (contains '/' or ends in .xml) is used as is;
 * otherwise look in the opencv-data folders with and without prefixes. */
static sim_status resolve(const char *name, char *out, size_t n, sim_error *err)
{
    size_t len = strlen(name);
    if (len == 0)
        SIM_FAIL(err, SIM_EUSAGE, NULL, 0, "cascade", "empty cascade name");
    if (strchr(name, '/') || (len > 4 && strcmp(name + len - 4, ".xml") == 0)) {
        snprintf(out, n, "%s", name);
        return SIM_OK;
    }
    char cand[4][512];
    int k = 0;
    if (strncmp(name, "lbpcascade_", 11) == 0) {
        snprintf(cand[k++], 512, "%s/lbpcascades/%s.xml", WL_CASCADE_DIR, name);
    } else if (strncmp(name, "haarcascade_", 12) == 0) {
        snprintf(cand[k++], 512, "%s/haarcascades/%s.xml", WL_CASCADE_DIR, name);
    } else {
        snprintf(cand[k++], 512, "%s/haarcascades/haarcascade_%s.xml", WL_CASCADE_DIR, name);
        snprintf(cand[k++], 512, "%s/lbpcascades/lbpcascade_%s.xml", WL_CASCADE_DIR, name);
    }
    for (int i = 0; i < k; i++)
        if (file_exists(cand[i]) && strlen(cand[i]) < n) {
            memcpy(out, cand[i], strlen(cand[i]) + 1);
            return SIM_OK;
        }
    SIM_FAIL(err, SIM_ENOENT, cand[0], 0, NULL,
             "no cascade named '%s' (is opencv-data installed? see %s/haarcascades "
             "and %s/lbpcascades)", name, WL_CASCADE_DIR, WL_CASCADE_DIR);
}

void wl_cascade_destroy(wl_cascade *c)
{
    if (!c)
        return;
    free(c->stages);
    free(c->weaks);
    free(c->nodes);
    free(c->subsets);
    free(c->leaves);
    free(c->features);
    free(c);
}

/* Load libxml2 (it stays for the process) and fill *x. */
static sim_status xml_load(wl_xml *x, const char *path, sim_error *err)
{
    const sim_dl_sym syms[] = {
#define X(name) { #name, &x->name, sizeof x->name },
        WL_XML_FUNCS(X)
#undef X
        { "xmlFree", &x->free_fn, sizeof x->free_fn },
    };
    return sim_dl_load(WL_XML_SONAME, "libxml2", "reading cascades needs libxml2", syms,
                       sizeof syms / sizeof syms[0], path, err);
}

sim_status wl_cascade_load(const char *name_or_path, wl_cascade **out, sim_error *err)
{
    *out = NULL;
    char path[512];
    SIM_TRY(resolve(name_or_path, path, sizeof path, err));
    if (!file_exists(path))
        SIM_FAIL(err, SIM_ENOENT, path, 0, NULL, "cascade file not found");
    wl_xml x;
    SIM_TRY(xml_load(&x, path, err));

    xmlParserCtxtPtr ctxt = x.xmlNewParserCtxt();
    if (!ctxt)
        SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, "cannot create an XML parser");
    /* Keep libxml2's first error (later ones are consequences of it) in
     * our own record instead of letting it print to stderr. */
    xml_first_error first = {0, 0, ""};
    ctxt->_private = &first;
    ctxt->sax->serror = xml_capture_error;
    xmlDocPtr doc = x.xmlCtxtReadFile(ctxt, path, NULL, XML_PARSE_NONET | XML_PARSE_NOWARNING |
                                                             XML_PARSE_HUGE);
    if (!doc || first.seen) {
        if (!first.seen)
            snprintf(first.msg, sizeof first.msg, "cannot parse");
        long line = first.line;
        if (doc)
            x.xmlFreeDoc(doc);
        x.xmlFreeParserCtxt(ctxt);
        SIM_FAIL(err, SIM_EPARSE, path, line, NULL, "malformed XML: %s", first.msg);
    }
    wl_cascade *c = sim_xcalloc(1, sizeof *c);
    snprintf(c->path, sizeof c->path, "%s", path);
    parse_ctx pc = {c->path, err, &x};
    xmlNode *root = x.xmlDocGetRootElement(doc);
    sim_status st = root ? parse_cascade(&pc, c, root)
                         : SIM_ERR(err, SIM_EFORMAT, path, 0, NULL, "empty XML document");
    x.xmlFreeDoc(doc);
    x.xmlFreeParserCtxt(ctxt);
    if (st != SIM_OK) {
        wl_cascade_destroy(c);
        return st;
    }
    *out = c;
    return SIM_OK;
}
