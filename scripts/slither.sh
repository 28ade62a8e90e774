#!/usr/bin/env bash
# `npm run slither`: static analysis with Slither on the Hardhat build-info written by the solcjs compiler.
# Installs slither-analyzer (pinned) into .venv/ on first use, compiles with Hardhat, then runs Slither with the
# filters and triage database of slither.config.json / security/slither.db.json. Exits non-zero on any high or
# medium finding not triaged (fail_on: medium); low and informational findings are printed, never fatal.
set -euo pipefail
cd "$(dirname "$0")/.."

SLITHER_VERSION="0.11.6"
REQUIREMENTS="security/slither-requirements.txt" # slither-analyzer==$SLITHER_VERSION and its dependencies, pinned
VENV=".venv"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"

if ! "$VENV/bin/slither" --version 2>/dev/null | grep -qx "$SLITHER_VERSION"; then
  echo "slither: installing slither-analyzer==$SLITHER_VERSION into $VENV/ (from $REQUIREMENTS)"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
fi

# --force: one fresh build-info. After an incremental compile, older build-info files still hold earlier versions
# of changed sources, and Slither (crytic-compile) reads every build-info file.
npx hardhat compile --force --quiet

# slither.config.json sets compile_force_framework=hardhat (foundry.toml would otherwise make crytic-compile
# pick forge) and
# hardhat_ignore_compile: read artifacts/build-info as Hardhat (solcjs) wrote it; Slither needs no solc binary.
# Everything else (filtered paths, detectors, fail level, triage database) is in slither.config.json.
exec "$VENV/bin/slither" . --config-file slither.config.json "$@"
