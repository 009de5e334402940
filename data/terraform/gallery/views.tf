# Views: the view function behind a Function URL or an HTTP API.

resource "aws_lambda_function" "view" {
  function_name = "${var.prefix}-view"
  role          = aws_iam_role.lambda.arn
  runtime       = "python3.12"
  handler       = "view.handler"
  filename      = "${path.module}/lambda.zip"
  memory_size   = 512
  timeout       = 10
  architectures = ["arm64"]

  environment {
    variables = {
      TABLE  = aws_dynamodb_table.images.name
      BUCKET = aws_s3_bucket.photos.bucket
    }
  }
}

resource "aws_lambda_function_url" "views" {
  count              = var.front_door == "function_url" ? 1 : 0
  function_name      = aws_lambda_function.view.function_name
  authorization_type = "NONE"
}

resource "aws_apigatewayv2_api" "views" {
  count         = var.front_door == "http_api" ? 1 : 0
  name          = "${var.prefix}-views"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "view" {
  count                  = var.front_door == "http_api" ? 1 : 0
  api_id                 = aws_apigatewayv2_api.views[0].id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.view.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "photo" {
  count     = var.front_door == "http_api" ? 1 : 0
  api_id    = aws_apigatewayv2_api.views[0].id
  route_key = "GET /photos/{id}"
  target    = "integrations/${aws_apigatewayv2_integration.view[0].id}"
}

resource "aws_apigatewayv2_route" "list" {
  count     = var.front_door == "http_api" ? 1 : 0
  api_id    = aws_apigatewayv2_api.views[0].id
  route_key = "GET /photos"
  target    = "integrations/${aws_apigatewayv2_integration.view[0].id}"
}

resource "aws_apigatewayv2_stage" "default" {
  count       = var.front_door == "http_api" ? 1 : 0
  api_id      = aws_apigatewayv2_api.views[0].id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit = 500
    throttling_rate_limit  = 1000
  }
}

resource "aws_lambda_permission" "api" {
  count         = var.front_door == "http_api" ? 1 : 0
  statement_id  = "AllowHttpApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.view.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.views[0].execution_arn}/*/*"
}
