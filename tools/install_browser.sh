#!/usr/bin/env bash
# Install the headless browser that the documentation test drives: Debian's
# chromium and chromium-driver (browser downloads are not reachable; the
# distribution's packages are). Does nothing when both are there. Without
# root or apt-get it only says so, and the browser test skips with that
# reason; under CI (CI=true) a failed install fails the run instead.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    exit 0
fi
fail() {
    echo "tools/install_browser.sh: $1; the browser test will be skipped" >&2
    [ "${CI:-}" = true ] && exit 1
    exit 0
}
command -v apt-get >/dev/null || fail "no apt-get to install chromium"
[ "$(id -u)" -eq 0 ] || fail "not root: run 'apt-get install chromium chromium-driver'"
echo "installing chromium and chromium-driver (Debian packages)..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || fail "apt-get update failed"
apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null \
    || fail "apt-get install chromium chromium-driver failed"
