/* mdl_s3.h - S3 buckets in a scenario: what other services call.
 *
 * The S3 service (a scenario service, mdl_service.h) holds the config's
 * buckets (README "Buckets and state machines") and the implicit one of
 * each s3 entry's `notify`.  A PUT into a bucket fires the notification
 * whose prefix and suffix match the object's key (matched when the config
 * loaded: a mask, no string compare at run time; filters never overlap, as
 * S3 requires, so one at most, but the code takes any mask): after its delay,
 * S3 sends its event (S3_EVENT_BYTES, not the object) to an SQS queue or
 * invokes a function asynchronously.  Bucket indices are the config's.
 *
 * Cost: a PUT is O(notifications), one event each, no allocation once the
 * request pool is warm.
 */
#ifndef MDL_S3_H
#define MDL_S3_H

#include "models/scenario/mdl_service.h"

/* The size of an S3 event notification: the AWS example event (S3 User
 * Guide, "Event message structure"; Lambda's "s3-put" test event) is 681 B
 * of compact JSON with placeholder values and 1,005 B pretty-printed; real
 * keys, principal, request and version ids put a record at 1 to 1.5 KB.  We
 * take 1,500 B.  Any figure up to 64 KB bills the same: one SQS request
 * (64 KB chunks) and one Lambda request (256 KB), README "Reference facts",
 * S3. */
#define S3_EVENT_BYTES 1500.0

typedef struct mdl_s3 mdl_s3;

extern const mdl_service_ops mdl_s3_service;

/* Request ri put its object (ri's obj_bytes) into bucket `bucket`, the PUT
 * itself already metered (a handler's call): the notifications in `mask`
 * fire.  ri becomes the first one's event and finishes when that is
 * processed (the message deleted, the invocation done); the others are
 * children of ri.  With no notification ri finishes at once, ok. */
void mdl_s3_put(mdl_s3 *s3, int bucket, uint32_t mask, int32_t ri);

/* A client's upload (an s3 entry): the PUT metered (a request, the object
 * stored), then as mdl_s3_put. */
void mdl_s3_upload(mdl_s3 *s3, int bucket, uint32_t mask, int32_t ri);

#endif /* MDL_S3_H */
