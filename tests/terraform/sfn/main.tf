# aws_sfn_state_machine: an EXPRESS machine whose definition is known at
# plan time (function ARNs written out, and a bare function name inside a
# Map), and a STANDARD one (the default type) built with jsonencode from an
# unknown ARN.
locals {
  account = "123456789012"
}

resource "aws_lambda_function" "score" {
  function_name = "score"
  role          = "arn:aws:iam::123456789012:role/lambda"
  runtime       = "python3.12"
  handler       = "s.handler"
  filename      = "s.zip"
}

resource "aws_lambda_function" "notify" {
  function_name = "notify"
  role          = "arn:aws:iam::123456789012:role/lambda"
  runtime       = "python3.12"
  handler       = "n.handler"
  filename      = "n.zip"
}

resource "aws_sfn_state_machine" "fast" {
  name     = "fast"
  role_arn = "arn:aws:iam::123456789012:role/sfn"
  type     = "EXPRESS"
  definition = jsonencode({
    StartAt = "Score"
    States = {
      Score = {
        Type     = "Task"
        Resource = "arn:aws:lambda:eu-west-1:${local.account}:function:score"
        Next     = "Each"
      }
      Each = {
        Type      = "Map"
        ItemsPath = "$.items"
        ItemProcessor = {
          StartAt = "Notify"
          States = {
            Notify = { Type = "Task", Resource = "notify", End = true }
          }
        }
        End = true
      }
    }
  })
}

resource "aws_sfn_state_machine" "slow" {
  name     = "slow"
  role_arn = "arn:aws:iam::123456789012:role/sfn"
  definition = jsonencode({
    StartAt = "Notify"
    States = {
      Notify = { Type = "Task", Resource = aws_lambda_function.notify.arn, End = true }
    }
  })
}
