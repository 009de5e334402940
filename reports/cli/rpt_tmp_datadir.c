/* rpt_tmp_datadir.c - TEMPORARY (issue 14): see rpt_tmp_datadir.h. */
#include "reports/cli/rpt_tmp_datadir.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The installed data folder, passed by the Makefile for this file only
 * (-DLAMBDASIM_DATADIR="$(PREFIX)/share/lambdasim"); a build without it
 * falls back to ./data. */
#ifndef LAMBDASIM_DATADIR
#define LAMBDASIM_DATADIR ""
#endif

const char *rpt_tmp_datadir(const char *opt, const char *probe)
{
    if (opt && opt[0]) return opt;
    const char *env = getenv("LAMBDASIM_DATA");
    if (env && env[0]) return env;
    if (LAMBDASIM_DATADIR[0]) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", LAMBDASIM_DATADIR, probe);
        if (access(p, R_OK) == 0) return LAMBDASIM_DATADIR;
    }
    return "data";
}
