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

variable "api_key" {
  description = "Client API key for chat completions and models (Authorization: Bearer). Required: auth is on by default."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.api_key) >= 16
    error_message = "api_key must be at least 16 characters (e.g. openssl rand -hex 32)."
  }
}

variable "admin_key" {
  description = "Admin API key for management endpoints (/metrics, explain, cache ops, audits, ratings) and the dashboard. Required."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.admin_key) >= 16
    error_message = "admin_key must be at least 16 characters (e.g. openssl rand -hex 32)."
  }
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
