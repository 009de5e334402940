# aws_dynamodb_table: provisioned (the provider's default billing mode) and
# on demand; aws_efs_file_system: provisioned throughput and bursting.
resource "aws_dynamodb_table" "orders" {
  name           = "orders"
  hash_key       = "id"
  read_capacity  = 20
  write_capacity = 5
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_dynamodb_table" "events" {
  name         = "events"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_efs_file_system" "models" {
  throughput_mode                 = "provisioned"
  provisioned_throughput_in_mibps = 64
}

resource "aws_efs_file_system" "scratch" {
}
