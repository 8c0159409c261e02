#!/usr/bin/env bash
# Make sure the binaries of the local services started by the test session are present.
# The tests start their own throwaway instances on free ports; this only installs.
set -euo pipefail
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing redis-server (Debian package)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis-server is missing: install it (e.g. apt-get install redis-server)" >&2
    exit 1
  fi
fi
