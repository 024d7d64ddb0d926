#!/usr/bin/env bash
# The main job on a fresh machine, offline, on the embedded store: install, ingest the bundled
# sample corpus and knowledge base, show the graph, answer questions with citations.
set -euo pipefail
cd "$(dirname "$0")/.."
KGQA_SKIP_NEO4J_BUILD=1 KGQA_SKIP_BROWSER=1 bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export KGQA_DATA_DIR=${KGQA_DATA_DIR:-kgqa-data/demo}
kgqa=.venv/bin/kgqa
$kgqa ingest samples/docs
$kgqa ingest-triples samples/kb.tsv
$kgqa stats
for question in "Where was Marie Curie born?" "Who was the husband of Marie Curie?"; do
  echo
  echo "Q: $question"
  $kgqa ask "$question"
done
