#!/usr/bin/env bash
# Idempotent set-up on a fresh machine: a virtualenv with kgqa and its models (all from PyPI),
# and the Neo4j launcher built with Maven. Safe to rerun; fast when everything is in place.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv"
  "$PYTHON" -m venv .venv
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
# A marker makes the common case (nothing changed) skip pip entirely.
stamp=.venv/.kgqa-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "[setup] installing kgqa with its models (first run downloads torch, ~3 GB)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev,zh,llamacpp]"
  touch "$stamp"
fi

# Browser tests drive Debian's Chromium with Playwright (a test tool's own browser download does
# not work offline); the demo does not need it.
if [ "${KGQA_SKIP_BROWSER:-0}" != 1 ] && [ ! -x /usr/bin/chromium ]; then
  echo "[setup] installing Debian's chromium for the browser tests"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null \
    || { $sudo apt-get update -q >/dev/null && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }
fi

if [ "${KGQA_SKIP_NEO4J_BUILD:-0}" != 1 ]; then
  jar=neo4j-launcher/target/neo4j-launcher.jar
  if [ ! -f "$jar" ] || [ -n "$(find neo4j-launcher/src neo4j-launcher/pom.xml -newer "$jar" 2>/dev/null)" ]; then
    echo "[setup] building the Neo4j launcher with Maven"
    mvn -q -B -f neo4j-launcher/pom.xml package -DskipTests
  fi
fi
