/* rpt_page.c - report pages as self-contained HTML and as Markdown.
 *
 * Blocks are kept in order with their own copies of every string and
 * number, then rendered by two small printers.  Charts are read back from
 * DIR/charts/NAME.svg at write time and inlined without the XML prologue;
 * libplot gives every SVG the same element ids, so they are prefixed with
 * the chart name to keep the page's ids unique, and the physical size
 * (cm) is replaced by CSS pixels.
 */
#include "reports/page/rpt_page.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_io.h"

typedef enum { BLK_HEADING, BLK_TEXT, BLK_NOTE, BLK_TABLE, BLK_CHART, BLK_CODE, BLK_TTABLE,
               BLK_STRONG } blk_kind;

typedef struct blk {
    blk_kind kind;
    char *text;       /* heading, paragraph, code, chart title */
    char *extra;      /* code: summary; chart: caption */
    char *id;         /* table id; chart name */
    char *corner;
    char **cols, **labels;
    char **cells;     /* text table: nrow x ncol */
    double *v;
    int *dec;
    int ncol, nrow;
} blk;

struct rpt_page {
    char *title;
    blk *b;
    int n, cap;
};

static char *dup_or_empty(const char *s) { return sim_xstrdup(s ? s : ""); }

static blk *page_add(rpt_page *p, blk_kind kind)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 16;
        p->b = sim_xrealloc(p->b, (size_t)p->cap * sizeof *p->b);
    }
    blk *b = &p->b[p->n++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

rpt_page *rpt_page_create(const char *title)
{
    rpt_page *p = sim_xcalloc(1, sizeof *p);
    p->title = dup_or_empty(title);
    return p;
}

void rpt_page_destroy(rpt_page *p)
{
    if (!p) return;
    for (int i = 0; i < p->n; i++) {
        blk *b = &p->b[i];
        free(b->text);
        free(b->extra);
        free(b->id);
        free(b->corner);
        for (int c = 0; c < b->ncol; c++) free(b->cols[c]);
        for (int r = 0; b->labels && r < b->nrow; r++) free(b->labels[r]);
        for (int k = 0; b->cells && k < b->nrow * b->ncol; k++) free(b->cells[k]);
        free(b->cells);
        free(b->cols);
        free(b->labels);
        free(b->v);
        free(b->dec);
    }
    free(p->b);
    free(p->title);
    free(p);
}

void rpt_page_add_heading(rpt_page *p, const char *text)
{
    page_add(p, BLK_HEADING)->text = dup_or_empty(text);
}

void rpt_page_add_text(rpt_page *p, const char *text, bool note)
{
    page_add(p, note ? BLK_NOTE : BLK_TEXT)->text = dup_or_empty(text);
}

void rpt_page_add_strong(rpt_page *p, const char *text)
{
    page_add(p, BLK_STRONG)->text = dup_or_empty(text);
}

void rpt_page_add_text_table(rpt_page *p, const char *id, const char *const *cols, int ncol,
                             const char *const *cells, int nrow)
{
    SIM_ASSERT(ncol > 0 && nrow >= 0);
    blk *b = page_add(p, BLK_TTABLE);
    b->id = dup_or_empty(id);
    b->ncol = ncol;
    b->nrow = nrow;
    b->cols = sim_xcalloc((size_t)ncol, sizeof *b->cols);
    b->cells = sim_xcalloc((size_t)ncol * (size_t)nrow + 1, sizeof *b->cells);
    for (int c = 0; c < ncol; c++) b->cols[c] = dup_or_empty(cols[c]);
    for (int k = 0; k < ncol * nrow; k++) b->cells[k] = dup_or_empty(cells[k]);
}

void rpt_page_add_table(rpt_page *p, const char *id, const char *corner,
                        const char *const *cols, int ncol, const char *const *labels,
                        const double *v, const int *dec, int nrow)
{
    SIM_ASSERT(ncol >= 0 && nrow >= 0);
    blk *b = page_add(p, BLK_TABLE);
    b->id = dup_or_empty(id);
    b->corner = dup_or_empty(corner);
    b->ncol = ncol;
    b->nrow = nrow;
    b->cols = sim_xcalloc((size_t)ncol + 1, sizeof *b->cols);
    b->labels = sim_xcalloc((size_t)nrow + 1, sizeof *b->labels);
    b->v = sim_xcalloc((size_t)ncol * (size_t)nrow + 1, sizeof *b->v);
    b->dec = sim_xcalloc((size_t)nrow + 1, sizeof *b->dec);
    for (int c = 0; c < ncol; c++) b->cols[c] = dup_or_empty(cols[c]);
    for (int r = 0; r < nrow; r++) {
        b->labels[r] = dup_or_empty(labels[r]);
        b->dec[r] = dec ? dec[r] : 2;
    }
    if (ncol * nrow > 0) memcpy(b->v, v, (size_t)ncol * (size_t)nrow * sizeof *v);
}

void rpt_page_add_chart(rpt_page *p, const char *name, const char *title, const char *caption)
{
    blk *b = page_add(p, BLK_CHART);
    b->id = dup_or_empty(name);
    b->text = dup_or_empty(title);
    b->extra = dup_or_empty(caption);
}

void rpt_page_add_code(rpt_page *p, const char *summary, const char *text)
{
    blk *b = page_add(p, BLK_CODE);
    b->extra = dup_or_empty(summary);
    b->text = dup_or_empty(text);
}

/* ---- printers ------------------------------------------------------------ */

static void html_escape(FILE *fp, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        default: fputc(*s, fp);
        }
    }
}

