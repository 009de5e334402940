# aws_lambda_function: every mapped attribute set (big), and none (small:
# AWS's defaults); provisioned concurrency on an alias; a Function URL
# streaming its response; a permission (ignored).
resource "aws_lambda_function" "big" {
  function_name                  = "big"
  role                           = "arn:aws:iam::123456789012:role/lambda"
  package_type                   = "Image"
  image_uri                      = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/big:1"
  memory_size                    = 2048
  timeout                        = 120
  architectures                  = ["arm64"]
  reserved_concurrent_executions = 50
  ephemeral_storage {
    size = 4096
  }
}

resource "aws_lambda_function" "small" {
  function_name = "small"
  role          = "arn:aws:iam::123456789012:role/lambda"
  runtime       = "python3.12"
  handler       = "small.handler"
  filename      = "small.zip"
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.big.function_name
  function_version = "1"
}

resource "aws_lambda_provisioned_concurrency_config" "big" {
  function_name                     = aws_lambda_alias.live.function_name
  qualifier                         = aws_lambda_alias.live.name
  provisioned_concurrent_executions = 7
}

resource "aws_lambda_function_url" "stream" {
  function_name      = aws_lambda_function.small.arn
  authorization_type = "AWS_IAM"
  invoke_mode        = "RESPONSE_STREAM"
}

resource "aws_lambda_permission" "url" {
  statement_id           = "url"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.small.function_name
  principal              = "*"
  function_url_auth_type = "AWS_IAM"
}
