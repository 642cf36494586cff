#!/usr/bin/env bash
# Checks infra/ on a machine without Docker, using the local Mosquitto (2.0.11 or newer) and
# mosquitto-clients (Debian: apt-get install mosquitto mosquitto-clients):
#   1. infra/mosquitto/mosquitto.conf parses: a copy of it, changed only in its ports, file
#      locations and persistence folder (all in a temp folder), starts a private broker.
#   2. infra/mosquitto/acl does what it says: anonymous and wrong-password logins are refused,
#      a device publishes under its own id but not another's and cannot read another's topics,
#      the ingest user reads every device's readings and status but cannot publish them, and
#      nobody can take over the ingest session by reusing its client id.
#   3. More than Mosquitto's default 1000 messages are queued for the offline ingest session and
#      survive a broker restart (persistence).
# Exit status 0 when everything holds; otherwise the first failure and the broker log are printed.
# Usage: infra/check.sh   (the shared Mosquitto on 1883 is left alone; free ports are used)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
conf_src="$here/mosquitto/mosquitto.conf"
acl_src="$here/mosquitto/acl"

for tool in mosquitto mosquitto_passwd mosquitto_pub mosquitto_sub python3; do
  command -v "$tool" >/dev/null || {
    echo "infra/check.sh: $tool not found (apt-get install mosquitto mosquitto-clients python3)" >&2
    exit 2
  }
done

