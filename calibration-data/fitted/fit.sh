#!/usr/bin/env bash
# Writes the fitted persona files of this folder again from the real corpora, and scores each open loop on the
# conversations its fit held out. Run from the repository root:
#   bash calibration-data/fitted/fit.sh            # the corpora in ../shared/data, a release build of rehearse
#   DATA=/elsewhere REHEARSE=rehearse bash calibration-data/fitted/fit.sh
# Intermediate files (each corpus converted, its training and held-out halves, the open-loop reports) go to
# runs/calibration/. Each .ron file records the training file's SHA-256 and the command that wrote it.
set -euo pipefail
cd "$(dirname "$0")/../.."

DATA="${DATA:-../shared/data}"
if [[ -z "${REHEARSE:-}" ]]; then
    cargo build --release --locked -p sim-runners --bin rehearse
    REHEARSE="${CARGO_TARGET_DIR:-target}/release/rehearse"
fi
work=runs/calibration
mkdir -p "$work"

for corpus in star multidogo; do
    if [[ ! -d "$DATA/$corpus" ]]; then
        echo "skipping $corpus: $DATA/$corpus is not there" >&2
        continue
    fi
    "$REHEARSE" transcripts convert --from "$corpus" "$DATA/$corpus" "$work/$corpus.jsonl" 2>"$work/$corpus-convert.log"
    "$REHEARSE" transcripts split "$work/$corpus.jsonl" \
        --train "$work/$corpus-train.jsonl" --held-out "$work/$corpus-held-out.jsonl"
    "$REHEARSE" calibrate --transcripts "$work/$corpus-train.jsonl" --out "calibration-data/fitted/$corpus.ron"
    "$REHEARSE" realism --real "$work/$corpus-held-out.jsonl" --persona "calibration-data/fitted/$corpus.ron" \
        --open-loop --out "$work/$corpus-open-loop"
done
