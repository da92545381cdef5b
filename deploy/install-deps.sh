#!/usr/bin/env bash
# Installs the Debian 12 packages thesaban-bot needs to build, test and run; with --test also what
# only the test run needs (clang and its sanitizer and libFuzzer runtimes, for
# deploy/run-sanitized-tests.sh). Idempotent: packages already present are left alone, and apt is
# not touched at all when nothing is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config g++
  libboost1.81-dev libboost-context1.81-dev libssl-dev rapidjson-dev libhiredis-dev
  libqrencode-dev libpng-dev
  libthai-dev  # Thai word segmentation for the intent classifier (libthai's dictionary from libthai-data)
  googletest libgtest-dev
  zbar-tools  # the tests decode the PromptPay QR PNGs back with zbarimg
  redis-server ca-certificates
)
if [ "${1:-}" = "--test" ]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
echo "install-deps: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
