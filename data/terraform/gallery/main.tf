# The seeds' photo gallery v3 on AWS, as Terraform (lambdasim import terraform).
#
# Views go through a Lambda Function URL (front_door = "function_url", the
# default) or an HTTP API (front_door = "http_api").  Uploads land in the
# photos bucket under pending/; S3 notifies the uploads queue; the process
# function takes each message and starts the image pipeline, a Step
# Functions state machine that runs CheckImage, then Resize and Grayscale in
# parallel (thumbnails to thumbs/), and stores the metadata in DynamoDB.
#
# plan_function_url.json, plan_http_api.json and state_function_url.json are
# this configuration's `terraform show -json` output (see ../README.md).

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "front_door" {
  description = "How viewers reach the view function: function_url or http_api."
  type        = string
  default     = "function_url"
  validation {
    condition     = contains(["function_url", "http_api"], var.front_door)
    error_message = "front_door must be function_url or http_api."
  }
}

variable "prefix" {
  type    = string
  default = "gallery"
}

# Planning needs no AWS account: the provider is told not to look for one.
provider "aws" {
  region                      = var.region
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  access_key                  = "planning-only"
  secret_key                  = "planning-only"
}
