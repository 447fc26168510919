#!/usr/bin/env bash
# Installs everything rxdesk needs on a fresh Debian machine with Node 20 (run as root):
# system packages (PC/SC stack, virtual reader, poppler, tesseract, tmux, PostgreSQL) and the npm packages, and
# starts PostgreSQL (the test suite and `RXDESK_DATABASE_URL` need a running server; no systemd required).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(pcscd libpcsclite-dev vsmartcard-vpcd poppler-utils tesseract-ocr tesseract-ocr-chi-tra tmux postgresql)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "rxdesk setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# PostgreSQL: the cluster the Debian package made (created here if the package could not), started with
# pg_ctlcluster, which needs no init system; then a login role for the user running the tests (peer
# authentication over the unix socket, as test/support/postgres.ts connects).
bash scripts/start-postgres.sh

# Native addons (sqlite3, pcsclite) build from source against the local Node headers.
if [ -d /usr/include/node ]; then export npm_config_nodedir=/usr; fi
npm install --no-fund --no-audit
npm run build
