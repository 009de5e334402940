/* rpt_month.c - the monthly bill of one or more designs, from their
 * cost.monthly (see rpt_verdict.h): on a page, every line as `lambdasim
 * cost` prints it; on a terminal, one USD column per design. */
#include "reports/page/rpt_verdict.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/pricing/mdl_bill.h"
#include "sim/sim_json.h"

#define MAX_KEYS 160

static json_object *monthly(const rpt_design *d)
{
    json_object *m = sim_json_at(d->results, "cost.monthly.services");
    return json_object_is_type(m, json_type_object) ? sim_json_at(d->results, "cost.monthly") : NULL;
}

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : "";
}

/* "item: detail" of a bill line. */
static void line_label(json_object *l, char *buf, size_t n)
{
    const char *detail = jstr(l, "detail");
    snprintf(buf, n, "%s%s%s", jstr(l, "item"), detail[0] ? ": " : "", detail);
}

/* How the month was projected, and its stocks, in one sentence. */
static void month_note(json_object *mo, char *buf, size_t n)
{
    size_t k = (size_t)snprintf(buf, n, "%s: the simulated span's requests, GB-s, hours and "
                                "bytes out times %.4g (730 h over the span), storage at the "
                                "month's average stock", jstr(mo, "label"),
                                sim_json_number_at(mo, "scale"));
    json_object *st = sim_json_at(mo, "stocks");
    if (!json_object_is_type(st, json_type_object)) {
        if (k < n) snprintf(buf + k, n - k, ".");
        return;
    }
    json_object_object_foreach(st, svc, so) {
        if (k >= n) break;
        k += (size_t)snprintf(buf + k, n - k, "; %s from %.4g GB, +%.4g GB a month: %.4g GB on "
                              "average", svc, sim_json_number_at(so, "initial_gb"),
                              sim_json_number_at(so, "growth_gb_per_month"),
                              sim_json_number_at(so, "average_gb"));
    }
    if (k < n) snprintf(buf + k, n - k, ".");
}

/* One design's bill: a row per service, then a sub-row per line. */
static void design_lines(rpt_page *pg, const rpt_design *d, int i)
{
    static const char *const cols[] = { "service / item", "quantity", "unit", "rate (USD)",
                                        "USD", "calculation", "source" };
    enum { NC = 7 };
    json_object *mo = monthly(d), *svcs = sim_json_at(mo, "services");
    size_t nrow = 0, cap = 16;
    char **cells = sim_xcalloc(cap * NC, sizeof *cells);
    json_object_object_foreach(svcs, name, so) {
        json_object *lines = sim_json_at(so, "lines");
        size_t nl = json_object_is_type(lines, json_type_array) ? json_object_array_length(lines) : 0;
        if (nrow + 1 + nl > cap) {
            cap = 2 * (nrow + 1 + nl);
            cells = sim_xrealloc(cells, cap * NC * sizeof *cells);
        }
        char buf[64];
        char **row = cells + nrow++ * NC;
        row[0] = sim_xstrdup(name);
        for (int c = 1; c < NC; c++) row[c] = sim_xstrdup("");
        snprintf(buf, sizeof buf, "%.4f", sim_json_number_at(so, "total_usd"));
        free(row[4]);
        row[4] = sim_xstrdup(buf);
        for (size_t k = 0; k < nl; k++) {
            json_object *l = json_object_array_get_idx(lines, k);
            char inner[280], label[300], q[48], r[48], usd[48];
            line_label(l, inner, sizeof inner);
            snprintf(label, sizeof label, "  %s", inner);   /* a sub-row */
            snprintf(usd, sizeof usd, "%.4f", sim_json_number_at(l, "usd"));
            row = cells + nrow++ * NC;
            row[0] = sim_xstrdup(label);
            row[1] = sim_xstrdup(mdl_bill_fmt_num(sim_json_number_at(l, "quantity"), q, sizeof q));
            row[2] = sim_xstrdup(jstr(l, "unit"));
            row[3] = sim_xstrdup(mdl_bill_fmt_num(sim_json_number_at(l, "rate_usd"), r, sizeof r));
            row[4] = sim_xstrdup(usd);
            row[5] = sim_xstrdup(jstr(l, "calculation"));
            row[6] = sim_xstrdup(jstr(l, "source"));
        }
    }
    char head[1200], note[1400], id[48];
    snprintf(head, sizeof head, "%s: $%.2f a month", d->name,
             sim_json_number_at(mo, "total_usd"));
    rpt_page_add_strong(pg, head);
    month_note(mo, note, sizeof note);
    rpt_page_add_text(pg, note, true);
    snprintf(id, sizeof id, "monthly-%d", i);
    rpt_page_add_text_table(pg, id, cols, NC, (const char *const *)cells, (int)nrow);
    for (size_t k = 0; k < nrow * NC; k++) free(cells[k]);
    free(cells);
}

/* Names of the services billed by any design, first-seen order. */
static int union_services(const rpt_design *d, int n, const char **out, int max)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        json_object *s = sim_json_at(d[i].results, "cost.monthly.services");
        if (!json_object_is_type(s, json_type_object)) continue;
        json_object_object_foreach(s, key, v) {
            (void)v;
            bool seen = false;
            for (int j = 0; j < k; j++) seen = seen || strcmp(out[j], key) == 0;
            if (!seen && k < max) out[k++] = key;
        }
    }
    return k;
}

