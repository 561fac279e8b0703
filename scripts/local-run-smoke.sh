#!/usr/bin/env bash
# The local run as a user starts it (the README's command), checked from outside: wait for the "ready" line,
# post a signed sample webhook, find its messages in the sandbox's outbox, and read their delivery status and
# the figures through the admin API. Runs on other ports than the defaults (proving they are configurable) so
# it does not collide with a local run of your own. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export LOCAL_RUN_HTTP_PORT="${LOCAL_RUN_HTTP_PORT:-18080}"
export LOCAL_RUN_DYNAMODB_PORT="${LOCAL_RUN_DYNAMODB_PORT:-18000}"
export LOCAL_RUN_SQS_PORT="${LOCAL_RUN_SQS_PORT:-19324}"
export LOCAL_RUN_LAMBDA_EVENT_PORT="${LOCAL_RUN_LAMBDA_EVENT_PORT:-18082}"
base="http://localhost:$LOCAL_RUN_HTTP_PORT"
key="lrk_demo-store.0000000000de.local-demo-admin-key-not-a-secret-123456789"
log="${LOCAL_RUN_LOG:-target/local-run-smoke.log}"
mkdir -p target

setsid ./mvnw -B -ntp quarkus:dev -Dquarkus.console.enabled=false -Dquarkus.analytics.disabled=true > "$log" 2>&1 &
group=$!
stop() { kill -TERM -- "-$group" 2>/dev/null || true; sleep 2; kill -KILL -- "-$group" 2>/dev/null || true; }
trap stop EXIT
fail() { echo "local-run smoke: $*" >&2; echo "--- last lines of $log ---" >&2; tail -40 "$log" >&2; exit 1; }

for _ in $(seq 1 150); do
  grep -q 'local run ready' "$log" && break
  grep -qE 'BUILD FAILURE|Failed to start' "$log" && fail "the local run did not start"
  sleep 2
done
grep -q 'local run ready' "$log" || fail "no ready line within 300 s"
[ "$(grep -c 'ready' "$log")" -eq 1 ] || fail "more than one line says ready: $(grep 'ready' "$log")"
grep -E 'started in|local run ready' "$log" | sed 's/^.*INFO  //'

answer=$(scripts/post-sample.sh events/ingest-walletreward_create.json "smoke-$(date +%s)")
echo "$answer" | tail -1 | grep -q 'HTTP 202' || fail "the signed sample was not accepted: $answer"

for _ in $(seq 1 30); do
  curl -sS "$base/local/outbox" | grep -q 'wallet_reward_v1(Riya, 100)' && break
  sleep 1
done
curl -sS "$base/local/outbox" | grep -q 'wallet_reward_v1(Riya, 100)' || fail "the Zoko message never reached the outbox"
echo "outbox: $(curl -sS "$base/local/outbox" | jq -r '.messages[].text' | cut -c1-60 | paste -sd '|')"

for _ in $(seq 1 15); do
  sent=$(curl -sS -H "Authorization: Bearer $key" "$base/v1/admin/merchants/demo-store/deliveries?status=sent" | jq '.deliveries | length')
  [ "$sent" -ge 4 ] && break
  sleep 1
done
[ "$sent" -ge 4 ] || fail "expected 4 sent deliveries, the admin API shows $sent"
# The figures follow the records' stream (projected every second by the local run, as the figures function does in AWS).
for _ in $(seq 1 30); do
  figures=$(curl -sS -H "Authorization: Bearer $key" "$base/v1/admin/merchants/demo-store/figures" | jq -c '{totals, deliveryRate}')
  echo "$figures" | jq -e '.totals.sent >= 4' >/dev/null && break
  sleep 1
done
echo "figures: $figures"
echo "$figures" | jq -e '.totals.sent >= 4 and .deliveryRate == 1' >/dev/null || fail "figures do not match the deliveries: $figures"
[ "$(curl -sS -o /dev/null -w '%{http_code}' "$base/v1/admin/merchants/demo-store/deliveries")" = 401 ] || fail "the admin API answered without a key"

# Receipts: the sandbox's Zoko posts delivered, then read, to the receipt URL registered at start.
for _ in $(seq 1 20); do
  receipt=$(curl -sS -H "Authorization: Bearer $key" "$base/v1/admin/merchants/demo-store/deliveries?status=sent" \
    | jq -r '[.deliveries[] | select(.provider == "zoko") | .receipt.state // "none"] | first')
  [ "$receipt" = read ] && break
  sleep 1
done
[ "$receipt" = read ] || fail "the Zoko delivery's receipt is $receipt, not read"
for _ in $(seq 1 30); do
  rates=$(curl -sS -H "Authorization: Bearer $key" "$base/v1/admin/merchants/demo-store/figures" | jq -c '.receipts.byProvider.zoko')
  echo "$rates" | jq -e '.readRate == 1' >/dev/null 2>&1 && break
  sleep 1
done
echo "receipts: zoko $rates"
echo "$rates" | jq -e '.readRate == 1' >/dev/null 2>&1 || fail "the figures' Zoko read rate is not 1: $rates"

# A STOP reply opts the customer out: the next event's Zoko delivery is suppressed.
curl -sS -X POST "$base/local/customer-reply" -d '{"mobile": "+919876543210", "text": "STOP"}' | grep -q posting || fail "the reply was not posted"
for _ in $(seq 1 20); do
  optedOut=$(curl -sS -H "Authorization: Bearer $key" -X POST "$base/v1/admin/merchants/demo-store/consent/lookup" \
    -H "content-type: application/json" -d '{"mobile": "+919876543210"}' | jq -r '.channels[] | select(.channel == "WHATSAPP") | .source // "none"')
  [ "$optedOut" = customer ] && break
  sleep 1
done
[ "$optedOut" = customer ] || fail "the STOP reply did not opt the customer out ($optedOut)"
answer=$(scripts/post-sample.sh events/ingest-walletreward_create.json "smoke-after-stop-$(date +%s)")
echo "$answer" | tail -1 | grep -q 'HTTP 202' || fail "the second sample was not accepted: $answer"
for _ in $(seq 1 20); do
  suppressed=$(curl -sS -H "Authorization: Bearer $key" "$base/v1/admin/merchants/demo-store/deliveries?status=suppressed&reason=opted_out" \
    | jq '[.deliveries[] | select(.provider == "zoko")] | length')
  [ "$suppressed" -ge 1 ] && break
  sleep 1
done
[ "$suppressed" -ge 1 ] || fail "after STOP, the next Zoko delivery was not suppressed opted_out"
echo "after STOP: the next Zoko delivery suppressed opted_out"
echo "local-run smoke: ok"
