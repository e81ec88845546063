#!/usr/bin/env bash
# The whole life of a phishing-URL model with nothing but `aigov`, as the people who govern
# it: an admin sets up the store and enrols everyone, the CI pipeline registers, assesses
# and validates a plain skl2onnx export (govern.sh), three people approve it for production,
# a deployer ships it, it decides (with explanations) and an analyst reviews a decision, a
# drifted batch raises an incident whose playbook rolls back and suspends, and the Annex IV
# report is written. Every exit code is checked against the README's.
#
#   examples/ci/lifecycle.sh WORKDIR [FIXTURES]
#
# FIXTURES defaults to tests/fixtures/pipeline (tests/oracles/pipeline_fixtures.py makes it).
set -euo pipefail

work="${1:?usage: lifecycle.sh WORKDIR [FIXTURES]}"
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="${2:-$here/../../tests/fixtures/pipeline}"
AIGOV="${AIGOV:-aigov}"
export AIGOV
mkdir -p "$work/keys"
cd "$work"
export AIGOV_STORE="$work/store"

# expect CODE COMMAND...: run it, fail the script unless it exits with CODE.
expect() {
    local want=$1; shift
    local got=0
    "$@" || got=$?
    if [ "$got" -ne "$want" ]; then
        echo "lifecycle.sh: expected exit $want, got $got from: $*" >&2
        exit 1
    fi
}
# as WHO COMMAND...: act as an enrolled person, with their key.
as() {
    local who=$1; shift
    AIGOV_ACTOR="$who@example.com" AIGOV_KEY="$work/keys/$who.key" "$@"
}

echo "== set up: keys, the store, its first admin, everyone else"
for who in admin trainer validator security legal owner deployer analyst responder; do
    "$AIGOV" keys generate --name "$who" --out keys >/dev/null
done
expect 0 "$AIGOV" init --admin admin@example.com --admin-key keys/admin.pub
enrol() { expect 0 as admin "$AIGOV" actors add "$1@example.com" --role "$2" --key "keys/$1.pub"; }
enrol trainer data-scientist
enrol validator validator
enrol security security-approver
enrol legal legal-approver
enrol owner model-owner
enrol deployer deployer
enrol analyst security-approver
enrol responder incident-responder
# Without a key nobody acts: refused by authn, exit 1.
expect 1 env -u AIGOV_KEY AIGOV_ACTOR=admin@example.com "$AIGOV" actors add x@example.com \
    --role deployer --key keys/trainer.pub

echo "== CI: register a plain skl2onnx export, assess, validate (examples/ci/govern.sh)"
printf '%s\n' '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
  {"type": "library", "name": "scikit-learn", "version": "1.9.1"},
  {"type": "library", "name": "skl2onnx", "version": "1.20.0"}]}' > sbom.json
# Without its feature names the plain export is refused (--require-scorable), exit 2.
expect 2 as trainer "$AIGOV" model register phishing-url "$fixtures/phishing_logreg.onnx" \
    --require-scorable --dataset "training=sha256:$(sha256sum "$fixtures/holdout.csv" | cut -d' ' -f1)@file://holdout.csv" \
    --commit 3f2a9c1 --sbom sbom.json
version=$(AIGOV_ACTOR=trainer@example.com AIGOV_KEY="$work/keys/trainer.key" \
    VALIDATOR_ACTOR=validator@example.com VALIDATOR_KEY="$work/keys/validator.key" \
    MODEL_FILE="$fixtures/phishing_logreg.onnx" FEATURES="$fixtures/features.txt" \
    HOLDOUT="$fixtures/holdout.csv" TRAINING_DATA="$fixtures/holdout.csv" SBOM=sbom.json \
    COMMIT=3f2a9c1 REPOSITORY=https://git.example.com/soc/phishing-url \
    "$here/govern.sh")
echo "validated $version"
"$AIGOV" model show "$version" --json > version.json
[ "$(jq -r .stage version.json)" = validated ]
[ "$(jq -r '.features | join(",")' version.json)" = "$(paste -sd, "$fixtures/features.txt")" ]

