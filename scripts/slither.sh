#!/usr/bin/env bash
# `npm run slither`: static analysis with Slither on the Hardhat build-info written by the solcjs compiler.
# Installs slither-analyzer (pinned) into .venv/ on first use, compiles with Hardhat, then runs Slither with the
# filters and triage database of slither.config.json / security/slither.db.json. Exits non-zero on any high or
# medium finding (--fail-medium) and on any low/informational finding not triaged in security/slither.db.json.
set -euo pipefail
cd "$(dirname "$0")/.."

SLITHER_VERSION="0.11.6"
VENV=".venv"
PYTHON="${PYTHON:-python3.11}"

if ! "$VENV/bin/slither" --version 2>/dev/null | grep -qx "$SLITHER_VERSION"; then
  echo "slither: installing slither-analyzer==$SLITHER_VERSION into $VENV/"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "slither-analyzer==$SLITHER_VERSION"
fi

npx hardhat compile --quiet

# --hardhat-ignore-compile: read artifacts/build-info as Hardhat (solcjs) wrote it; Slither needs no solc binary.
# Everything else (filtered paths, detectors, fail level, triage database) is in slither.config.json.
exec "$VENV/bin/slither" . --hardhat-ignore-compile --config-file slither.config.json "$@"
