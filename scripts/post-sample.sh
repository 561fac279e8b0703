#!/usr/bin/env bash
# Posts a sample webhook from events/ to the local run the way Nector does: its body to
# POST /v1/webhooks/nector/<merchant>, with Nector's headers, x-nector-timestamp set to now, and the secret hash
# and body HMAC computed from the webhook secret (the demo merchant's unless RELAY_WEBHOOK_SECRET is set), so an
# edited body is signed too. RELAY_MERCHANT_ID posts it to another merchant than the sample's (with that merchant's
# RELAY_WEBHOOK_SECRET). Needs curl, jq and openssl.
# Usage: scripts/post-sample.sh events/ingest-walletreward_create.json [delivery-id]
set -euo pipefail
sample="${1:?usage: scripts/post-sample.sh events/<sample>.json [delivery-id]}"
delivery_id="${2:-}"
url="${RELAY_LOCAL_URL:-http://localhost:${LOCAL_RUN_HTTP_PORT:-8080}}"
secret="${RELAY_WEBHOOK_SECRET:-demo-webhook-secret-change-me}"
# shellcheck source=lib/hmac.sh
. "$(dirname "$0")/lib/hmac.sh"
for tool in curl jq openssl; do
  command -v "$tool" >/dev/null || { echo "post-sample.sh needs $tool" >&2; exit 1; }
done

merchant="${RELAY_MERCHANT_ID:-$(jq -r '.pathParameters.merchantId' "$sample")}"
body=$(jq -r '.body' "$sample")
secret_hash=$(printf '%s' "$secret" | openssl dgst -sha256 -r | cut -d' ' -f1)
# The secret and its hash never reach a program's arguments (ps shows those to every user): the HMAC is computed with
# the key in bash (lib/hmac.sh), and the headers go to curl in a private file.
body_hmac=$(printf '%s' "$body" | hmac_sha256_hex "$secret")
# The bad-signature sample keeps its own (wrong) secret hash, so it is refused as it intends.
case "$sample" in
  *bad-signature*) secret_hash=$(jq -r '.headers["x-nector-webhook-secret"]' "$sample") ;;
esac

headers=$(mktemp)
chmod 600 "$headers"
trap 'rm -f "$headers"' EXIT
while IFS=$'\t' read -r name value; do
  case "$name" in
    x-nector-timestamp) value=$(date +%s) ;;
    x-nector-webhook-secret) value="$secret_hash" ;;
    x-nector-webhook-hmac) value="$body_hmac" ;;
    x-nector-delivery-id) [ -n "$delivery_id" ] && value="$delivery_id" ;;
  esac
  printf '%s: %s\n' "$name" "$value" >> "$headers"
done < <(jq -r '.headers | to_entries[] | [.key, .value] | @tsv' "$sample")

printf '%s' "$body" | curl -sS -X POST "$url/v1/webhooks/nector/$merchant" -H @"$headers" --data-binary @- -w '\nHTTP %{http_code}\n'
