#!/usr/bin/env bash
# Apply for a 罹災証明書 (disaster certificate) in 千代田区 with nothing but curl, jq and openssl.
#
# What a portal in any language does, step by step (docs/signing.md explains each one):
#   1. find the form version to fill (offering.form_version_id),
#   2. read its content_hash,
#   3. build the canonical signing payload from the answers (JCS; jq -cS is enough here),
#   4. sign it with `openssl cms -sign` (detached CMS, SHA-256, RSA PKCS#1 v1.5),
#   5. submit answers + file + signed_at + signature in one request, with an Idempotency-Key.
#
#   export MADOGUCHI_API_KEY=$(.venv/bin/python manage.py api_demo_key)
#   .venv/bin/python manage.py pki_export_card yoshida-taro --out /tmp/taro
#   MADOGUCHI_CARD_DIR=/tmp/taro examples/openssl_sign.sh http://127.0.0.1:8000
#
# The answers are examples/openssl_sign.answers.json: the demo resident 𠮷田 太郎, whose card the
# key and certificate in MADOGUCHI_CARD_DIR belong to (the applicant is the card holder).
set -euo pipefail

BASE_URL=${1:-http://127.0.0.1:8000}
BASE_URL=${BASE_URL%/}
HERE=$(cd "$(dirname "$0")" && pwd)
ANSWERS=${MADOGUCHI_ANSWERS:-$HERE/openssl_sign.answers.json}
MUNICIPALITY=131016
PROCEDURE=disaster-certificate
: "${MADOGUCHI_API_KEY:?set MADOGUCHI_API_KEY (manage.py api_demo_key prints one)}"
for tool in curl jq openssl; do
    command -v "$tool" >/dev/null || { echo "$tool is needed: apt-get install $tool" >&2; exit 2; }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

CARD_DIR=${MADOGUCHI_CARD_DIR:-}
if [ -z "$CARD_DIR" ]; then
    # Development only: the demo card's certificate, key, signing CA, root and CRLs as PEM.
    CARD_DIR=$WORK/card
    (cd "$HERE/.." && .venv/bin/python manage.py pki_export_card yoshida-taro --out "$CARD_DIR" >/dev/null)
fi

api() {
    # Every error is application/problem+json with a Japanese title; --fail-with-body shows it.
    curl -sS --fail-with-body -H "Authorization: Bearer $MADOGUCHI_API_KEY" \
        -H "Accept: application/json" "$@"
}

# 1. The form version that 千代田区 accepts online for the procedure.
FORM_VERSION_ID=$(api -G "$BASE_URL/api/v1/procedures" --data-urlencode "q=罹災証明書" \
    --data-urlencode "municipality=$MUNICIPALITY" |
    jq -r --arg code "$PROCEDURE" '.[] | select(.procedure.code == $code) | .offering.form_version_id')
if [ -z "$FORM_VERSION_ID" ] || [ "$FORM_VERSION_ID" = null ]; then
    echo "$MUNICIPALITY does not accept $PROCEDURE online" >&2
    exit 1
fi

# 2. Its content hash: the payload commits to this exact version of the form.
api "$BASE_URL/api/v1/forms/$FORM_VERSION_ID" >"$WORK/form.json"
FORM_HASH=$(jq -r .content_hash "$WORK/form.json")
echo "form version: $FORM_VERSION_ID (content_hash $FORM_HASH)"

# The file the answers describe (name, content_type, size, sha256 are in the answers file).
printf '\377\330\377\340 example photo of the damaged roof' >"$WORK/roof.jpg"
PHOTO_SHA256=$(openssl dgst -sha256 -r "$WORK/roof.jpg" | cut -d' ' -f1)
if [ "$PHOTO_SHA256" != "$(jq -r '."attachments.photos".sha256' "$ANSWERS")" ]; then
    echo "the photo's SHA-256 differs from the one in $ANSWERS" >&2
    exit 1
fi

# 3. The canonical payload (RFC 8785): members sorted, no whitespace, UTF-8, no final newline.
#    jq -S sorts keys by code point, the same as JCS for keys inside the Basic Multilingual
#    Plane; the answers hold no fractional numbers. attachments: name + sha256 of every file
#    answer, sorted by name (UTF-8 bytes), then sha256.
SIGNED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
jq -cSj --arg procedure "$PROCEDURE" --arg municipality "$MUNICIPALITY" \
    --arg hash "$FORM_HASH" --arg signed_at "$SIGNED_AT" '{
        format: "madoguchi-signing-payload/1",
        procedure_code: $procedure,
        municipality_code: $municipality,
        form_version_hash: $hash,
        answers: .,
        attachments: ([.[] | objects | select(has("sha256") and has("content_type"))
                       | {name, sha256}] | sort_by(.name, .sha256)),
        signed_at: $signed_at
    }' "$ANSWERS" >"$WORK/payload.json"
