#!/usr/bin/env bash
# The local run as a user starts it (the README's command), checked from outside: wait for the "ready" line,
# post a signed sample webhook, find its messages in the sandbox's outbox, and read their delivery status and
# the figures through the admin API; then takes a merchant the demo data lacks from nothing to a delivered event with
# the operator CLI alone (scripts/relay: README, "From nothing to a delivered event with the CLI"). Runs on other ports than the defaults (proving they are configurable) so
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

# From nothing to a delivered event with the CLI only: a merchant the demo data does not have, its key, a Zoko
# integration (the sandbox's Zoko takes any key), a mapping to one of the sandbox's Zoko templates, then a webhook
# signed with the secret the CLI printed, and the CLI's Send Test Event to the customer that webhook brought. It comes
# after the STOP check: the sandbox's Zoko posts customer replies to the receipt URL registered last, which the new
# merchant's integration replaces.
relay=scripts/relay
export RELAY_URL="$base"
unset RELAY_OPERATOR_KEY RELAY_ADMIN_KEY   # the local run's operator key, whatever the caller's shell holds
zoko_wallet_messages() { curl -sS "$base/local/outbox" | jq '[.messages[] | select(.provider == "zoko" and .text == "wallet_reward_v1(Riya, 100)")] | length'; }
zoko_before=$(zoko_wallet_messages)
merchant="cli-smoke-$(date +%s)"
created=$($relay merchant create "$merchant" --country IN --timezone Asia/Kolkata 2>/dev/null) || fail "relay merchant create failed"
webhook_secret=$(awk '/^webhook-secret: /{print $2}' <<<"$created")
webhook_url=$(awk '/^webhook-url: /{print $2}' <<<"$created")
[ -n "$webhook_secret" ] || fail "relay merchant create printed no webhook secret"
[ "$webhook_url" = "$base/v1/webhooks/nector/$merchant" ] || fail "relay merchant create printed the webhook URL $webhook_url"
$relay merchant create "$merchant" >/dev/null 2>&1 && fail "relay merchant create accepted a merchant that exists"
admin_key=$($relay key issue "$merchant" 2>/dev/null | awk '/^admin-key: /{print $2}')
[[ "$admin_key" == lrk_"$merchant".* ]] || fail "relay key issue printed no admin key"
# The rest as the merchant would: with its own key.
export RELAY_ADMIN_KEY="$admin_key"
$relay integration init "$merchant" zoko --id zoko-main --credential apiKey=- <<<"sandbox-zoko-placeholder-key" \
  | jq -e '.credentialsCheck == "verified"' >/dev/null || fail "relay integration init did not initialize Zoko"
refusal=$($relay mapping create "$merchant" zoko-main --topic walletreward_create --template no_such_template 2>&1 >/dev/null) \
  && fail "a mapping to a template Zoko lacks was saved"
grep -q 'HTTP 422 template_not_found' <<<"$refusal" || fail "the refusal did not name its status and problem code: $refusal"
$relay mapping create "$merchant" zoko-main --id wallet --topic walletreward_create --template wallet_reward_v1 \
  --variables user_name=there,amount | jq -e '.mappingId == "wallet"' >/dev/null || fail "relay mapping create failed"
answer=$(RELAY_MERCHANT_ID="$merchant" RELAY_WEBHOOK_SECRET="$webhook_secret" scripts/post-sample.sh events/ingest-walletreward_create.json "cli-smoke-1")
echo "$answer" | tail -1 | grep -q 'HTTP 202' || fail "the webhook signed with the CLI's secret was not accepted: $answer"
for _ in $(seq 1 20); do
  sent=$($relay deliveries "$merchant" --status SENT | jq '[.deliveries[] | select(.provider == "zoko")] | length')
  [ "$sent" -ge 1 ] && break
  sleep 1
done
[ "$sent" -ge 1 ] || fail "relay deliveries shows no sent Zoko delivery for $merchant"
$relay test "$merchant" zoko-main wallet --mobile "+919876543210" | jq -e '.outcome.status == "sent"' >/dev/null \
  || fail "relay test did not send the test event"
zoko_after=$(zoko_wallet_messages)
[ "$zoko_after" -eq $((zoko_before + 2)) ] || fail "the outbox has $((zoko_after - zoko_before)) new Zoko messages, not the webhook's and the test's"
# The lookup by Nector's delivery id (what a merchant has): the webhook queued one delivery, and it was sent.
lookup=$($relay event "$merchant" cli-smoke-1 2>&1) || fail "relay event failed: $lookup"
jq -e '.nectorDeliveryId == "cli-smoke-1" and .outcome == "queued" and .queued == 1 and .deliveries[0].status == "sent"' \
  <<<"$lookup" >/dev/null || fail "relay event did not show cli-smoke-1 queued and sent: $lookup"
unset RELAY_ADMIN_KEY
refusal=$(RELAY_OPERATOR_KEY=not-the-operator-key $relay key issue "$merchant" 2>&1 >/dev/null) && fail "a wrong operator key was accepted"
grep -q 'HTTP 401 unauthenticated' <<<"$refusal" || fail "a wrong key's refusal was not shown as such: $refusal"
for secret in "$webhook_secret" "$admin_key" sandbox-zoko-placeholder-key; do
  if grep -qF -- "$secret" "$log"; then fail "the local run logged a secret the CLI was given or issued"; fi
done
echo "CLI: $merchant created, keyed, Zoko initialized and mapped; a signed webhook and a test event delivered to the outbox"
echo "local-run smoke: ok"
