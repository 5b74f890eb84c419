variable "name" {
  description = "Base name for resources (lower-case letters and digits)."
  type        = string
  default     = "semrouter"
}

variable "location" {
  type    = string
  default = "westeurope"
}

variable "resource_group_name" {
  type = string
}

variable "router_config_path" {
  description = "Router YAML inside the deployed package."
  type        = string
  default     = "config/router.yaml"
}

variable "admin_key" {
  description = "Admin key for management endpoints; empty to configure hashed keys in the router config instead."
  type        = string
  default     = ""
  sensitive   = true
}

variable "feedback_webhook_token" {
  description = "Shared secret for the feedback webhook."
  type        = string
  default     = ""
  sensitive   = true
}

variable "milvus_uri" {
  description = "Optional Milvus/Zilliz endpoint for the shared semantic cache."
  type        = string
  default     = ""
}

variable "milvus_token" {
  type      = string
  default   = ""
  sensitive = true
}

variable "maximum_instance_count" {
  type    = number
  default = 100
}

variable "instance_memory_in_mb" {
  type    = number
  default = 2048
}