echo "== approvals and promotion"
# The deployer cannot approve (wrong role): exit 1.
expect 1 as deployer "$AIGOV" approve "$version" --stage staging --role validator \
    --key keys/deployer.key
expect 0 as validator "$AIGOV" approve "$version" --stage staging --role validator \
    --key keys/validator.key --comment "hold-out AUC, FPR parity and evasion within policy"
expect 0 as deployer "$AIGOV" promote "$version" --stage staging
# Production before its three approvals: refused by the production gate, exit 1.
expect 1 as deployer "$AIGOV" promote "$version" --stage production --region eu-west-1
expect 0 as security "$AIGOV" approve "$version" --stage production --role security-approver \
    --key keys/security.key --comment "threat model reviewed"
expect 0 as legal "$AIGOV" approve "$version" --stage production --role legal-approver \
    --key keys/legal.key --comment "Art. 13 notice in place"
expect 0 as owner "$AIGOV" approve "$version" --stage production --role model-owner \
    --key keys/owner.key --comment "ship it"
expect 0 as deployer "$AIGOV" promote "$version" --stage production --region eu-west-1
expect 0 as deployer "$AIGOV" deploy "$version" --env prod --region eu-west-1

echo "== decisions, explained, and a review"
as deployer "$AIGOV" decide "$version" --input "$fixtures/request.json" --explain --json \
    > decision.json
jq -e '.index != null and .action == "flag" and (.explanation.top_features | length > 0)' decision.json >/dev/null
expect 0 as analyst "$AIGOV" review "$(jq -r .index decision.json)" --verdict confirmed \
    --reason "known phishing kit"
# A decision from a version that is not deployed anywhere still needs the deployer's role.
expect 1 as analyst "$AIGOV" decide "$version" --input "$fixtures/request.json"

echo "== monitoring: a normal batch, then a drifted one"
expect 0 as deployer "$AIGOV" monitor --model "$version" --current "$fixtures/batch_ok.csv"
# In windows of 120 rows: four full windows and the 20 rows left over, none dropped.
as deployer "$AIGOV" monitor --model "$version" --current "$fixtures/batch_ok.csv" \
    --window 120 --on-critical record --json > windows.json || true
[ "$(jq '[.windows[].rows] | add' windows.json)" = 500 ]
[ "$(jq '.windows | length' windows.json)" = 5 ]
expect 1 as deployer "$AIGOV" monitor --model "$version" --current "$fixtures/batch_drifted.csv" \
    --json > monitor.json
incident=$(jq -r '.incidents[0] // empty' monitor.json)
[ -n "$incident" ] || { echo "lifecycle.sh: no incident opened" >&2; exit 1; }
"$AIGOV" model show "$version" --json > after.json
[ "$(jq -r .stage after.json)" = suspended ]
expect 0 as responder "$AIGOV" incident note "$incident" "drift confirmed: new phishing kit"
expect 0 "$AIGOV" incident show "$incident"

echo "== evidence for auditors"
expect 0 "$AIGOV" audit verify
# Machine-readable views a SIEM or a dashboard would poll (schemas: `aigov schema COMMAND`).
mkdir -p json
"$AIGOV" audit verify --json > json/audit-verify.json
"$AIGOV" model list --json > json/model-list.json
"$AIGOV" evidence list "$version" --json > json/evidence-list.json
"$AIGOV" actors roles --json > json/actors-roles.json
"$AIGOV" incident list --json > json/incident-list.json
"$AIGOV" incident show "$incident" --json > json/incident-show.json
"$AIGOV" model history phishing-url --env prod --json > json/model-history.json
cp version.json json/model-show.json
cp decision.json json/decide.json
cp monitor.json json/monitor.json
# The report lists what is still missing (exit 1 when there are gaps, 0 when none).
got=0
"$AIGOV" report annex-iv "$version" --format md --out annex-iv.md || got=$?
[ "$got" -le 1 ] || { echo "lifecycle.sh: report exit $got" >&2; exit 1; }
grep -q "phishing-url" annex-iv.md
echo "lifecycle complete: $version"