void rpt_month_page(rpt_page *pg, const rpt_design *d, int n)
{
    int priced = 0;
    for (int i = 0; i < n; i++) priced += monthly(&d[i]) != NULL;
    if (priced == 0) return;
    rpt_page_add_heading(pg, "Monthly bill");
    const char *svc[32];
    int ns = union_services(d, n, svc, 32);
    if (n > 1) {
        const char **labels = sim_xcalloc((size_t)ns + 1, sizeof *labels);
        char (*lab)[96] = sim_xcalloc((size_t)ns + 1, sizeof *lab);
        double *v = sim_xcalloc((size_t)(ns + 1) * (size_t)n, sizeof *v);
        int *dec = sim_xcalloc((size_t)ns + 1, sizeof *dec);
        const char **cols = sim_xcalloc((size_t)n, sizeof *cols);
        snprintf(lab[0], sizeof lab[0], "per month (USD)");
        for (int k = 0; k < ns; k++) snprintf(lab[k + 1], sizeof lab[k + 1], "  %s", svc[k]);
        for (int k = 0; k <= ns; k++) {
            labels[k] = lab[k];
            dec[k] = 2;
            for (int i = 0; i < n; i++) {
                char p[160];
                if (k == 0) snprintf(p, sizeof p, "cost.monthly.total_usd");
                else snprintf(p, sizeof p, "cost.monthly.services.%s.total_usd", svc[k - 1]);
                double x = sim_json_number_at(d[i].results, p);
                v[(size_t)k * (size_t)n + (size_t)i] = isfinite(x) || k == 0 ? x : 0;
            }
        }
        for (int i = 0; i < n; i++) cols[i] = d[i].name;
        rpt_page_add_table(pg, "monthly", "", cols, n, labels, v, dec, ns + 1);
        free(cols);
        free(dec);
        free(v);
        free(lab);
        free(labels);
    }
    for (int i = 0; i < n; i++)
        if (monthly(&d[i])) design_lines(pg, &d[i], i);
    if (priced < n)
        rpt_page_add_text(pg, "Designs without a priced month are left out.", true);
}

/* ---- terminal ------------------------------------------------------------------ */

typedef struct line_key {
    char svc[32], label[200];
} line_key;

/* The bill lines of every design, first-seen order, services grouped. */
static int union_lines(const rpt_design *d, int n, line_key *keys, int max)
{
    const char *svc[32];
    int ns = union_services(d, n, svc, 32), k = 0;
    for (int s = 0; s < ns; s++) {
        if (k < max) {
            snprintf(keys[k].svc, sizeof keys[k].svc, "%s", svc[s]);
            keys[k++].label[0] = '\0';
        }
        for (int i = 0; i < n; i++) {
            char p[160];
            snprintf(p, sizeof p, "cost.monthly.services.%s.lines", svc[s]);
            json_object *lines = sim_json_at(d[i].results, p);
            size_t nl = json_object_is_type(lines, json_type_array) ? json_object_array_length(lines) : 0;
            for (size_t j = 0; j < nl; j++) {
                char label[200];
                line_label(json_object_array_get_idx(lines, j), label, sizeof label);
                bool seen = false;
                for (int q = 0; q < k; q++)
                    seen = seen || (strcmp(keys[q].svc, svc[s]) == 0 && strcmp(keys[q].label, label) == 0);
                if (seen || k == max) continue;
                snprintf(keys[k].svc, sizeof keys[k].svc, "%s", svc[s]);
                snprintf(keys[k++].label, sizeof keys[k - 1].label, "%s", label);
            }
        }
    }
    return k;
}

/* A line's USD in design d (summed over lines with the same label: 0 when none). */
static double line_usd(const rpt_design *d, const line_key *key)
{
    char p[160];
    if (!key->label[0]) {
        snprintf(p, sizeof p, "cost.monthly.services.%s.total_usd", key->svc);
        double v = sim_json_number_at(d->results, p);
        return isfinite(v) ? v : 0;
    }
    snprintf(p, sizeof p, "cost.monthly.services.%s.lines", key->svc);
    json_object *lines = sim_json_at(d->results, p);
    size_t nl = json_object_is_type(lines, json_type_array) ? json_object_array_length(lines) : 0;
    double usd = 0;
    for (size_t j = 0; j < nl; j++) {
        char label[200];
        json_object *l = json_object_array_get_idx(lines, j);
        line_label(l, label, sizeof label);
        if (strcmp(label, key->label) == 0) usd += sim_json_number_at(l, "usd");
    }
    return usd;
}

void rpt_month_print_columns(FILE *fp, const rpt_design *d, int n, int label_w, int w)
{
    bool any = false;
    for (int i = 0; i < n; i++) any = any || monthly(&d[i]);
    if (!any) return;
    fprintf(fp, "%-*s", label_w, "per month (USD)");
    for (int i = 0; i < n; i++) {
        double t = sim_json_number_at(d[i].results, "cost.monthly.total_usd");
        if (isfinite(t)) fprintf(fp, " %*.2f", w, t);
        else fprintf(fp, " %*s", w, "-");
    }
    fputc('\n', fp);
    line_key *keys = sim_xcalloc(MAX_KEYS, sizeof *keys);
    int nk = union_lines(d, n, keys, MAX_KEYS);
    for (int k = 0; k < nk; k++) {
        char label[256];
        if (keys[k].label[0]) snprintf(label, sizeof label, "    %s", keys[k].label);
        else snprintf(label, sizeof label, "  %s", keys[k].svc);
        fprintf(fp, "%-*.*s", label_w, label_w, label);
        for (int i = 0; i < n; i++) fprintf(fp, " %*.*f", w, keys[k].label[0] ? 4 : 2, line_usd(&d[i], &keys[k]));
        fputc('\n', fp);
    }
    free(keys);
}
