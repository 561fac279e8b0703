#!/usr/bin/env bash
# Policy rules of our own (.ci/guard/rules/*.guard) run by cfn-guard 3.1.1 on the template as CloudFormation deploys it:
# src/test/resources/template-expanded.json, the reviewed expansion of template.yaml (loops unrolled, mappings looked
# up) that TemplateExpansionTest proves equal to what TemplateExpander makes of template.yaml. So no build is needed
# before this script, and the Maven test run fails whenever the file and the template disagree. When the build has
# written target/template-expanded.json, that is checked too.
#   1. every rule passes on the template (none skipped, unless listed in MAY_SKIP with the reason);
#   2. every fixture fixtures/<rule>[.<case>].json fails with <rule> (so a rule that checks nothing cannot pass);
#   3. every rule has at least one fixture.
# The cfn-guard binary comes from the npm package @cdklabs/cdk-validator-cfnguard, pinned in package-lock.json;
# `npm ci` runs only when node_modules does not already hold that exact version (offline-safe once installed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"

version=0.0.62
installed=$(node -p "require('./node_modules/@cdklabs/cdk-validator-cfnguard/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$version" ]; then
  # The package's peer dependency (aws-cdk-lib, ~100 MB) is for CDK apps; we need only its bundled binary.
  npm ci --omit=peer --ignore-scripts --no-audit --no-fund
fi
case "$(uname -m)" in
  x86_64) arch=x86_64 ;;
  aarch64|arm64) arch=aarch64 ;;
  *) echo "FAIL: no bundled cfn-guard for $(uname -m)"; exit 1 ;;
esac
os=ubuntu; [ "$(uname -s)" = Darwin ] && os=macos
guard="$here/node_modules/@cdklabs/cdk-validator-cfnguard/bin/$os/$arch/cfn-guard"
"$guard" --version

# Rules that may SKIP on our template because it has nothing they look at: rule=reason.
declare -A MAY_SKIP=(
  [sqs_event_source_mapping_batch_failures]="the template declares SQS event sources as SAM events, no AWS::Lambda::EventSourceMapping"
)

rules=$(grep -hoE '^rule [a-z_0-9]+ ' rules/*.guard | awk '{print $2}' | sort)
[ -n "$rules" ] || { echo "FAIL: no rules in $here/rules"; exit 1; }

run_guard() { # data file -> the summary lines "<file>.guard/<rule>  PASS|FAIL|SKIP"
  local out
  out=$("$guard" validate -r rules -d "$1" -S all -o single-line-summary 2>&1 || true)
  if grep -qiE 'parsing error|parser error' <<<"$out"; then
    echo "$out" | grep -iE 'parsing error|parser error' >&2
    echo "FAIL: a rule file does not parse" >&2
    return 1
  fi
  grep -E '^[a-z_0-9]+\.guard/[a-z_0-9]+ +(PASS|FAIL|SKIP)$' <<<"$out" | sed -E 's#^[a-z_0-9]+\.guard/##; s/ +/ /'
}

failed=0
templates=("$root/src/test/resources/template-expanded.json")
[ -f "$root/target/template-expanded.json" ] && templates+=("$root/target/template-expanded.json")
for template in "${templates[@]}"; do
  summary=$(run_guard "$template")
  for rule in $rules; do
    status=$(awk -v r="$rule" '$1 == r {print $2}' <<<"$summary" | sort -u | tr '\n' ' ')
    case "$status" in
      "PASS ") echo "ok   $rule passes on ${template#$root/}" ;;
      "SKIP ")
        if [ -n "${MAY_SKIP[$rule]:-}" ]; then echo "ok   $rule skipped on ${template#$root/}: ${MAY_SKIP[$rule]}"
        else echo "FAIL $rule skipped on ${template#$root/}: it checked nothing"; failed=1; fi ;;
      *) echo "FAIL $rule on ${template#$root/}: ${status:-not evaluated}"; failed=1 ;;
    esac
  done
  if [ "$failed" = 1 ]; then
    "$guard" validate -r rules -d "$template" -S fail -o single-line-summary 2>&1 | grep -vE '^ *[0-9]+\.' | head -80 || true
  fi
done

for rule in $rules; do
  compgen -G "fixtures/$rule.json" >/dev/null || compgen -G "fixtures/$rule.*.json" >/dev/null \
    || { echo "FAIL $rule has no fixture (fixtures/$rule[.<case>].json)"; failed=1; }
done
for fixture in fixtures/*.json; do
  name=$(basename "$fixture" .json)
  rule=${name%%.*}
  grep -qx "$rule" <<<"$rules" || { echo "FAIL $fixture names no rule ($rule)"; failed=1; continue; }
  summary=$(run_guard "$fixture")
  if awk -v r="$rule" '$1 == r && $2 == "FAIL" {found=1} END {exit !found}' <<<"$summary"; then
    echo "ok   $rule fails on $fixture"
  else
    echo "FAIL $rule does not fail on $fixture: $(awk -v r="$rule" '$1 == r {print $2}' <<<"$summary")"; failed=1
  fi
done

[ "$failed" = 0 ] || { echo "cfn-guard: FAILED"; exit 1; }
echo "cfn-guard: $(wc -w <<<"$rules") rules pass on the template, each fails on its fixtures"
