# References through modules: a queue made in a module (its ARN an output),
# a function passed into a module through a variable, a module with count.
module "queue" {
  source = "./modules/queue"
  name   = "tasks"
}

resource "aws_lambda_function" "handler" {
  function_name = "handler"
  role          = "arn:aws:iam::123456789012:role/lambda"
  runtime       = "python3.12"
  handler       = "h.handler"
  filename      = "h.zip"
}

resource "aws_lambda_event_source_mapping" "tasks" {
  event_source_arn = module.queue.arn
  function_name    = aws_lambda_function.handler.arn
}

module "worker" {
  count        = 2
  source       = "./modules/worker"
  function_arn = aws_lambda_function.handler.arn
  index        = count.index
}
