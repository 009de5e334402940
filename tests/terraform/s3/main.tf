# aws_s3_bucket_notification: a queue and a function target with prefixes
# and suffixes, an SNS topic (not simulated), a delete-only block (not
# simulated).
resource "aws_s3_bucket" "media" {
  bucket = "media-uploads"
}

resource "aws_sqs_queue" "images" {
  name = "images"
}

resource "aws_lambda_function" "video" {
  function_name = "video"
  role          = "arn:aws:iam::123456789012:role/lambda"
  runtime       = "python3.12"
  handler       = "v.handler"
  filename      = "v.zip"
}

resource "aws_lambda_function" "cleanup" {
  function_name = "cleanup"
  role          = "arn:aws:iam::123456789012:role/lambda"
  runtime       = "python3.12"
  handler       = "c.handler"
  filename      = "c.zip"
}

resource "aws_sns_topic" "audit" {
  name = "audit"
}

resource "aws_s3_bucket_notification" "media" {
  bucket = aws_s3_bucket.media.id
  queue {
    queue_arn     = aws_sqs_queue.images.arn
    events        = ["s3:ObjectCreated:Put"]
    filter_prefix = "in/"
    filter_suffix = ".jpg"
  }
  lambda_function {
    lambda_function_arn = aws_lambda_function.video.arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = "in/"
    filter_suffix       = ".mp4"
  }
  lambda_function {
    lambda_function_arn = aws_lambda_function.cleanup.arn
    events              = ["s3:ObjectRemoved:*"]
  }
  topic {
    topic_arn = aws_sns_topic.audit.arn
    events    = ["s3:ObjectCreated:*"]
  }
}
