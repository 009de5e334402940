/* rpt_cli_data.c - the data directory: --data, $LAMBDASIM_DATA, the
 * installed share folder, ./data. */
#include "reports/cli/rpt_cli_data.h"

#include <stdlib.h>
#include <sys/stat.h>

/* The Makefile passes $(PREFIX)/share/lambdasim. */
#ifndef LAMBDASIM_DATADIR
#define LAMBDASIM_DATADIR "/usr/local/share/lambdasim"
#endif

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

sim_status rpt_cli_data_dir(const char *opt, const char **dir, sim_error *err)
{
    const char *env = getenv("LAMBDASIM_DATA");
    if (opt) {
        if (!is_dir(opt)) SIM_FAIL(err, SIM_EUSAGE, "--data", 0, NULL, "'%s' is not a directory", opt);
        *dir = opt;
    } else if (env && env[0]) {
        if (!is_dir(env))
            SIM_FAIL(err, SIM_EUSAGE, "LAMBDASIM_DATA", 0, NULL, "'%s' is not a directory", env);
        *dir = env;
    } else if (is_dir(LAMBDASIM_DATADIR)) {
        *dir = LAMBDASIM_DATADIR;
    } else {
        /* Relative, as the user would write it: "data/prices/...". */
        *dir = "data";
    }
    return SIM_OK;
}
