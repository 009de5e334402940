/* sim_cli_stubs.c - weak placeholders for commands that have not landed.
 *
 * Each is overridden by a strong definition in its own module; see
 * sim_cli.h for why this keeps landing a command free of shared edits.
 */
#include "sim/sim_cli.h"

#include <stdio.h>

#define SIM__STUB(fn, cmd, what)                                        \
    __attribute__((weak)) int fn(int argc, char **argv)                 \
    {                                                                   \
        if (sim_cli_wants_help(argc, argv)) {                           \
            printf("usage: lambdasim %s ...\n(not available yet: %s)\n",  \
                   cmd, what);                                          \
            return 0;                                                   \
        }                                                               \
        return sim_cli_not_landed(cmd, what);                           \
    }

SIM__STUB(mdl_cmd_cost, "cost", "pricing lands with issue 3")
SIM__STUB(wl_cmd_trace, "trace", "workloads land with issue 4")
SIM__STUB(wl_cmd_kernel, "kernel", "image kernels land with issue 5")
SIM__STUB(wl_cmd_profile, "profile", "image kernels land with issue 5")
SIM__STUB(wl_cmd_kernel_detect, "kernel detect", "object detection lands with issue 5")
SIM__STUB(mdl_cmd_size, "size", "sizing lands with issue 6")
SIM__STUB(mdl_cmd_run, "run", "the Lambda platform lands with issue 7")
SIM__STUB(mdl_cmd_compare, "compare", "the Lambda platform lands with issue 7")
SIM__STUB(mdl_cmd_stepfn, "stepfn", "Step Functions land with issue 9")
SIM__STUB(rpt_cmd_demo, "demo", "reports land with issue 10")
SIM__STUB(rpt_cmd_sweep, "sweep", "sweeps land with issue 10")
