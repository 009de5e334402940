# Photos (pending/ uploads, thumbs/ results) and the image metadata table.

resource "aws_s3_bucket" "photos" {
  bucket = "${var.prefix}-photos"
}

resource "aws_s3_bucket_public_access_block" "photos" {
  bucket                  = aws_s3_bucket.photos.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_dynamodb_table" "images" {
  name         = "${var.prefix}-images"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }
}