/* Markdown cells: pipes would split the cell. */
static void md_escape(FILE *fp, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|') fputs("\\|", fp);
        else fputc(*s, fp);
    }
}

static void fmt_cell(char *buf, size_t n, double v, int dec)
{
    if (!isfinite(v)) snprintf(buf, n, "-");
    else snprintf(buf, n, "%.*f", dec, v);
}

static bool is_sub(const char *label) { return label[0] == ' ' && label[1] == ' '; }

static void table_html(FILE *fp, const blk *b)
{
    fprintf(fp, "<div class=\"scroll\"><table id=\"");
    html_escape(fp, b->id);
    fputs("\"><thead><tr><th>", fp);
    html_escape(fp, b->corner);
    fputs("</th>", fp);
    for (int c = 0; c < b->ncol; c++) {
        fputs("<th>", fp);
        html_escape(fp, b->cols[c]);
        fputs("</th>", fp);
    }
    fputs("</tr></thead><tbody>\n", fp);
    char buf[64];
    for (int r = 0; r < b->nrow; r++) {
        bool sub = is_sub(b->labels[r]);
        fprintf(fp, "<tr%s><th>", sub ? " class=\"sub\"" : "");
        html_escape(fp, sub ? b->labels[r] + 2 : b->labels[r]);
        fputs("</th>", fp);
        for (int c = 0; c < b->ncol; c++) {
            fmt_cell(buf, sizeof buf, b->v[(size_t)r * (size_t)b->ncol + (size_t)c], b->dec[r]);
            fprintf(fp, "<td>%s</td>", buf);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody></table></div>\n", fp);
}

/* A text table: the first column left-aligned (names), the others as given. */
static void ttable_html(FILE *fp, const blk *b)
{
    fputs("<div class=\"scroll\"><table class=\"text\" id=\"", fp);
    html_escape(fp, b->id);
    fputs("\"><thead><tr>", fp);
    for (int c = 0; c < b->ncol; c++) {
        fputs("<th>", fp);
        html_escape(fp, b->cols[c]);
        fputs("</th>", fp);
    }
    fputs("</tr></thead><tbody>\n", fp);
    for (int r = 0; r < b->nrow; r++) {
        const char *first = b->cells[(size_t)r * (size_t)b->ncol];
        bool sub = is_sub(first);
        fputs(sub ? "<tr class=\"sub\">" : "<tr>", fp);
        for (int c = 0; c < b->ncol; c++) {
            const char *cell = b->cells[(size_t)r * (size_t)b->ncol + (size_t)c];
            fputs(c == 0 ? "<th>" : "<td>", fp);
            html_escape(fp, c == 0 && sub ? cell + 2 : cell);
            fputs(c == 0 ? "</th>" : "</td>", fp);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody></table></div>\n", fp);
}

static void ttable_md(FILE *fp, const blk *b)
{
    for (int c = 0; c < b->ncol; c++) {
        fputs("| ", fp);
        md_escape(fp, b->cols[c]);
        fputc(' ', fp);
    }
    fputs("|\n", fp);
    for (int c = 0; c < b->ncol; c++) fputs("|---", fp);
    fputs("|\n", fp);
    for (int r = 0; r < b->nrow; r++) {
        for (int c = 0; c < b->ncol; c++) {
            const char *cell = b->cells[(size_t)r * (size_t)b->ncol + (size_t)c];
            fputs("| ", fp);
            if (c == 0 && is_sub(cell)) {
                fputs("- ", fp);
                cell += 2;
            }
            md_escape(fp, cell);
            fputc(' ', fp);
        }
        fputs("|\n", fp);
    }
    fputs("\n", fp);
}

static void table_md(FILE *fp, const blk *b)
{
    fputs("| ", fp);
    md_escape(fp, b->corner);
    for (int c = 0; c < b->ncol; c++) {
        fputs(" | ", fp);
        md_escape(fp, b->cols[c]);
    }
    fputs(" |\n|---", fp);
    for (int c = 0; c < b->ncol; c++) fputs("|---:", fp);
    fputs("|\n", fp);
    char buf[64];
    for (int r = 0; r < b->nrow; r++) {
        fputs("| ", fp);
        /* Markdown trims cell space: mark sub-rows with a dash instead. */
        if (is_sub(b->labels[r])) fputs("- ", fp);
        md_escape(fp, is_sub(b->labels[r]) ? b->labels[r] + 2 : b->labels[r]);
        for (int c = 0; c < b->ncol; c++) {
            fmt_cell(buf, sizeof buf, b->v[(size_t)r * (size_t)b->ncol + (size_t)c], b->dec[r]);
            fprintf(fp, " | %s", buf);
        }
        fputs(" |\n", fp);
    }
    fputs("\n", fp);
}

/* A physical SVG length ("8.33in", "21.2cm", "800") in CSS pixels (96/in):
 * libplot writes the page size in physical units. */
static double css_px(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (strncmp(end, "in", 2) == 0) return v * 96;
    if (strncmp(end, "cm", 2) == 0) return v / 2.54 * 96;
    if (strncmp(end, "mm", 2) == 0) return v / 25.4 * 96;
    return v;
}

/* Inline one chart: no XML prologue, ids prefixed, size in pixels. */
static sim_status inline_svg(FILE *fp, const char *dir, const blk *b, sim_error *err)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/charts/%s.svg", dir, b->id);
    char *text = NULL;
    size_t len;
    SIM_TRY(sim_read_file(path, &text, &len, err));
    char *p = strstr(text, "<svg");
    char *tag_end = p ? strchr(p, '>') : NULL;
    if (!p || !tag_end) {
        free(text);
        SIM_FAIL(err, SIM_EFORMAT, path, 0, NULL, "no <svg> element");
    }
    fprintf(fp, "<svg role=\"img\" aria-label=\"");
    html_escape(fp, b->text);
    fputs("\" data-chart=\"", fp);
    html_escape(fp, b->id);
    fputc('"', fp);
    p += 4;
    while (*p) {
        bool in_tag = p < tag_end;
        if (strncmp(p, " id=\"", 5) == 0) {
            fputs(" id=\"", fp);
            html_escape(fp, b->id);
            fputc('-', fp);
            p += 5;
        } else if (in_tag && strncmp(p, " width=\"", 8) == 0) {
            fprintf(fp, " width=\"%.0f\"", css_px(p + 8));
            p = strchr(p + 8, '"') + 1;
        } else if (in_tag && strncmp(p, " height=\"", 9) == 0) {
            fprintf(fp, " height=\"%.0f\"", css_px(p + 9));
            p = strchr(p + 9, '"') + 1;
        } else if (strncmp(p, "<title>SVG drawing</title>", 26) == 0) {
            fputs("<title>", fp);
            html_escape(fp, b->text);
            fputs("</title>", fp);
            p += 26;
        } else {
            fputc(*p++, fp);
        }
    }
    free(text);
    return SIM_OK;
}

static const char k_css[] =
    "body{font-family:Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;color:#222;"
    "padding:0 1em}\n"
    "h1{font-size:1.6em;margin-bottom:0.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}\n"
    "p.note{color:#555}table{border-collapse:collapse;margin:0.8em 0}\n"
    "th,td{padding:0.25em 0.8em;border-bottom:1px solid #eee;text-align:right}\n"
    "thead th{border-bottom:2px solid #bbb}tbody th{text-align:left;font-weight:normal}\n"
    "tr.sub th{padding-left:2em;color:#555}\n"
    "table.text td{text-align:left;max-width:30em}p.strong{font-size:1.1em;font-weight:bold}\n"
    ".scroll{overflow-x:auto}figure.chart{margin:1em 0;overflow-x:auto}figcaption{color:#555;max-width:800px}\n"
    "pre{background:#f6f6f6;padding:0.8em;overflow-x:auto;font-size:0.85em}\n";

static sim_status write_html(const rpt_page *pg, const char *dir, sim_error *err)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/report.html", dir);
    sim_atomic a;
    SIM_TRY(sim_atomic_open(&a, path, err));
    FILE *fp = a.fp;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", fp);
    html_escape(fp, pg->title);
    /* data: icon: no favicon request, so no console error for it. */
    fprintf(fp, "</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>\n%s</style></head>\n<body>\n<h1>",
            k_css);
    html_escape(fp, pg->title);
    fputs("</h1>\n", fp);
    sim_status st = SIM_OK;
    for (int i = 0; i < pg->n && st == SIM_OK; i++) {
        const blk *b = &pg->b[i];
        switch (b->kind) {
        case BLK_HEADING:
            fputs("<h2>", fp);
            html_escape(fp, b->text);
            fputs("</h2>\n", fp);
            break;
        case BLK_TEXT:
        case BLK_NOTE:
            fputs(b->kind == BLK_NOTE ? "<p class=\"note\">" : "<p>", fp);
            html_escape(fp, b->text);
            fputs("</p>\n", fp);
            break;
        case BLK_TABLE:
            table_html(fp, b);
            break;
        case BLK_TTABLE:
            ttable_html(fp, b);
            break;
        case BLK_STRONG:
            fputs("<p class=\"strong\">", fp);
            html_escape(fp, b->text);
            fputs("</p>\n", fp);
            break;
        case BLK_CHART:
            fputs("<figure class=\"chart\" id=\"chart-", fp);
            html_escape(fp, b->id);
            fputs("\">\n", fp);
            st = inline_svg(fp, dir, b, err);
            fputs("<figcaption>", fp);
            html_escape(fp, b->extra);
            fputs(" (<a href=\"charts/", fp);
            html_escape(fp, b->id);
            fputs(".svg\">charts/", fp);
            html_escape(fp, b->id);
            fputs(".svg</a>)</figcaption></figure>\n", fp);
            break;
        case BLK_CODE:
            fputs("<details><summary>", fp);
            html_escape(fp, b->extra);
            fputs("</summary><pre>", fp);
            html_escape(fp, b->text);
            fputs("</pre></details>\n", fp);
            break;
        }
    }
    fputs("</body></html>\n", fp);
    if (st != SIM_OK) {
        sim_atomic_abort(&a);
        return st;
    }
    return sim_atomic_commit(&a, err);
}

static sim_status write_md(const rpt_page *pg, const char *dir, sim_error *err)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/report.md", dir);
    sim_atomic a;
    SIM_TRY(sim_atomic_open(&a, path, err));
    FILE *fp = a.fp;
    fprintf(fp, "# %s\n\n", pg->title);
    for (int i = 0; i < pg->n; i++) {
        const blk *b = &pg->b[i];
        switch (b->kind) {
        case BLK_HEADING: fprintf(fp, "## %s\n\n", b->text); break;
        case BLK_TEXT:
        case BLK_NOTE: fprintf(fp, "%s\n\n", b->text); break;
        case BLK_TABLE: table_md(fp, b); break;
        case BLK_TTABLE: ttable_md(fp, b); break;
        case BLK_STRONG: fprintf(fp, "**%s**\n\n", b->text); break;
        case BLK_CHART:
            fprintf(fp, "![%s](charts/%s.svg)\n\n%s\n\n", b->text, b->id, b->extra);
            break;
        case BLK_CODE:
            fprintf(fp, "<details><summary>%s</summary>\n\n```\n%s\n```\n\n</details>\n\n",
                    b->extra, b->text);
            break;
        }
    }
    return sim_atomic_commit(&a, err);
}

sim_status rpt_page_write(const rpt_page *p, const char *dir, sim_error *err)
{
    SIM_TRY(write_html(p, dir, err));
    return write_md(p, dir, err);
}
