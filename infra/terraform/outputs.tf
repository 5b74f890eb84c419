output "function_app_name" {
  value = azurerm_function_app_flex_consumption.router.name
}

output "function_app_url" {
  value = "https://${azurerm_function_app_flex_consumption.router.default_hostname}"
}

output "storage_account_name" {
  value = azurerm_storage_account.router.name
}

output "models_container" {
  value = local.models_container
}

output "app_queues" {
  value = local.app_queues
}

output "identity_client_id" {
  value = azurerm_user_assigned_identity.router.client_id
}
