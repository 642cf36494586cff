#!/usr/bin/env bash
# Makes sure what the integration and browser tests talk to is there: PostgreSQL 15+ on
# 127.0.0.1:5432, Mosquitto on 127.0.0.1:1883 and Chromium. Starts a stopped service, and
# installs a missing one from Debian's packages (needs root), so a fresh machine works.

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done
  return 1
}

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "bisa: $* missing; install it (sudo apt-get install -y $*) and run again" >&2
    return 1
  fi
  echo "bisa: installing $* from Debian's packages (once)" >&2
  [ -n "${BISA_APT_UPDATED:-}" ] || { apt-get update -qq >&2 && BISA_APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

ensure_postgres() {
  port_open 5432 && return 0
  ls /etc/postgresql/*/main >/dev/null 2>&1 || apt_install postgresql || return 1
  local version
  version=$(ls /etc/postgresql | sort -V | tail -1)
  # Tests connect as postgres without a password over TCP on the loopback only.
  local hba="/etc/postgresql/$version/main/pg_hba.conf"
  grep -qE '^host\s+all\s+all\s+127.0.0.1/32\s+trust' "$hba" \
    || sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  echo "bisa: starting PostgreSQL $version" >&2
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || return 1
  wait_port 5432 || { echo "bisa: PostgreSQL did not open 127.0.0.1:5432" >&2; return 1; }
}

ensure_mosquitto() {
  port_open 1883 && return 0
  command -v mosquitto >/dev/null || apt_install mosquitto mosquitto-clients || return 1
  echo "bisa: starting Mosquitto" >&2
  mosquitto -d -c /etc/mosquitto/mosquitto.conf >&2 || return 1
  wait_port 1883 || { echo "bisa: Mosquitto did not open 127.0.0.1:1883" >&2; return 1; }
}

# infra/check.sh drives a private broker with the command-line clients.
ensure_mosquitto_clients() {
  command -v mosquitto_pub >/dev/null || apt_install mosquitto-clients
}

ensure_chromium() {
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] && return 0
  apt_install chromium
}

ensure_test_services() {
  ensure_postgres && ensure_mosquitto && ensure_mosquitto_clients && ensure_chromium
}
