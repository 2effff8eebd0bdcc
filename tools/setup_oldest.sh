#!/usr/bin/env bash
# Create ./.venv-oldest: skdl on the OLDEST versions of its dependencies that
# pyproject.toml declares (every `name>=X` of [project].dependencies installed
# as `name==X`), with the test extra, so that the floors users are promised
# are the versions the unit tests run on (tools/test.sh).
#
# The onnx extra is left out: skdl.onnx needs a newer Keras than the rest of
# skdl (the extra declares it), and its tests skip without it.
#
# Safe to run again: nothing is reinstalled while pyproject.toml,
# tools/oldest-constraints.txt and this script are unchanged (a stamp file in
# the venv records their hash); when they change the venv is made afresh,
# from pip's download cache.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=.venv-oldest
stamp="$VENV/.skdl-oldest-stamp"
digest=$(cat pyproject.toml tools/oldest-constraints.txt "$0" | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
    exit 0
fi
# Anything else changed: start afresh, so that nothing of an earlier set of
# versions stays behind (pip's cache makes this quick).
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
# Read with regular expressions: Python 3.10 has no tomllib.
requirements() {
    "$VENV/bin/python" - <<'PY'
import re

text = open("pyproject.toml", encoding="utf-8").read()
deps = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M).group(1)
for name, floor in re.findall(r'^\s*"([A-Za-z0-9_.-]+)>=([0-9.]+)"', deps, re.M):
    print(f"{name}=={floor}")
test = re.search(r"^test = \[(.*?)^\]", text, re.S | re.M).group(1)
for req in re.findall(r'^\s*"([^"]+)"', test, re.M):
    if not req.startswith("skdl["):
        print(req)
PY
}
mapfile -t reqs < <(requirements)
# Only wheels: an sdist of an old release would build for many minutes.
"$VENV/bin/python" -m pip install -q --disable-pip-version-check \
    --only-binary=:all: -c tools/oldest-constraints.txt -e . "${reqs[@]}"
echo "$digest" >"$stamp"
