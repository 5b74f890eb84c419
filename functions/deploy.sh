#!/usr/bin/env bash
# Builds the function app package with publish.sh and zip-deploys it to an existing Flex
# Consumption app (created by infra/bicep or infra/terraform); optionally uploads the models
# folder to the app's storage account with your Entra ID login (shared keys are disabled there).
# Usage: functions/deploy.sh <resource-group> <function-app> [<storage-account> [<models-dir>]]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rg="${1:?resource group}"
app="${2:?function app name}"
storage="${3:-}"
models="${4:-$root/models}"

"$root/functions/publish.sh" "$root/artifacts/functionapp"
az functionapp deployment source config-zip --resource-group "$rg" --name "$app" \
  --src "$root/artifacts/functionapp.zip"

if [ -n "$storage" ]; then
  # manifest.json (sizes + sha256) first, so instances verify what they download.
  dotnet run --project "$root/functions/SemanticRouter.Functions" -- models manifest --from "$models"
  az storage blob upload-batch --auth-mode login --account-name "$storage" \
    --destination models --source "$models" --overwrite \
    --pattern '*' --no-progress
fi
echo "Deployed to https://$(az functionapp show -g "$rg" -n "$app" --query defaultHostName -o tsv)"
