/* test_sqs.c - SQS queues, worker pools and the Lambda ESM.
 *
 * Erlang C for Poisson arrivals into a standard queue served by N workers
 * with exponential service and instant polling (README "Reference facts",
 * Queueing); loss
 * accounting (duplicates from a short visibility timeout, redrive to a DLQ,
 * retention expiry, conservation); FIFO order within groups and the FIFO send
 * cap; the closed form for empty receives of idle long-polling consumers; the
 * event-source mapping draining a queue through a concurrency-limited function.
 */
#include "models/scenario/mdl_scenario.h"
#include "tests/check.h"
#include "tests/platform_util.h"

#include <stdlib.h>
#include <string.h>


static void conservation(json_object *r, const char *what)
{
    double a = J(r, "requests.arrivals"), c = J(r, "requests.completed"),
           f = J(r, "requests.failed"), fl = J(r, "requests.in_flight");
    CHECK(a == c + f + fl, "%s: arrivals %.0f != completed %.0f + failed %.0f + in flight %.0f",
          what, a, c, f, fl);
}

static void erlang_c(double lambda, double want_pw, double want_wq, double duration)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{ \"duration_s\": %g, \"warmup_s\": 1000,"
             "  \"workload\": { \"arrivals\": { \"process\": \"poisson\", \"rate_per_s\": %g } },"
             "  \"entry\": { \"type\": \"queue\", \"target\": \"q\" },"
             "  \"queues\": { \"q\": { \"visibility_timeout_s\": 43200,"
             "     \"consumer\": { \"type\": \"workers\", \"count\": 10, \"poll\": \"instant\","
             "                     \"service_time\": { \"dist\": \"exponential\", \"mean_ms\": 1000 } } } } }",
             duration, lambda);
    json_object *r = run_text(text, 11);
    char what[64];
    snprintf(what, sizeof what, "Erlang C rho=%.1f Wq", lambda / 10);
    CHECK_REL(J(r, "queues.q.wait_ms.mean") / 1e3, want_wq, 0.03, what);
    snprintf(what, sizeof what, "Erlang C rho=%.1f P(wait)", lambda / 10);
    CHECK_REL(J(r, "queues.q.prob_wait"), want_pw, 0.03, what);
    CHECK_REL(J(r, "queues.q.consumer.avg_busy"), lambda, 0.01, "busy workers = offered load");
    conservation(r, "Erlang C");
    json_object_put(r);
}

