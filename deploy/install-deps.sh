#!/usr/bin/env bash
# Installs the Debian 12 packages pmbridge needs to build, test and run its demo.
# Idempotent and quick when everything is already there.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config clang-format
  libldap-dev libsoci-dev libyaml-cpp-dev libboost-dev libboost-program-options-dev
  libsqlite3-dev libpq-dev nlohmann-json3-dev libssl-dev libgtest-dev
  # servers and clients the demo and the tests start
  slapd ldap-utils postgresql sqlite3 openssl
  # the Active Directory tests' Samba DC (tests/fixtures/samba.sh); samba-ad-dc pulls in
  # winbind and the dsdb modules, samba-ad-provision (only recommended) holds the provision
  # templates. Simple binds only: no Kerberos client needed.
  samba samba-ad-dc samba-ad-provision
  # the mapping JSON Schema check, benchmarks' memory figures
  python3 python3-jsonschema python3-yaml time
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "pmbridge: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# slapd's postinst would otherwise ask for a domain; the tests bring their own config.
echo "slapd slapd/no_configuration boolean true" | $sudo debconf-set-selections
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
