/* rpt_page.h - a report page, written as report.html and report.md.
 *
 * A page is a list of blocks (headings, paragraphs, tables of numbers,
 * charts, collapsible text) rendered twice, as self-contained HTML (charts
 * inlined from DIR/charts/NAME.svg, CSS inline, no script, no external
 * asset) and as Markdown (charts linked), so the two never disagree.  Run,
 * compare, demo and sweep reports build their pages with it, and so can
 * the Step Functions and sizing reports.  Every string is copied; text is
 * plain (escaped on output).  Table rows whose label starts with two spaces
 * are sub-rows (indented).  NaN cells print as "-".
 */
#ifndef RPT_PAGE_H
#define RPT_PAGE_H

#include <stdbool.h>

#include "sim/sim_status.h"

typedef struct rpt_page rpt_page;

rpt_page *rpt_page_create(const char *title);
void rpt_page_destroy(rpt_page *p);

void rpt_page_add_heading(rpt_page *p, const char *text);
/* A paragraph; a note is set in grey. */
void rpt_page_add_text(rpt_page *p, const char *text, bool note);
/* A paragraph set in bold (a headline figure). */
void rpt_page_add_strong(rpt_page *p, const char *text);
/* A table of text: nrow x ncol cells (row-major) under the column names;
 * a row whose first cell starts with two spaces is a sub-row. */
void rpt_page_add_text_table(rpt_page *p, const char *id, const char *const *cols, int ncol,
                             const char *const *cells, int nrow);
/* A table: nrow x ncol values (row-major), dec[r] decimals for row r.
 * id becomes the HTML table's id. */
void rpt_page_add_table(rpt_page *p, const char *id, const char *corner,
                        const char *const *cols, int ncol, const char *const *labels,
                        const double *v, const int *dec, int nrow);
/* The chart DIR/charts/<name>.svg, drawn before rpt_page_write. */
void rpt_page_add_chart(rpt_page *p, const char *name, const char *title, const char *caption);
/* Preformatted text, collapsed under `summary` in HTML. */
void rpt_page_add_code(rpt_page *p, const char *summary, const char *text);

/* Write DIR/report.html and DIR/report.md atomically. */
sim_status rpt_page_write(const rpt_page *p, const char *dir, sim_error *err);

#endif /* RPT_PAGE_H */
