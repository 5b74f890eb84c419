using './main.bicep'

param name = 'semrouter'
param routerConfigPath = 'config/router.yaml'
// Secrets are passed on the command line (see docs/deploy.md), never committed.
param milvusUri = ''
