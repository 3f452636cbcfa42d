#!/bin/sh
# Installs what the test suite needs beyond npm: Debian's python3-evtx (system Python)
# and libevtx-utils (evtxexport). Both are independent EVTX readers; the tests check
# that Haetae's record counts match python-evtx and that both read the EVTX files
# Haetae writes. The web console's browser tests drive Debian's chromium (Playwright's
# own browser download cannot work offline), with fonts-nanum so Korean labels render in
# the screenshots. The ClickHouse store's tests start a two-shard cluster of Debian's
# clickhouse-server on loopback ports (src/testing/clickhouse-cluster.ts). Idempotent: does nothing when they are present.
set -e
need=""
[ -f /usr/lib/python3/dist-packages/Evtx/Evtx.py ] || need="$need python3-evtx"
command -v evtxexport >/dev/null 2>&1 || need="$need libevtx-utils"
[ -x /usr/bin/chromium ] || need="$need chromium"
[ -d /usr/share/fonts/truetype/nanum ] || need="$need fonts-nanum"
[ -x /usr/sbin/clickhouse-server ] || need="$need clickhouse-server"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "setup-test: need root (or sudo) to install:$need" >&2
  exit 1
fi
echo "setup-test: installing$need from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q $need >/dev/null 2>&1 || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q $need >/dev/null; }
