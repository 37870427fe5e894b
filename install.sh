#!/usr/bin/env bash
# install.sh: set up wharf on Debian 12 as root: the system packages it builds on, the npm dependencies, the build,
# `wharf`/`wharfd` on PATH, and a busybox image. `--deps-only` stops after the packages and the build (what CI needs).
set -euo pipefail
cd "$(dirname "$0")"

# runc + conmon: the OCI runtime and per-container monitor; busybox-static and mmdebstrap: offline base images;
# catatonit/tini: --init; netavark + aardvark-dns: networking; golang-github-containers-common: the default
# seccomp profile; iptables, uidmap, attr: host tools the runtime and tests use; hyperfine: benchmarks.
PACKAGES=(runc conmon busybox-static mmdebstrap catatonit tini netavark aardvark-dns golang-github-containers-common
  iptables uidmap attr hyperfine tar gzip ca-certificates python3 make g++)

missing=()
for p in "${PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

npm ci --no-audit --no-fund --loglevel=error
npm run build --silent

[ "${1:-}" = "--deps-only" ] && exit 0

ln -sf "$PWD/dist/src/cli/main.js" /usr/local/bin/wharf
ln -sf "$PWD/dist/src/daemon/main.js" /usr/local/bin/wharfd
chmod +x dist/src/cli/main.js dist/src/daemon/main.js
# A first base image, made offline from Debian's busybox-static (the first wharf command also starts wharfd).
wharf image inspect busybox >/dev/null 2>&1 || wharf image bootstrap busybox
echo "wharf installed: try 'wharf run --rm busybox echo hello'"
