# A REST API: /photos (GET list, POST upload) and /photos/{id} (GET), a
# Lambda proxy per function, one HTTP proxy (not simulated), a stage with a
# 1.6 GB cache and stage-wide throttling.
resource "aws_api_gateway_rest_api" "gallery" {
  name = "gallery"
}

resource "aws_api_gateway_resource" "photos" {
  rest_api_id = aws_api_gateway_rest_api.gallery.id
  parent_id   = aws_api_gateway_rest_api.gallery.root_resource_id
  path_part   = "photos"
}

resource "aws_api_gateway_resource" "photo" {
  rest_api_id = aws_api_gateway_rest_api.gallery.id
  parent_id   = aws_api_gateway_resource.photos.id
  path_part   = "{id}"
}

resource "aws_lambda_function" "list" {
  function_name = "list"
  role          = "arn:aws:iam::123456789012:role/lambda"
  runtime       = "python3.12"
  handler       = "l.handler"
  filename      = "l.zip"
}

resource "aws_lambda_function" "get" {
  function_name = "get"
  role          = "arn:aws:iam::123456789012:role/lambda"
  runtime       = "python3.12"
  handler       = "g.handler"
  filename      = "g.zip"
}

resource "aws_api_gateway_method" "list" {
  rest_api_id   = aws_api_gateway_rest_api.gallery.id
  resource_id   = aws_api_gateway_resource.photos.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_method" "upload" {
  rest_api_id   = aws_api_gateway_rest_api.gallery.id
  resource_id   = aws_api_gateway_resource.photos.id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_method" "get" {
  rest_api_id   = aws_api_gateway_rest_api.gallery.id
  resource_id   = aws_api_gateway_resource.photo.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "list" {
  rest_api_id             = aws_api_gateway_rest_api.gallery.id
  resource_id             = aws_api_gateway_resource.photos.id
  http_method             = aws_api_gateway_method.list.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.list.invoke_arn
  timeout_milliseconds    = 10000
}

resource "aws_api_gateway_integration" "upload" {
  rest_api_id             = aws_api_gateway_rest_api.gallery.id
  resource_id             = aws_api_gateway_resource.photos.id
  http_method             = aws_api_gateway_method.upload.http_method
  integration_http_method = "POST"
  type                    = "HTTP_PROXY"
  uri                     = "https://uploads.example.com/photos"
}

resource "aws_api_gateway_integration" "get" {
  rest_api_id             = aws_api_gateway_rest_api.gallery.id
  resource_id             = aws_api_gateway_resource.photo.id
  http_method             = aws_api_gateway_method.get.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.get.invoke_arn
}

resource "aws_api_gateway_deployment" "gallery" {
  rest_api_id = aws_api_gateway_rest_api.gallery.id
  depends_on  = [aws_api_gateway_integration.list, aws_api_gateway_integration.get]
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id           = aws_api_gateway_rest_api.gallery.id
  deployment_id         = aws_api_gateway_deployment.gallery.id
  stage_name            = "prod"
  cache_cluster_enabled = true
  cache_cluster_size    = "1.6"
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.gallery.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"
  settings {
    throttling_rate_limit  = 100
    throttling_burst_limit = 200
  }
}
