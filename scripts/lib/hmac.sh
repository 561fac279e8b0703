# HMAC-SHA256 (RFC 2104) for the scripts, with the key kept out of every program's arguments: `openssl dgst -hmac KEY`
# would show a webhook secret to anyone running ps. The key's bytes are padded and XORed in bash (builtins only) and only
# the padded blocks and the message reach openssl, on its standard input.
#
#   mac=$(hmac_sha256_hex "$key" < message)      # lower-case hex

hmac_sha256_hex() {
  local key="$1" key_hex i byte ipad="" opad="" inner inner_bytes=""
  key_hex=$(printf '%s' "$key" | od -An -v -tx1 | tr -d ' \n')
  if [ $((${#key_hex} / 2)) -gt 64 ]; then
    # A key longer than SHA-256's block is replaced by its digest (RFC 2104, section 2).
    key_hex=$(printf '%s' "$key" | openssl dgst -sha256 -r | cut -d' ' -f1)
  fi
  while [ ${#key_hex} -lt 128 ]; do key_hex+="00"; done
  for ((i = 0; i < 128; i += 2)); do
    byte=$((16#${key_hex:i:2}))
    ipad+=$(printf '\\x%02x' $((byte ^ 0x36)))
    opad+=$(printf '\\x%02x' $((byte ^ 0x5c)))
  done
  inner=$({ printf '%b' "$ipad"; cat; } | openssl dgst -sha256 -r | cut -d' ' -f1)
  for ((i = 0; i < 64; i += 2)); do inner_bytes+="\\x${inner:i:2}"; done
  { printf '%b' "$opad"; printf '%b' "$inner_bytes"; } | openssl dgst -sha256 -r | cut -d' ' -f1
}
