#!/usr/bin/env bash
# Writes the samples of events/ stamped with a fresh time, for `sam local invoke -e` on any day. The committed samples
# age: ingest refuses a webhook whose x-nector-timestamp is outside the merchant's window (6 h by default: 401, check
# timestamp), and a delivery function gives up a job whose receivedAt is older than its budget (relay.delivery.max-age,
# 24 h: EXHAUSTED age_exceeded, no call). So, at --at (unix seconds; default now):
#   ingest-*.json   x-nector-timestamp and the request time set, the secret hash and body HMAC computed as
#                   scripts/post-sample.sh does (from RELAY_WEBHOOK_SECRET, default the demo merchant's); the
#                   bad-signature sample keeps its wrong secret hash, so it is refused for that and not for its age
#   *-batch.json    each job's receivedAt (the start of its budget), the SQS timestamps and md5OfBody
#   the others      copied unchanged (nothing in them ages)
# The committed files stay as they are; the stamped copies go to --out (default target/events).
# Usage: scripts/sign-samples.sh [--at <unix-seconds>] [--out <dir>]
set -euo pipefail
cd "$(dirname "$0")/.."
at=$(date +%s)
out=target/events
while [ $# -gt 0 ]; do
  case "$1" in
    --at) [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "--at takes unix seconds" >&2; exit 1; }; at="$2"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    *) echo "usage: scripts/sign-samples.sh [--at <unix-seconds>] [--out <dir>]" >&2; exit 1 ;;
  esac
done
for tool in jq openssl; do
  command -v "$tool" >/dev/null || { echo "sign-samples.sh needs $tool" >&2; exit 1; }
done
secret="${RELAY_WEBHOOK_SECRET:-demo-webhook-secret-change-me}"
# shellcheck source=lib/hmac.sh
. "$(dirname "$0")/lib/hmac.sh"
mkdir -p "$out"
# jq's own date functions, not date(1)'s flags, which differ between GNU and BSD.
iso=$(jq -nr --argjson t "$at" '$t | todate')
request_time=$(jq -nr --argjson t "$at" '$t | strftime("%d/%b/%Y:%H:%M:%S +0000")')
secret_hash=$(printf '%s' "$secret" | openssl dgst -sha256 -r | cut -d' ' -f1)

for sample in events/*.json; do
  name=$(basename "$sample")
  case "$name" in
    ingest-*.json)
      body=$(jq -r '.body' "$sample")
      # The key stays out of openssl's arguments (ps would show it): lib/hmac.sh.
      body_hmac=$(printf '%s' "$body" | hmac_sha256_hex "$secret")
      case "$name" in
        *bad-signature*) signing='.' ;;
        *) signing='.headers["x-nector-webhook-secret"] = $ENV.SAMPLE_SECRET_HASH | .headers["x-nector-webhook-hmac"] = $ENV.SAMPLE_BODY_HMAC' ;;
      esac
      # The hash authenticates like the secret: it reaches jq in its environment (the user's own), not its arguments.
      SAMPLE_SECRET_HASH="$secret_hash" SAMPLE_BODY_HMAC="$body_hmac" jq --arg at "$at" --argjson ms "$((at * 1000))" --arg time "$request_time" \
        ".headers[\"x-nector-timestamp\"] = \$at | .requestContext.timeEpoch = \$ms | .requestContext.time = \$time | $signing" \
        "$sample" > "$out/$name"
      ;;
    *-batch.json)
      # receivedAt is replaced inside the job's text, so the rest of the job stays byte for byte as committed.
      jq --arg iso "$iso" --arg ms "$((at * 1000))" --arg first "$((at * 1000 + 100))" '
        .Records |= map(
          .body |= sub("\"receivedAt\":\"[^\"]*\""; "\"receivedAt\":\"\($iso)\"")
          | .attributes.SentTimestamp = $ms
          | .attributes.ApproximateFirstReceiveTimestamp = $first)' "$sample" > "$out/$name.tmp"
      records=$(jq '.Records | length' "$out/$name.tmp")
      for ((i = 0; i < records; i++)); do
        md5=$(jq -j --argjson i "$i" '.Records[$i].body' "$out/$name.tmp" | openssl dgst -md5 -r | cut -d' ' -f1)
        jq --argjson i "$i" --arg md5 "$md5" '.Records[$i].md5OfBody = $md5' "$out/$name.tmp" > "$out/$name.next"
        mv "$out/$name.next" "$out/$name.tmp"
      done
      mv "$out/$name.tmp" "$out/$name"
      ;;
    env.json) ;;
    *) cp "$sample" "$out/$name" ;;
  esac
done
echo "samples stamped $iso in $out/"