echo "payload: $(wc -c <"$WORK/payload.json") bytes, sha256 $(openssl dgst -sha256 -r "$WORK/payload.json" | cut -d' ' -f1)"

# Optional check while developing: the platform computes the same bytes (nothing is stored).
jq -n --arg id "$FORM_VERSION_ID" --arg signed_at "$SIGNED_AT" --slurpfile answers "$ANSWERS" \
    '{form_version_id: $id, answers: $answers[0], signed_at: $signed_at}' >"$WORK/preview.json"
api -X POST -H "Content-Type: application/json" --data-binary "@$WORK/preview.json" \
    "$BASE_URL/api/v1/applications/payload" | jq -r .payload_base64 | openssl base64 -d -A >"$WORK/expected.json"
if ! cmp -s "$WORK/payload.json" "$WORK/expected.json"; then
    echo "the payload differs from the platform's (POST /api/v1/applications/payload)" >&2
    exit 1
fi

# 4. Sign: detached CMS (openssl's default for -sign), -binary keeps the bytes untouched,
#    SHA-256 with the card's RSA key; -certfile adds the signing CA so anyone can verify
#    against the root alone.
openssl cms -sign -binary -md sha256 -in "$WORK/payload.json" \
    -signer "$CARD_DIR/signer.pem" -inkey "$CARD_DIR/signer.key" -certfile "$CARD_DIR/chain.pem" \
    -outform DER -out "$WORK/signature.der"

# 5. Submit in one request: 202 at once with an arrival number (到達番号) and a status URL. A
#    retry with the same Idempotency-Key returns the same arrival.
openssl base64 -A -in "$WORK/signature.der" >"$WORK/signature.b64"
openssl base64 -A -in "$WORK/roof.jpg" >"$WORK/roof.b64"
jq -n --arg id "$FORM_VERSION_ID" --arg signed_at "$SIGNED_AT" --slurpfile answers "$ANSWERS" \
    --rawfile signature "$WORK/signature.b64" --rawfile photo "$WORK/roof.b64" '{
        form_version_id: $id,
        answers: $answers[0],
        files: {"attachments.photos": {content_base64: $photo}},
        signed_at: $signed_at,
        signature: $signature
    }' >"$WORK/body.json"
IDEMPOTENCY_KEY=$(openssl rand -hex 16)
api -X POST -H "Content-Type: application/json" -H "Idempotency-Key: $IDEMPOTENCY_KEY" \
    --data-binary "@$WORK/body.json" "$BASE_URL/api/v1/applications" >"$WORK/arrived.json"
echo "arrival number: $(jq -r .arrival_display "$WORK/arrived.json")"
STATUS_URL=$(jq -r .status_url "$WORK/arrived.json")

# 6. A worker examines it (受付): read the status URL until it is received or refused.
for _ in $(seq 1 120); do
    api "$BASE_URL$STATUS_URL" >"$WORK/status.json"
    [ "$(jq -r .state "$WORK/status.json")" != arrived ] && break
    sleep 0.5
done
if [ "$(jq -r .state "$WORK/status.json")" != received ]; then
    echo "not accepted: $(jq -c .problem "$WORK/status.json")" >&2
    exit 1
fi
echo "status: $(jq -r '.application.status + " (" + .application.status_label + ")"' "$WORK/status.json")"
echo "receipt number: $(jq -r .application.receipt_display "$WORK/status.json")"