static void losses(void)
{
    /* Processing takes 10 s but the visibility timeout is 4 s: every
     * message reappears and is processed again; after 3 receives it is
     * redriven to the DLQ. */
    const char *t =
        "{ \"duration_s\": 2000,"
        "  \"workload\": { \"arrivals\": { \"process\": \"deterministic\", \"rate_per_s\": 0.5 } },"
        "  \"entry\": { \"type\": \"queue\", \"target\": \"q\" },"
        "  \"queues\": { \"q\": { \"visibility_timeout_s\": 4, \"max_receive_count\": 3, \"dlq\": \"d\","
        "     \"consumer\": { \"type\": \"workers\", \"count\": 50, \"poll\": \"long\","
        "                     \"service_time\": { \"dist\": \"deterministic\", \"value_ms\": 10000 } } },"
        "     \"d\": { } } }";
    json_object *r = run_text(t, 1);
    double sent = J(r, "queues.q.sent");
    CHECK(J(r, "queues.q.duplicates") >= 1.9 * sent - 10, "every message processed 3 times: %g duplicates for %g sent",
          J(r, "queues.q.duplicates"), sent);
    CHECK(J(r, "queues.q.deleted") == 0, "no delete succeeds with a stale receipt");
    CHECK(J(r, "queues.q.to_dlq") + J(r, "queues.q.in_flight_at_end") + J(r, "queues.q.visible_at_end") == sent,
          "all redriven to the DLQ but the last few still cycling (%g of %g)", J(r, "queues.q.to_dlq"), sent);
    CHECK(J(r, "queues.q.to_dlq") > sent - 25, "at most ~42 s of messages still cycling");
    CHECK(J(r, "queues.d.sent") == J(r, "queues.q.to_dlq"), "the DLQ received them");
    CHECK(J(r, "requests.failures.dead_lettered") == J(r, "queues.q.to_dlq"), "dead-lettered requests fail");
    conservation(r, "DLQ");
    json_object_put(r);

    /* No consumer and a 60 s retention: everything older expires. */
    t = "{ \"duration_s\": 1000,"
        "  \"workload\": { \"arrivals\": { \"process\": \"deterministic\", \"rate_per_s\": 1 } },"
        "  \"entry\": { \"type\": \"queue\", \"target\": \"q\" },"
        "  \"queues\": { \"q\": { \"retention_s\": 60 } } }";
    r = run_text(t, 1);
    double exp_ = J(r, "queues.q.expired");
    CHECK_RANGE(exp_, 1001 - 60 - 7, 1001 - 60, "messages past retention expire (swept every 6 s)");
    CHECK(J(r, "requests.failures.expired") == exp_, "expired requests are failures");
    CHECK(J(r, "requests.in_flight") == J(r, "queues.q.visible_at_end"), "the rest are still queued");
    conservation(r, "retention");
    json_object_put(r);

    /* At-least-once: a duplicate probability of 5% shows up as duplicates,
     * and every request still completes exactly once. */
    t = "{ \"duration_s\": 20000,"
        "  \"workload\": { \"arrivals\": { \"process\": \"poisson\", \"rate_per_s\": 5 } },"
        "  \"entry\": { \"type\": \"queue\", \"target\": \"q\" },"
        "  \"queues\": { \"q\": { \"duplicate_probability\": 0.05,"
        "     \"consumer\": { \"type\": \"workers\", \"count\": 5, \"poll\": \"long\","
        "                     \"service_time\": { \"dist\": \"exponential\", \"mean_ms\": 100 } } } } }";
    r = run_text(t, 2);
    double dup = J(r, "queues.q.duplicates"), rec = J(r, "queues.q.received");
    CHECK_REL(dup / (rec - dup), 0.05, 0.08, "duplicate deliveries ~5% of messages");
    CHECK(J(r, "requests.completed") + J(r, "requests.in_flight") == J(r, "requests.arrivals"),
          "duplicates do not complete requests twice");
    json_object_put(r);
}

static void fifo(void)
{
    /* Many groups, failures through a short visibility timeout: order
     * within each group must hold throughout. */
    const char *t =
        "{ \"duration_s\": 20000,"
        "  \"workload\": { \"arrivals\": { \"process\": \"poisson\", \"rate_per_s\": 20 } },"
        "  \"entry\": { \"type\": \"queue\", \"target\": \"q\" },"
        "  \"queues\": { \"q\": { \"type\": \"fifo\", \"message_groups\": 7, \"visibility_timeout_s\": 2,"
        "     \"duplicate_send_probability\": 0.01,"
        "     \"consumer\": { \"type\": \"workers\", \"count\": 8, \"batch_size\": 3, \"poll\": \"long\","
        "                     \"service_time\": { \"dist\": \"exponential\", \"mean_ms\": 300 } } } } }";
    json_object *r = run_text(t, 3);
    CHECK(J(r, "queues.q.received") > 300000, "FIFO long run received %g", J(r, "queues.q.received"));
    CHECK(J(r, "queues.q.duplicates") > 0, "some visibility timeouts re-delivered");
    CHECK(J(r, "queues.q.order_violations") == 0, "order within groups holds (%g violations)",
          J(r, "queues.q.order_violations"));
    CHECK(J(r, "queues.q.deduplicated") > 0, "resends inside the window are deduplicated");
    conservation(r, "FIFO");
    json_object_put(r);

    /* 1000 sends/s into FIFO without batching: 300 per second get through. */
    t = "{ \"duration_s\": 100,"
        "  \"workload\": { \"arrivals\": { \"process\": \"deterministic\", \"rate_per_s\": 1000 } },"
        "  \"entry\": { \"type\": \"queue\", \"target\": \"q\" },"
        "  \"queues\": { \"q\": { \"type\": \"fifo\" } } }";
    r = run_text(t, 1);
    CHECK_RANGE(J(r, "queues.q.sent"), 300 * 100, 300 * 101 + 1, "FIFO cap: 300 msgs/s unbatched");
    CHECK(J(r, "requests.failures.send_throttled") == J(r, "queues.q.send_throttled") &&
          J(r, "queues.q.send_throttled") > 69000, "the rest are throttled");
    json_object_put(r);
    t = "{ \"duration_s\": 100,"
        "  \"workload\": { \"arrivals\": { \"process\": \"deterministic\", \"rate_per_s\": 5000 } },"
        "  \"entry\": { \"type\": \"queue\", \"target\": \"q\" },"
        "  \"queues\": { \"q\": { \"type\": \"fifo\", \"send_batch_size\": 10 } } }";
    r = run_text(t, 1);
    CHECK_RANGE(J(r, "queues.q.sent"), 3000 * 100, 3000 * 101 + 1, "FIFO cap: 3000 msgs/s in batches of 10");
    json_object_put(r);
}

