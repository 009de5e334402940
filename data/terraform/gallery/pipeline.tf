# The image pipeline (the seeds' Solution 2): CheckImage, then Resize and
# Grayscale in parallel, then the metadata in DynamoDB.

locals {
  pipeline_functions = {
    check_image = { name = "CheckImage", handler = "check.handler" }
    resize      = { name = "Resize", handler = "resize.handler" }
    grayscale   = { name = "Grayscale", handler = "gray.handler" }
  }
}

resource "aws_lambda_function" "check_image" {
  function_name = local.pipeline_functions.check_image.name
  role          = aws_iam_role.lambda.arn
  runtime       = "python3.12"
  handler       = local.pipeline_functions.check_image.handler
  filename      = "${path.module}/lambda.zip"
  memory_size   = 1024
  timeout       = 30
}

resource "aws_lambda_function" "resize" {
  function_name = local.pipeline_functions.resize.name
  role          = aws_iam_role.lambda.arn
  runtime       = "python3.12"
  handler       = local.pipeline_functions.resize.handler
  filename      = "${path.module}/lambda.zip"
  memory_size   = 1024
  timeout       = 30
}

resource "aws_lambda_function" "grayscale" {
  function_name = local.pipeline_functions.grayscale.name
  role          = aws_iam_role.lambda.arn
  runtime       = "python3.12"
  handler       = local.pipeline_functions.grayscale.handler
  filename      = "${path.module}/lambda.zip"
  memory_size   = 1024
  timeout       = 30
}

resource "aws_sfn_state_machine" "image_pipeline" {
  name     = "${var.prefix}-image-pipeline"
  role_arn = aws_iam_role.pipeline.arn
  type     = "STANDARD"
  definition = templatefile("${path.module}/image_pipeline.asl.json.tftpl", {
    check_image_arn = aws_lambda_function.check_image.arn
    resize_arn      = aws_lambda_function.resize.arn
    grayscale_arn   = aws_lambda_function.grayscale.arn
    table_name      = aws_dynamodb_table.images.name
  })
}
