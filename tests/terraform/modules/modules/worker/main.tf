variable "function_arn" {
  type = string
}

variable "index" {
  type = number
}

resource "aws_sqs_queue" "own" {
  name = "own-${var.index}"
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn = aws_sqs_queue.own.arn
  function_name    = var.function_arn
}