static void empty_receives(void)
{
    /* 7 idle workers long-polling 20 s for 10,000 s: 7 x 500 empty
     * receives, each billed as one request. */
    const char *t =
        "{ \"duration_s\": 10000,"
        "  \"workload\": { \"arrivals\": { \"process\": \"deterministic\", \"rate_per_s\": 1e-9 } },"
        "  \"entry\": { \"type\": \"queue\", \"target\": \"q\" },"
        "  \"queues\": { \"q\": { \"consumer\": { \"type\": \"workers\", \"count\": 7, \"poll\": \"long\","
        "     \"wait_time_s\": 20, \"service_time\": { \"dist\": \"exponential\", \"mean_ms\": 100 } } } } }";
    json_object *r = run_text(t, 1);
    /* The one arrival at t=0 is received at once; then only empty waits. */
    CHECK_RANGE(J(r, "queues.q.empty_receives"), 7 * 500 - 7, 7 * 500, "empty receives = N T / W");
    CHECK_ABS(J(r, "queues.q.api_requests"), J(r, "queues.q.empty_receives") + 3, 0.01,
              "billed: empty receives + send, receive, delete");
    json_object_put(r);
    /* Short polling every 2 s costs 5,000 empty receives per worker. */
    t = "{ \"duration_s\": 10000,"
        "  \"workload\": { \"arrivals\": { \"process\": \"deterministic\", \"rate_per_s\": 1e-9 } },"
        "  \"entry\": { \"type\": \"queue\", \"target\": \"q\" },"
        "  \"queues\": { \"q\": { \"consumer\": { \"type\": \"workers\", \"count\": 2, \"poll\": \"short\","
        "     \"poll_interval_s\": 2, \"service_time\": { \"dist\": \"exponential\", \"mean_ms\": 100 } } } } }";
    r = run_text(t, 1);
    CHECK_RANGE(J(r, "queues.q.empty_receives"), 2 * 5000 - 4, 2 * 5000 + 1, "short polling: N T / interval");
    json_object_put(r);
}

static void payload_chunks(void)
{
    /* About 20 messages of 200 KB, one worker receiving one at a time: each API
     * call is billed per 64 KB chunk of its payload, a receive's as a
     * send's (README "Reference facts", SQS): send 4, receive 4, delete 1. */
    const char *t =
        "{ \"duration_s\": 100,"
        "  \"workload\": { \"arrivals\": { \"process\": \"deterministic\", \"rate_per_s\": 0.2 },"
        "                \"payload_bytes\": 204800 },"
        "  \"entry\": { \"type\": \"queue\", \"target\": \"q\" },"
        "  \"queues\": { \"q\": { \"consumer\": { \"type\": \"workers\", \"count\": 1, \"poll\": \"long\","
        "     \"batch_size\": 1, \"wait_time_s\": 20,"
        "     \"service_time\": { \"dist\": \"deterministic\", \"mean_ms\": 100 } } } } }";
    json_object *r = run_text(t, 1);
    double sent = J(r, "queues.q.sent"), recv = J(r, "queues.q.received");
    double del = J(r, "queues.q.deleted");
    CHECK(sent >= 20 && recv >= sent - 1 && del >= recv - 1, "every message but the last is through");
    CHECK_ABS(J(r, "queues.q.api_requests") - J(r, "queues.q.empty_receives"), 4 * sent + 4 * recv + del,
              0.01, "billed: 4 chunks to send, 4 to receive, 1 to delete each");
    json_object_put(r);
}

