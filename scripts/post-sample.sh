#!/usr/bin/env bash
# Posts a sample from events/ to the local run as Nector would deliver it now: the signed sample with its
# x-nector-timestamp set to the current time (the HMAC covers the body only, so the signature still holds).
# Usage: scripts/post-sample.sh events/ingest-walletreward_create.json [delivery-id]
set -euo pipefail
sample="${1:?usage: scripts/post-sample.sh events/<sample>.json [delivery-id]}"
delivery_id="${2:-}"
url="${RELAY_LOCAL_URL:-http://localhost:8080}"
event=$(sed -E "s/(\"x-nector-timestamp\": *\")[0-9]+\"/\1$(date +%s)\"/" "$sample")
if [ -n "$delivery_id" ]; then
  event=$(printf '%s' "$event" | sed -E "s/(\"x-nector-delivery-id\": *\")[^\"]+\"/\1${delivery_id}\"/")
fi
printf '%s' "$event" | curl -sS -X POST "$url" -H 'content-type: application/json' --data-binary @-
echo
