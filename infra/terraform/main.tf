# Semantic Router on Azure Functions Flex Consumption (.NET 10 isolated worker): the same resources as
# ../bicep/main.bicep. Keep app settings in line with ../app-settings.json.

resource "random_string" "suffix" {
  length  = 6
  upper   = false
  special = false
}

locals {
  storage_name         = substr("${var.name}${random_string.suffix.result}", 0, 24)
  deployment_container = "app-package"
  models_container     = "models"
  audits_container     = "halugate-audits"
  ratings_container    = "feedback-ratings"
  responses_container  = "responses"
  host_containers      = ["azure-webjobs-hosts", "azure-webjobs-secrets", "app-package"]
  app_queues           = ["halugate-audits", "feedback"]
  queues               = ["halugate-audits", "halugate-audits-poison", "feedback", "feedback-poison"]

  base_settings = {
    "AzureWebJobsStorage"                       = ""
    "AzureWebJobsStorage__accountName"          = azurerm_storage_account.router.name
    "AzureWebJobsStorage__blobServiceUri"       = azurerm_storage_account.router.primary_blob_endpoint
    "AzureWebJobsStorage__queueServiceUri"      = azurerm_storage_account.router.primary_queue_endpoint
    "AzureWebJobsStorage__credential"           = "managedidentity"
    "AzureWebJobsStorage__clientId"             = azurerm_user_assigned_identity.router.client_id
    "APPLICATIONINSIGHTS_CONNECTION_STRING"     = azurerm_application_insights.router.connection_string
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING" = "ClientId=${azurerm_user_assigned_identity.router.client_id};Authorization=AAD"
    "SEMANTIC_ROUTER_CONFIG"                    = var.router_config_path
    "MODELS_CONTAINER"                          = local.models_container
    "MODELS_CACHE_DIR"                          = "/tmp/semantic-router/model-cache"
    "MODELS_REFRESH_SECONDS"                    = "300"
    "HALUGATE_MIN_CONFIDENCE"                   = "0.5"
    "FEEDBACK_RATINGS_REFRESH_SECONDS"          = "60"
    "MILVUS_URI"                                = var.milvus_uri
  }

  # API-key auth is on from the first deployment: the router answers only to these keys (Authorization: Bearer).
  # Optional secrets become settings only when given, so an empty value never overrides config.
  secret_settings = merge(
    { "SEMANTIC_ROUTER_API_KEY" = var.api_key, "SEMANTIC_ROUTER_ADMIN_KEY" = var.admin_key },
    var.feedback_webhook_token == "" ? {} : { "FEEDBACK_WEBHOOK_TOKEN" = var.feedback_webhook_token },
    var.milvus_token == "" ? {} : { "MILVUS_TOKEN" = var.milvus_token },
  )
}

resource "azurerm_user_assigned_identity" "router" {
  name                = "${var.name}-id"
  resource_group_name = var.resource_group_name
  location            = var.location
}

resource "azurerm_storage_account" "router" {
  name                            = local.storage_name
  resource_group_name             = var.resource_group_name
  location                        = var.location
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  shared_access_key_enabled       = false
  allow_nested_items_to_be_public = false
  min_tls_version                 = "TLS1_2"
  https_traffic_only_enabled      = true
}

resource "azurerm_storage_container" "models" {
  name                  = local.models_container
  storage_account_id    = azurerm_storage_account.router.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "audits" {
  name                  = local.audits_container
  storage_account_id    = azurerm_storage_account.router.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "ratings" {
  name                  = local.ratings_container
  storage_account_id    = azurerm_storage_account.router.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "responses" {
  name                  = local.responses_container
  storage_account_id    = azurerm_storage_account.router.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "host" {
  for_each              = toset(local.host_containers)
  name                  = each.value
  storage_account_id    = azurerm_storage_account.router.id
  container_access_type = "private"
}

resource "azurerm_storage_queue" "queues" {
  for_each           = toset(local.queues)
  name               = each.value
  storage_account_id = azurerm_storage_account.router.id
}

resource "azurerm_log_analytics_workspace" "router" {
  name                = "${var.name}-logs"
  resource_group_name = var.resource_group_name
  location            = var.location
  sku                 = "PerGB2018"
  retention_in_days   = 30
}

resource "azurerm_application_insights" "router" {
  name                          = "${var.name}-appi"
  resource_group_name           = var.resource_group_name
  location                      = var.location
  application_type              = "web"
  workspace_id                  = azurerm_log_analytics_workspace.router.id
  local_authentication_disabled = true
}

resource "azurerm_service_plan" "router" {
  name                = "${var.name}-plan"
  resource_group_name = var.resource_group_name
  location            = var.location
  os_type             = "Linux"
  sku_name            = "FC1"
}

resource "azurerm_function_app_flex_consumption" "router" {
  name                = "${var.name}-${random_string.suffix.result}"
  resource_group_name = var.resource_group_name
  location            = var.location
  service_plan_id     = azurerm_service_plan.router.id
  https_only          = true

  storage_container_type            = "blobContainer"
  storage_container_endpoint        = "${azurerm_storage_account.router.primary_blob_endpoint}${local.deployment_container}"
  storage_authentication_type       = "UserAssignedIdentity"
  storage_user_assigned_identity_id = azurerm_user_assigned_identity.router.id

  runtime_name           = "dotnet-isolated"
  runtime_version        = "10.0"
  maximum_instance_count = var.maximum_instance_count
  instance_memory_in_mb  = var.instance_memory_in_mb

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.router.id]
  }

  site_config {
    minimum_tls_version = "1.2"
  }

  app_settings = merge(local.base_settings, local.secret_settings)

  depends_on = [azurerm_storage_container.host, azurerm_storage_queue.queues]
}

# Least privilege: each data role is scoped to the one container or queue that needs it.
resource "azurerm_role_assignment" "models_reader" {
  scope                = azurerm_storage_container.models.resource_manager_id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_user_assigned_identity.router.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "audits_writer" {
  scope                = azurerm_storage_container.audits.resource_manager_id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.router.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "ratings_writer" {
  scope                = azurerm_storage_container.ratings.resource_manager_id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.router.principal_id
  principal_type       = "ServicePrincipal"
}

# /v1/responses keeps stored responses here by default once a storage account is configured (global.stores.responses).
resource "azurerm_role_assignment" "responses_writer" {
  scope                = azurerm_storage_container.responses.resource_manager_id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.router.principal_id
  principal_type       = "ServicePrincipal"
}

# The Functions host keeps locks, keys and the deployment package in these containers.
resource "azurerm_role_assignment" "host_blob_owner" {
  for_each             = azurerm_storage_container.host
  scope                = each.value.resource_manager_id
  role_definition_name = "Storage Blob Data Owner"
  principal_id         = azurerm_user_assigned_identity.router.principal_id
  principal_type       = "ServicePrincipal"
}

# Queue data on the two app queues and their poison queues (the host moves failed messages there).
resource "azurerm_role_assignment" "queue_contributor" {
  for_each             = azurerm_storage_queue.queues
  scope                = each.value.resource_manager_id
  role_definition_name = "Storage Queue Data Contributor"
  principal_id         = azurerm_user_assigned_identity.router.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "telemetry_publisher" {
  scope                = azurerm_application_insights.router.id
  role_definition_name = "Monitoring Metrics Publisher"
  principal_id         = azurerm_user_assigned_identity.router.principal_id
  principal_type       = "ServicePrincipal"
}
