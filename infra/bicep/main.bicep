// Semantic Router on Azure Functions Flex Consumption (.NET 10 isolated worker), with its storage
// (models, audit/feedback queues and result containers), a user-assigned identity holding only
// the data roles it needs, and Application Insights. Registry-free (no br: modules) so
// `az bicep build` works offline. Keep app settings in line with ../app-settings.json.
targetScope = 'resourceGroup'

@description('Base name for resources (lower-case letters and digits).')
@minLength(3)
@maxLength(16)
param name string = 'semrouter'

param location string = resourceGroup().location

@description('Router YAML inside the deployed package.')
param routerConfigPath string = 'config/router.yaml'

@description('Client API key for chat completions and models (Authorization: Bearer). Required: API-key auth is on by default.')
@secure()
@minLength(16)
param apiKey string

@description('Admin API key for management endpoints (/metrics, explain, cache ops, audits, ratings) and the dashboard. Required.')
@secure()
@minLength(16)
param adminKey string

@description('Shared secret for the feedback webhook.')
@secure()
param feedbackWebhookToken string = ''

@description('Optional Milvus/Zilliz endpoint for the shared semantic cache.')
param milvusUri string = ''

@secure()
param milvusToken string = ''

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

var suffix = uniqueString(resourceGroup().id, name)
var storageName = take('${name}${suffix}', 24)
var deploymentContainer = 'app-package'
var modelsContainer = 'models'
var auditsContainer = 'halugate-audits'
var ratingsContainer = 'feedback-ratings'
var responsesContainer = 'responses'
var hostContainers = ['azure-webjobs-hosts', 'azure-webjobs-secrets', deploymentContainer]
var appQueues = ['halugate-audits', 'feedback']
var queues = ['halugate-audits', 'halugate-audits-poison', 'feedback', 'feedback-poison']

// Built-in role definition ids.
var roles = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  blobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    accessTier: 'Hot'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource modelsBlob 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: modelsContainer
  properties: { publicAccess: 'None' }
}

resource auditsBlob 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: auditsContainer
  properties: { publicAccess: 'None' }
}

resource ratingsBlob 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: ratingsContainer
  properties: { publicAccess: 'None' }
}

resource responsesBlob 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: responsesContainer
  properties: { publicAccess: 'None' }
}

resource hostBlobs 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [for c in hostContainers: {
  parent: blobService
  name: c
  properties: { publicAccess: 'None' }
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource queueResources 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = [for q in queues: {
  parent: queueService
  name: q
}]

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-appi'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

var baseSettings = [
  { name: 'AzureWebJobsStorage__accountName', value: storage.name }
  { name: 'AzureWebJobsStorage__blobServiceUri', value: storage.properties.primaryEndpoints.blob }
  { name: 'AzureWebJobsStorage__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
  { name: 'SEMANTIC_ROUTER_CONFIG', value: routerConfigPath }
  { name: 'MODELS_CONTAINER', value: modelsContainer }
  { name: 'MODELS_CACHE_DIR', value: '/tmp/semantic-router/model-cache' }
  { name: 'MODELS_REFRESH_SECONDS', value: '300' }
  { name: 'HALUGATE_MIN_CONFIDENCE', value: '0.5' }
  { name: 'FEEDBACK_RATINGS_REFRESH_SECONDS', value: '60' }
  { name: 'MILVUS_URI', value: milvusUri }
]

// API-key auth is on from the first deployment: the router answers only to these keys (Authorization: Bearer).
// Optional secrets become settings only when given, so an empty value never overrides config.
var secretSettings = concat(
  [{ name: 'SEMANTIC_ROUTER_API_KEY', value: apiKey }, { name: 'SEMANTIC_ROUTER_ADMIN_KEY', value: adminKey }],
  empty(feedbackWebhookToken) ? [] : [{ name: 'FEEDBACK_WEBHOOK_TOKEN', value: feedbackWebhookToken }],
  empty(milvusToken) ? [] : [{ name: 'MILVUS_TOKEN', value: milvusToken }])

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: '${name}-${take(suffix, 6)}'
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: concat(baseSettings, secretSettings)
    }
  }
  dependsOn: [hostBlobs, queueResources]
}

// Least privilege: each data role is scoped to the one container or queue that needs it.
resource modelsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: modelsBlob
  name: guid(modelsBlob.id, identity.id, roles.blobDataReader)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataReader)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource auditsWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: auditsBlob
  name: guid(auditsBlob.id, identity.id, roles.blobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource ratingsWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: ratingsBlob
  name: guid(ratingsBlob.id, identity.id, roles.blobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// /v1/responses keeps stored responses here by default once a storage account is configured (global.stores.responses).
resource responsesWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: responsesBlob
  name: guid(responsesBlob.id, identity.id, roles.blobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// The Functions host keeps locks, keys and the deployment package in these containers.
resource hostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (c, i) in hostContainers: {
  scope: hostBlobs[i]
  name: guid(hostBlobs[i].id, identity.id, roles.blobDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataOwner)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

// Queue data on the two app queues and their poison queues (the host moves failed messages there).
resource queueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (q, i) in queues: {
  scope: queueResources[i]
  name: guid(queueResources[i].id, identity.id, roles.queueDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.queueDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: appInsights
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

output functionAppName string = functionApp.name
output functionAppUrl string = 'https://${functionApp.properties.defaultHostName}'
output storageAccountName string = storage.name
output modelsContainer string = modelsContainer
output appQueues array = appQueues
output identityClientId string = identity.properties.clientId