static void esm(void)
{
    /* S3 -> SQS -> Lambda with reserved concurrency 5: throttled batches
     * return to the queue and are processed later; nothing is lost. */
    const char *t =
        "{ \"duration_s\": 3600,"
        "  \"workload\": { \"arrivals\": { \"process\": \"poisson\", \"rate_per_s\": 40 } },"
        "  \"entry\": { \"type\": \"s3\", \"notify\": { \"queue\": \"q\" } },"
        "  \"queues\": { \"q\": { \"visibility_timeout_s\": 30,"
        "     \"consumer\": { \"type\": \"lambda\", \"function\": \"f\", \"batch_size\": 5,"
        "                     \"batching_window_s\": 1 } } },"
        "  \"functions\": { \"f\": { \"reserved_concurrency\": 5,"
        "     \"service_time\": { \"warm\": { \"dist\": \"exponential\", \"mean_ms\": 100 } } } } }";
    json_object *r = run_text(t, 4);
    CHECK(J(r, "functions.f.throttles") > 0, "the ESM ran into the function's concurrency");
    CHECK(J(r, "requests.failed") == 0, "throttled batches were retried, none lost");
    CHECK(J(r, "requests.completed") > 0.99 * J(r, "requests.arrivals"), "nearly all completed within the hour");
    CHECK(J(r, "functions.f.avg_running") <= 5.0 + 1e-9, "never above the reserved concurrency");
    double inv = J(r, "functions.f.invocations") - J(r, "functions.f.throttles");
    CHECK(J(r, "queues.q.deleted") > 1.5 * inv, "batches carry several messages (%g deleted, %g runs)",
          J(r, "queues.q.deleted"), inv);
    conservation(r, "ESM");
    json_object_put(r);
}

/* The event-source mapping invokes synchronously, so a batch over 256 KB
 * pays no async payload fee even when the messages come from S3 (an async
 * source): 300 notifications of 1,500 bytes make a 450 KB batch, one billed
 * request per invocation (the fee would bill 4). */
static void esm_sync_billing(void)
{
    const char *t =
        "{ \"duration_s\": 600,"
        "  \"workload\": { \"arrivals\": { \"process\": \"poisson\", \"rate_per_s\": 400 } },"
        "  \"entry\": { \"type\": \"s3\", \"notify\": { \"queue\": \"q\" } },"
        "  \"queues\": { \"q\": { \"visibility_timeout_s\": 60,"
        "     \"consumer\": { \"type\": \"lambda\", \"function\": \"f\", \"batch_size\": 300,"
        "                     \"batching_window_s\": 2 } } },"
        "  \"functions\": { \"f\": { \"service_time\": { \"warm\": { \"dist\": \"exponential\", \"mean_ms\": 2 } } } } }";
    json_object *r = run_text(t, 2);
    double runs = J(r, "functions.f.invocations") - J(r, "functions.f.throttles");
    CHECK(J(r, "queues.q.deleted") > 200 * runs, "batches over 256 KB (%g messages per run)",
          J(r, "queues.q.deleted") / runs);
    /* Billed at completion: a run or two may still be going at the end. */
    CHECK_RANGE(J(r, "functions.f.billed_requests"), runs - 2, runs,
                "one billed request per ESM run, none for the payload");
    json_object_put(r);
}

/* Workers with a kernel: one message of 2 MP of resize work at 2 vCPUs
 * (data/profiles/default.json: io 92.8 ms + 45.8 ms/MP of single-threaded
 * CPU: a second vCPU does not help) takes 184.4 ms, so 10 msg/s keep
 * 10 x 0.1844 = 1.84 workers busy. */
static void worker_kernel(void)
{
    const char *t =
        "{ \"duration_s\": 20000,"
        "  \"workload\": { \"arrivals\": { \"process\": \"poisson\", \"rate_per_s\": 10 } },"
        "  \"entry\": { \"type\": \"queue\", \"target\": \"q\" },"
        "  \"queues\": { \"q\": { \"consumer\": { \"type\": \"workers\", \"count\": 6, \"poll\": \"instant\","
        "     \"vcpus\": 2, \"kernel\": { \"name\": \"resize\", \"megapixels\": 2 } } } } }";
    json_object *r = run_text(t, 5);
    CHECK_REL(J(r, "queues.q.consumer.avg_busy"), 10 * 0.1844, 0.02, "busy workers = rate x kernel time");
    json_object_put(r);
}

int main(void)
{
    worker_kernel();
    erlang_c(8, 0.409180, 0.204590, 500000);
    erlang_c(9, 0.668732, 0.668732, 1000000);
    losses();
    fifo();
    empty_receives();
    payload_chunks();
    esm();
    esm_sync_billing();
    return check_report("sqs");
}
