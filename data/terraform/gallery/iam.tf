# Roles and logs: needed to deploy, not simulated (lambdasim lists them).

resource "aws_iam_role" "lambda" {
  name = "${var.prefix}-lambda"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "lambda" {
  role = aws_iam_role.lambda.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "${aws_s3_bucket.photos.arn}/*" },
      { Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:PutItem"], Resource = aws_dynamodb_table.images.arn },
      { Effect = "Allow", Action = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource = aws_sqs_queue.uploads.arn },
      { Effect = "Allow", Action = "states:StartExecution", Resource = aws_sfn_state_machine.image_pipeline.arn },
      { Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "*" }
    ]
  })
}

resource "aws_iam_role" "pipeline" {
  name = "${var.prefix}-pipeline"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "states.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "pipeline" {
  role = aws_iam_role.pipeline.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "lambda:InvokeFunction", Resource = [aws_lambda_function.check_image.arn, aws_lambda_function.resize.arn, aws_lambda_function.grayscale.arn] },
      { Effect = "Allow", Action = "dynamodb:PutItem", Resource = aws_dynamodb_table.images.arn }
    ]
  })
}

resource "aws_cloudwatch_log_group" "view" {
  name              = "/aws/lambda/${aws_lambda_function.view.function_name}"
  retention_in_days = 14
}
