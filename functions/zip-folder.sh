#!/usr/bin/env bash
# Zips a folder's contents (paths relative to it, Unix permissions kept, so the handler stays executable)
# into FOLDER.zip: with `zip` when the machine has it, else with Python's zipfile.
# Usage: functions/zip-folder.sh FOLDER
set -euo pipefail
folder="$(cd "$1" && pwd)"
rm -f "$folder.zip"
if command -v zip >/dev/null; then
  (cd "$folder" && zip -qr "$folder.zip" .)
else
  python3 - "$folder" <<'PY'
import os, sys, zipfile
root = sys.argv[1]
with zipfile.ZipFile(root + ".zip", "w", zipfile.ZIP_DEFLATED) as z:
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            info = zipfile.ZipInfo.from_file(path, os.path.relpath(path, root))
            with open(path, "rb") as f:
                z.writestr(info, f.read(), zipfile.ZIP_DEFLATED)
PY
fi
