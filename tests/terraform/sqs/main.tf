# aws_sqs_queue with every mapped attribute (a FIFO queue in high
# throughput mode, its dead-letter queue set by aws_sqs_queue_redrive_policy)
# drained by an event-source mapping; a standard queue drained by an
# autoscaling group (its launch template's user_data names the queue) and
# one by three tagged instances; a disabled mapping.
resource "aws_sqs_queue" "orders" {
  name                        = "orders.fifo"
  fifo_queue                  = true
  fifo_throughput_limit       = "perMessageGroupId"
  deduplication_scope         = "messageGroup"
  content_based_deduplication = true
  visibility_timeout_seconds  = 120
  message_retention_seconds   = 86400
  delay_seconds               = 5
}

resource "aws_sqs_queue" "orders_dlq" {
  name       = "orders-dlq.fifo"
  fifo_queue = true
}

resource "aws_sqs_queue_redrive_policy" "orders" {
  queue_url = aws_sqs_queue.orders.id
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn
    maxReceiveCount     = 3
  })
}

resource "aws_lambda_function" "worker" {
  function_name = "order-worker"
  role          = "arn:aws:iam::123456789012:role/lambda"
  runtime       = "python3.12"
  handler       = "w.handler"
  filename      = "w.zip"
}

resource "aws_lambda_event_source_mapping" "orders" {
  event_source_arn                   = aws_sqs_queue.orders.arn
  function_name                      = aws_lambda_function.worker.function_name
  batch_size                         = 5
  maximum_batching_window_in_seconds = 0
  function_response_types            = ["ReportBatchItemFailures"]
  scaling_config {
    maximum_concurrency = 20
  }
}

resource "aws_lambda_event_source_mapping" "off" {
  event_source_arn = aws_sqs_queue.orders_dlq.arn
  function_name    = aws_lambda_function.worker.arn
  enabled          = false
}

resource "aws_sqs_queue" "jobs" {
  name                      = "jobs"
  receive_wait_time_seconds = 10
}

resource "aws_launch_template" "jobs" {
  name          = "jobs"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "c5.large"
  user_data     = base64encode("QUEUE_URL=${aws_sqs_queue.jobs.url}")
}

resource "aws_autoscaling_group" "jobs" {
  name               = "jobs"
  min_size           = 2
  max_size           = 12
  desired_capacity   = 4
  availability_zones = ["eu-west-1a"]
  launch_template {
    id      = aws_launch_template.jobs.id
    version = "$Latest"
  }
}

resource "aws_sqs_queue" "batch" {
  name = "batch"
}

resource "aws_instance" "batch" {
  count         = 3
  ami           = "ami-0123456789abcdef0"
  instance_type = "m7g.large"
  tags = {
    "lambdasim:queue" = "batch"
  }
}

resource "aws_instance" "bastion" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}
