/* mdl_sqs.h - SQS queues in a scenario: what other services call.
 *
 * The SQS service (a scenario service, mdl_service.h) runs every queue of
 * the config with its consumer: an EC2 worker pool (with autoscaling) or a
 * Lambda event-source mapping, whose batches are invocations of the
 * simulated function (origin: the mapping; the batch's messages are
 * deleted, or come back, when the function finishes).  Queue indices are the
 * config's (mdl_config_find_queue); resolve names once, at build time.
 *
 * Cost: a send, receive or delete is O(1) and allocation-free once the
 * message pool has grown (FIFO: returning messages are re-inserted in
 * sequence order, O(group length)).
 */
#ifndef MDL_SQS_H
#define MDL_SQS_H

#include "models/scenario/mdl_service.h"

typedef struct mdl_sqs mdl_sqs;

extern const mdl_service_ops mdl_sqs_service;

/* A producer sends request ri (its bytes) to queue qi.  The request
 * finishes (mdl_req_finish) when its message is first deleted, or fails
 * when it is too large, throttled (FIFO), dead-lettered or expires. */
void mdl_sqs_send(mdl_sqs *sqs, int qi, int32_t ri);

#endif /* MDL_SQS_H */
