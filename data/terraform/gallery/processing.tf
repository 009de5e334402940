# Uploads: S3 pending/ -> SQS -> the process function, which starts the
# image pipeline for each photo.

resource "aws_sqs_queue" "uploads_dlq" {
  name = "${var.prefix}-uploads-dlq"
}

resource "aws_sqs_queue" "uploads" {
  name                       = "${var.prefix}-uploads"
  visibility_timeout_seconds = 60
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.uploads_dlq.arn
    maxReceiveCount     = 5
  })
}

# S3 may send to the queue.
resource "aws_sqs_queue_policy" "uploads" {
  queue_url = aws_sqs_queue.uploads.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.uploads.arn
      Condition = { ArnEquals = { "aws:SourceArn" = aws_s3_bucket.photos.arn } }
    }]
  })
}

resource "aws_s3_bucket_notification" "uploads" {
  bucket = aws_s3_bucket.photos.id

  queue {
    queue_arn     = aws_sqs_queue.uploads.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = "pending/"
  }

  depends_on = [aws_sqs_queue_policy.uploads]
}

resource "aws_lambda_function" "process" {
  function_name = "${var.prefix}-process"
  role          = aws_iam_role.lambda.arn
  runtime       = "python3.12"
  handler       = "process.handler"
  filename      = "${path.module}/lambda.zip"
  memory_size   = 1769
  timeout       = 60

  environment {
    variables = {
      STATE_MACHINE_ARN = aws_sfn_state_machine.image_pipeline.arn
    }
  }
}

resource "aws_lambda_event_source_mapping" "uploads" {
  event_source_arn = aws_sqs_queue.uploads.arn
  function_name    = aws_lambda_function.process.arn
  batch_size       = 1
}
