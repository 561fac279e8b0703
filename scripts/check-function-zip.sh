#!/usr/bin/env bash
# Fails if the Lambda package carries an embedded engine, a test library, the Lambda runtime's own client (the java21
# runtime provides it; the boot check copies it to target/lambda-runtime) or a class of the local run: they belong to
# the tests and the local run only (provided/test scope, dev profile).
set -euo pipefail
zip="${1:-target/function.zip}"
[ -f "$zip" ] || { echo "no $zip: run ./mvnw package first" >&2; exit 1; }
forbidden='DynamoDBLocal|sqlite4java|elasticmq|wiremock|archunit|rest-assured|junit|pekko|antlr|runtime-interface-client|lambda-java-serialization'
found=$(unzip -l "$zip" | grep -iE "$forbidden" || true)
if [ -n "$found" ]; then
  echo "function.zip must not contain these:" >&2
  echo "$found" >&2
  exit 1
fi
local_classes=$(unzip -l "$zip" | grep -E 'dev/loyaltyrelay/local/.+\.class' || true)
if [ -n "$local_classes" ]; then
  echo "function.zip must not contain the local run (list new classes in quarkus.package.jar.user-configured-ignored-entries):" >&2
  echo "$local_classes" >&2
  exit 1
fi
echo "function.zip: $(unzip -l "$zip" | tail -1 | awk '{print $2}') entries, no embedded engine, test library, runtime client or local-run class"
