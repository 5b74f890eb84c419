#!/usr/bin/env bash
# Publishes the Azure Functions app (a .NET isolated worker) for linux-x64 and zips it for zip deploy.
# `dotnet publish` writes the worker with functions.metadata, worker.config.json, extensions.json (+ .azurefunctions/)
# and host.json (ONNX Runtime's libonnxruntime.so comes from its NuGet package, linux-x64 only); this script adds
# config/ and models/, and refuses to publish without the router config the app
# will read, instead of producing an app that stops at start-up.
# Usage: functions/publish.sh [OUT_DIR]   (default artifacts/functionapp; the zip is OUT_DIR.zip)
#   SEMANTIC_ROUTER_CONFIG  the config the app will read (default config/router.yaml, the Bicep/Terraform default);
#                           it must exist under config/. Set the same app setting when it is not the default.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/functionapp}"
config="${SEMANTIC_ROUTER_CONFIG:-config/router.yaml}"

case "$config" in
  config/*.yaml | config/*.yml) ;;
  *) echo "publish: SEMANTIC_ROUTER_CONFIG=$config must name a .yaml file under config/ (the package carries config/)." >&2; exit 2 ;;
esac
if [ ! -f "$root/$config" ]; then
  echo "publish: $config does not exist, so the published app would stop at start-up." >&2
  echo "  Create it (start from config/examples/gateway.yaml; check it with: dotnet run --project functions/SemanticRouter.Functions -- validate --config $config)," >&2
  echo "  or publish another file: SEMANTIC_ROUTER_CONFIG=config/<file>.yaml functions/publish.sh (and set the same app setting)." >&2
  exit 2
fi

rm -rf "$out" && mkdir -p "$out"
# Framework-dependent: Flex Consumption provides the .NET 10 runtime. -r linux-x64 keeps other platforms' native files out.
dotnet publish "$root/functions/SemanticRouter.Functions/SemanticRouter.Functions.csproj" \
  -c Release -r linux-x64 --self-contained false -o "$out" --nologo

mkdir -p "$out/config" && cp "$root"/config/*.yaml "$out/config/"
if [ -d "$root/models" ]; then
  # tar rather than rsync: it is on every machine the SDK runs on.
  mkdir -p "$out/models"
  tar -C "$root/models" --exclude=./training --exclude=./fixtures --exclude=.cache --exclude=__pycache__ -cf - . | tar -C "$out/models" -xf -
fi
"$root/functions/zip-folder.sh" "$out"
echo "Function app folder: $out (router config: $config)"
echo "Zip package:         $out.zip"
