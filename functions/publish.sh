#!/usr/bin/env bash
# Assembles a deployable Azure Functions app folder (custom handler) and zips it:
#   handler binary (self-contained linux-x64) + host.json + one folder per function with its
#   function.json + config/ + models/ (+ the ONNX Runtime native library when present).
# Usage: functions/publish.sh [OUT_DIR]   (default artifacts/functionapp; zip next to it)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/functionapp}"
rm -rf "$out" && mkdir -p "$out"

dotnet publish "$root/functions/SemanticRouter.Functions/SemanticRouter.Functions.csproj" \
  -c Release -r linux-x64 --self-contained true -p:PublishSingleFile=false -o "$out" --nologo

cp "$root/host.json" "$out/host.json"
for dir in "$root"/functions/definitions/*/; do
  name="$(basename "$dir")"
  mkdir -p "$out/$name"
  cp "$dir/function.json" "$out/$name/function.json"
done
mkdir -p "$out/config" && cp "$root"/config/*.yaml "$out/config/" 2>/dev/null || true
if [ -d "$root/models" ]; then
  # tar rather than rsync: it is on every machine the SDK runs on.
  mkdir -p "$out/models"
  tar -C "$root/models" --exclude=./training --exclude=./fixtures --exclude=.cache --exclude=__pycache__ -cf - . | tar -C "$out/models" -xf -
fi
ort="$root/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1"
[ -f "$ort" ] && cp "$ort" "$out/"
chmod +x "$out/SemanticRouter"
"$root/functions/zip-folder.sh" "$out"
echo "Function app folder: $out"
echo "Zip package:         $out.zip"
