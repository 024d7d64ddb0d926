#!/usr/bin/env bash
# Run the whole test suite: unit, integration (real Neo4j 5.26 started by a session fixture,
# real LadybugDB, real models) and end-to-end. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/python -m pytest tests "$@"