tmp="$(mktemp -d /tmp/bisa-infra-check.XXXXXX)"
broker_pid=""
background_pids=()
cleanup() {
  for pid in "${background_pids[@]}" $broker_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "infra/check.sh: FAIL: $*" >&2
  if [[ -s "$tmp/broker.log" ]]; then
    echo "--- broker log ---" >&2
    tail -n 30 "$tmp/broker.log" >&2
  fi
  exit 1
}
pass() { echo "ok - $*"; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
mqtt_port="$(free_port)"
ws_port="$(free_port)"

# --- 1. The production configuration, relocated ------------------------------------------------
mkdir -p "$tmp/data"
# Each replaced line must exist exactly once: if mosquitto.conf changes shape, this check says so
# instead of silently testing something else.
replace_line() {
  local pattern="$1" replacement="$2"
  local count
  count="$(grep -c -E "$pattern" "$tmp/mosquitto.conf" || true)"
  [[ "$count" == 1 ]] || fail "expected one line matching /$pattern/ in mosquitto.conf, found $count; update infra/check.sh"
  sed -i -E "s#$pattern#$replacement#" "$tmp/mosquitto.conf"
}
cp "$conf_src" "$tmp/mosquitto.conf"
replace_line '^listener 1883$' "listener $mqtt_port 127.0.0.1"
replace_line '^listener 9001$' "listener $ws_port 127.0.0.1"
replace_line '^password_file .*$' "password_file $tmp/passwd"
replace_line '^acl_file .*$' "acl_file $tmp/acl"
replace_line '^persistence_location .*$' "persistence_location $tmp/data/"
cp "$acl_src" "$tmp/acl"

ingest_pw="ingest-$RANDOM$RANDOM"
a_pw="device-a-$RANDOM$RANDOM"
b_pw="device-b-$RANDOM$RANDOM"
c_pw="device-c-$RANDOM$RANDOM"
mosquitto_passwd -c -b "$tmp/passwd" bisa_ingest "$ingest_pw" >/dev/null
mosquitto_passwd -b "$tmp/passwd" dev-a "$a_pw" >/dev/null
mosquitto_passwd -b "$tmp/passwd" dev-b "$b_pw" >/dev/null
mosquitto_passwd -b "$tmp/passwd" dev-c "$c_pw" >/dev/null
chmod 0600 "$tmp/passwd"
# Started as root, Mosquitto drops to the `mosquitto` user before reading the password file and
# writing persistence, exactly as in the container image.
if [[ "$(id -u)" == 0 ]]; then chown -R mosquitto: "$tmp"; fi

start_broker() {
  # The log is appended to across restarts: wait for one more "running" line than before.
  local runs_before
  runs_before="$(grep -c ' running$' "$tmp/broker.log" 2>/dev/null || true)"
  mosquitto -c "$tmp/mosquitto.conf" >>"$tmp/broker.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 1 100); do
    if ! kill -0 "$broker_pid" 2>/dev/null; then
      broker_pid=""
      fail "mosquitto refused infra/mosquitto/mosquitto.conf (or its password/ACL file)"
    fi
    # "running" is logged once every listener is open.
    if (($(grep -c ' running$' "$tmp/broker.log" || true) > ${runs_before:-0})); then return 0; fi
    sleep 0.05
  done
  fail "mosquitto did not report running within 5 s"
}
stop_broker() {
  kill -TERM "$broker_pid"
  wait "$broker_pid" || true
  broker_pid=""
}

start_broker
pass "mosquitto.conf parses and the broker starts (MQTT :$mqtt_port, WebSocket :$ws_port)"

pub() { mosquitto_pub -h 127.0.0.1 -p "$mqtt_port" -q 1 "$@"; }
sub() { mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" "$@"; }

# --- 2a. Authentication --------------------------------------------------------------------------
if pub -t bisa/v1/dev-a/readings -m anonymous 2>/dev/null; then fail "an anonymous client could connect"; fi
pass "anonymous clients are refused"
if pub -u dev-a -P wrong -t bisa/v1/dev-a/readings -m wrong 2>/dev/null; then
  fail "a wrong password was accepted"
fi
pass "wrong passwords are refused"

# --- 2b. Authorisation -----------------------------------------------------------------------------
# With client id = user name, a second connection of a user closes its first one, so publishers and
# subscribers of one user cannot run side by side here. The checks therefore use retained
# messages: every publish is acknowledged (QoS 1) before the next command, and a later
# subscription receives at once every retained message it is allowed to read. The 2 s waits only
# bound how long an absence is watched; what is allowed arrives in milliseconds.
pub -u dev-a -P "$a_pw" -r -t bisa/v1/dev-a/readings -m own-reading-a
pub -u dev-a -P "$a_pw" -r -t bisa/v1/dev-a/status -m online-a
pub -u dev-b -P "$b_pw" -r -t bisa/v1/dev-b/status -m online-b
# Refused publishes are acknowledged but dropped, so these commands succeed either way.
pub -u dev-a -P "$a_pw" -r -t bisa/v1/dev-b/readings -m forged-by-dev-a || true
pub -u bisa_ingest -P "$ingest_pw" -r -t bisa/v1/dev-c/readings -m forged-by-ingest || true

read_retained() { # user password topic...: every retained message the user can read, "topic payload"
  local user="$1" password="$2"
  shift 2
  local args=()
  for topic in "$@"; do args+=(-t "$topic"); done
  sub -u "$user" -P "$password" -V 5 -q 1 -v -W 2 "${args[@]}" 2>/dev/null | sort || true
}
ingest_sees="$(read_retained bisa_ingest "$ingest_pw" 'bisa/v1/+/readings' 'bisa/v1/+/status')"
expected="$(printf '%s\n' 'bisa/v1/dev-a/readings own-reading-a' 'bisa/v1/dev-a/status online-a' \
  'bisa/v1/dev-b/status online-b' | sort)"
grep -qF 'bisa/v1/dev-a/readings own-reading-a' <<<"$ingest_sees" || fail "a device's own reading did not reach ingest"
pass "a device publishes readings under its own id and the ingest user reads them"
grep -qF 'bisa/v1/dev-a/status online-a' <<<"$ingest_sees" || fail "a device's status did not reach ingest"
pass "a device publishes its status and the ingest user reads it"
if grep -qF forged-by-dev-a <<<"$ingest_sees"; then fail "dev-a published under dev-b's id"; fi
pass "a device cannot publish under another device's id"
if grep -qF forged-by-ingest <<<"$ingest_sees"; then fail "the ingest user published a device reading"; fi
pass "the ingest user cannot publish device readings"
[[ "$ingest_sees" == "$expected" ]] || fail "the ingest user read unexpected messages:"$'\n'"$ingest_sees"

own="$(read_retained dev-a "$a_pw" 'bisa/v1/dev-a/#')"
[[ "$own" == *own-reading-a* && "$own" == *online-a* ]] || fail "dev-a cannot read its own topics: $own"
# dev-c's own retained status proves its login and subscriptions work, so an empty rest means denied.
pub -u dev-c -P "$c_pw" -r -t bisa/v1/dev-c/status -m online-c
seen_by_c="$(read_retained dev-c "$c_pw" 'bisa/v1/dev-c/#' 'bisa/v1/dev-a/#' 'bisa/v1/+/readings' '#' | sort -u)"
[[ "$seen_by_c" == *"bisa/v1/dev-c/status online-c"* ]] || fail "dev-c cannot read its own topics: $seen_by_c"
[[ "$seen_by_c" == "bisa/v1/dev-c/status online-c" ]] || fail "dev-c read topics of other devices: $seen_by_c"
pass "a device reads its own topics and nothing of other devices"

# The ingest worker keeps one persistent session; a device connecting with its client id must not
# close it (Mosquitto would log "Client bisa_ingest already connected, closing old connection").
ingest_out="$tmp/ingest.out"
# Not through sub(): $! must be mosquitto_sub itself, not a subshell, for kill to stop it.
mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -u bisa_ingest -P "$ingest_pw" -V 5 -i bisa_ingest -c -x 604800 \
  -q 1 -v -t 'bisa/v1/+/readings' >"$ingest_out" 2>&1 &
background_pids+=($!)
wait_for_line() { # file, fixed string: waits up to 5 s
  for _ in $(seq 1 100); do
    grep -qF -- "$2" "$1" && return 0
    sleep 0.05
  done
  return 1
}
wait_for_line "$ingest_out" 'own-reading-a' || fail "the ingest subscriber did not start"
takeovers_before="$(grep -c 'bisa_ingest already connected' "$tmp/broker.log" || true)"
pub -u dev-b -P "$b_pw" -i bisa_ingest -t bisa/v1/dev-b/readings -m takeover-attempt
pub -u dev-a -P "$a_pw" -t bisa/v1/dev-a/readings -m sentinel
# The broker logs a takeover while accepting the connection, before that publish is acknowledged.
takeovers_after="$(grep -c 'bisa_ingest already connected' "$tmp/broker.log" || true)"
[[ "$takeovers_after" == "$takeovers_before" ]] || fail "a device reusing the ingest client id closed its session"
wait_for_line "$ingest_out" 'bisa/v1/dev-a/readings sentinel' || fail "the ingest subscriber stopped receiving"
grep -qF takeover-attempt "$ingest_out" || fail "a publish with a reused client id was lost"
pass "reusing the ingest client id does not take over its session (client id = user name)"

for pid in "${background_pids[@]}"; do
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
background_pids=()

# --- 3. Queue beyond the default limit, kept across a restart -------------------------------------
# The ingest session above (persistent, MQTT 5, 7-day expiry) is now offline.
queued=1500
# --repeat publishes over one connection and waits for every acknowledgement.
pub -u dev-a -P "$a_pw" -t bisa/v1/dev-a/readings -m queued --repeat "$queued" --repeat-delay 0
stop_broker
[[ -s "$tmp/data/mosquitto.db" ]] || fail "no persistence file was written to persistence_location"
start_broker
received="$(sub -u bisa_ingest -P "$ingest_pw" -V 5 -i bisa_ingest -c -x 604800 -q 1 -t 'bisa/v1/+/readings' \
  -C "$queued" -W 20 2>/dev/null | grep -c '^queued$' || true)"
[[ "$received" == "$queued" ]] ||
  fail "queued $queued messages for the offline ingest session, $received came back after a restart"
pass "$queued messages queued for the offline ingest session survive a broker restart"

stop_broker

# --- 4. The compose file renders, where a Compose client exists -----------------------------------
if docker compose version >/dev/null 2>&1; then
  # Placeholders for the variables the file requires; only the structure is checked here.
  MQTT_INGEST_PASSWORD=x POSTGRES_PASSWORD=x docker compose -f "$here/compose.yaml" config -q ||
    fail "docker compose config rejects infra/compose.yaml"
  pass "docker compose config accepts infra/compose.yaml"
else
  echo "infra/check.sh: skipped compose validation (no 'docker compose' client on this machine)"
fi
echo "infra/check.sh: all checks passed"
