#!/usr/bin/env bash
# Writes the files of this folder again from the real corpora: the customer-act tagger (trained on MultiDoGO) and
# the fitted customer models of MultiDoGO, STAR and PersuasionForGood, and scores each open loop on the conversations its fit held
# out. Run from the repository root:
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
for corpus in multidogo star persuasionforgood; do
    if [[ ! -d "$DATA/$corpus" ]]; then
        echo "$DATA/$corpus is not there: set DATA to the folder that holds multidogo/ and star/" >&2
        exit 2
    fi
done
work=runs/calibration
mkdir -p "$work"

acts=calibration-data/fitted/customer-acts.ron
split() {
    "$REHEARSE" transcripts convert --from "$1" "$DATA/$1" "$work/$1.jsonl" 2>"$work/$1-convert.log"
    "$REHEARSE" transcripts split "$work/$1.jsonl" --train "$work/$1-train.jsonl" --held-out "$work/$1-held-out.jsonl"
}
fit() {
    "$REHEARSE" calibrate --transcripts "$work/$1-train.jsonl" "${@:2}" --out "calibration-data/fitted/$1.ron"
    "$REHEARSE" realism --real "$work/$1-held-out.jsonl" "${@:2}" --persona "calibration-data/fitted/$1.ron" \
        --open-loop --out "$work/$1-open-loop"
}

# MultiDoGO: its customer turns carry acts; the customer-act tagger learns them, and the model is fitted to them
split multidogo
"$REHEARSE" customer-acts --train "$work/multidogo-train.jsonl" --held-out "$work/multidogo-held-out.jsonl" --out "$acts"
fit multidogo
# bank-card-services: a persona whose openings are MultiDoGO's customers' of the three tasks it plays, read as
# bank-card-services' acts, and who come for them as often as MultiDoGO's customers did (a lost card 58%, where the
# scenario's own weights give 37%; a replacement 7%, where they give 25%)
"$REHEARSE" calibrate --transcripts "$work/multidogo-train.jsonl" --acts "$acts" \
    --intent reportlostcard --intent replacecard --intent disputecharge --intent-shares \
    --scenario bank-card-services --out calibration-data/fitted/bank-card-services-customers.ron
# STAR: its customer turns carry no act; the tagger reads them, on both sides
split star
fit star --acts "$acts"
# star-hotel: a persona whose reactions and openings are STAR's customers' of the two tasks it plays, read as
# star-hotel's acts
"$REHEARSE" calibrate --transcripts "$work/star-train.jsonl" --acts "$acts" --intent hotel_book --intent weather \
    --scenario star-hotel --out calibration-data/fitted/star-hotel-customers.ron
# PersuasionForGood (sales): the persuadee's own act labels where annotated, the survey's traits and the donation
# (the willingness to give: the share above 0, and the amount given) as distributions
split persuasionforgood
fit persuasionforgood
# STAR, counterfactual: fitted on some tasks, scored on tasks the fit never saw (not shipped; the figures are in
# calibration-data/README.md)
"$REHEARSE" transcripts split "$work/star.jsonl" --by intent --train "$work/star-seen.jsonl" --held-out "$work/star-unseen.jsonl"
"$REHEARSE" calibrate --transcripts "$work/star-seen.jsonl" --acts "$acts" --out "$work/star-seen.ron"
"$REHEARSE" realism --real "$work/star-unseen.jsonl" --acts "$acts" --persona "$work/star-seen.ron" --open-loop \
    --out "$work/star-unseen-open-loop"
