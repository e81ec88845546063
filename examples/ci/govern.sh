#!/usr/bin/env bash
# Governs the model this commit trained, with nothing but `aigov`: register it with its
# lineage, assess it on the hold-out set (performance, fairness, robustness, drift and
# explanation baselines), and run the validation gate. Approving and promoting it stay with
# people; this gets it to "validated" or says why not.
#
# Exit codes are aigov's: 0 validated, 1 refused by a gate (each reason on stderr),
# 2 bad input or set-up. The version's reference (NAME@VERSION) is printed on stdout.
#
# The pipeline acts as two enrolled identities whose private keys are CI secrets: one that
# may register and attach evidence (data-scientist), one that may validate (validator).
set -euo pipefail

need() { [ -n "${!1:-}" ] || { echo "govern.sh: set $1 ($2)" >&2; exit 2; }; }
need AIGOV_STORE "the store: a directory, or a postgres:// URL"
need AIGOV_ACTOR "the identity that registers and assesses"
need AIGOV_KEY "its private key file"
need VALIDATOR_ACTOR "the identity that runs the validation gate"
need VALIDATOR_KEY "its private key file"
need MODEL_FILE "the exported model, e.g. model.onnx"
need HOLDOUT "labelled hold-out CSV"
need TRAINING_DATA "the training data file (its digest is recorded)"
need SBOM "CycloneDX SBOM of the training environment"
need COMMIT "the training code's commit"

AIGOV="${AIGOV:-aigov}"
MODEL_NAME="${MODEL_NAME:-phishing-url}"
LABEL="${LABEL:-label}"
SENSITIVE="${SENSITIVE:-region}"
# What an attacker cannot change about a phishing URL's host, for the evasion search.
IMMUTABLE="${IMMUTABLE:-domain_age_days,has_ip_host,uses_https}"
INTEGER="${INTEGER:-url_length,num_dots,num_hyphens,num_subdomains,path_depth}"

features=()
# A plain skl2onnx export names no features: features.txt lists them in input order.
if [ -n "${FEATURES:-}" ]; then features=(--features "@$FEATURES"); fi

digest=$(sha256sum "$TRAINING_DATA" | cut -d' ' -f1)
version=$("$AIGOV" model register "$MODEL_NAME" "$MODEL_FILE" "${features[@]}" \
    --require-scorable \
    --dataset "training=sha256:$digest@${TRAINING_URI:-file://$TRAINING_DATA}" \
    --commit "$COMMIT" --repository "${REPOSITORY:-}" --sbom "$SBOM" \
    --json | jq -r '"\(.name)@\(.version)"')
echo "registered $version" >&2

"$AIGOV" assess "$version" --holdout "$HOLDOUT" --label "$LABEL" \
    --sensitive "$SENSITIVE" --immutable "$IMMUTABLE" --integer "$INTEGER" >&2

AIGOV_ACTOR="$VALIDATOR_ACTOR" AIGOV_KEY="$VALIDATOR_KEY" \
    "$AIGOV" model validate "$version" >&2
echo "$version"
