#!/bin/sh
# Writes a sample clinic directory for benchmarks on standard output, deterministically:
# the base entries of tests/fixtures/clinic.ldif (the suffix, ou=people, ou=groups,
# ou=services and the cn=pmbridge service account), then COUNT people for each PREFIX,
# uid=PREFIX-00001 .. PREFIX-<COUNT> in ou=people, each a member of one of the mapped
# groups of mappings/clinic.yaml (pm-front-desk, pm-billing, pm-nurses in turn), and the
# four mapped groups. One more person, uid=practice-admin, is in all four and never removed:
# a groupOfNames needs a member, and pm-admins grants super user (the mapping allows two).
#
#   clinic_staff_ldif.sh COUNT PREFIX...
#
# Each prefix is a population one benchmark phase removes, so phases do not disturb each
# other on one slapd. Load the output with tests/fixtures/slapd.sh start DIR PORT FILE.
set -eu
[ $# -ge 2 ] || {
  echo "usage: clinic_staff_ldif.sh COUNT PREFIX..." >&2
  exit 2
}
count=$1
shift
case $count in '' | *[!0-9]*)
  echo "clinic_staff_ldif.sh: COUNT must be a number, not '$count'" >&2
  exit 2
  ;;
esac

cat <<'EOF_BASE'
dn: dc=clinic,dc=example
objectClass: dcObject
objectClass: organization
dc: clinic
o: Example Clinic

dn: ou=people,dc=clinic,dc=example
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=clinic,dc=example
objectClass: organizationalUnit
ou: groups

dn: ou=services,dc=clinic,dc=example
objectClass: organizationalUnit
ou: services

dn: cn=pmbridge,ou=services,dc=clinic,dc=example
objectClass: applicationProcess
objectClass: simpleSecurityObject
cn: pmbridge
description: pmbridge service account (reads the whole suffix, entryUUID included)
# pmbridge-demo-secret
userPassword: {SSHA}fTPnax0Cm/TJFAI0Wv1472nqCE8MtSzN

dn: uid=practice-admin,ou=people,dc=clinic,dc=example
objectClass: inetOrgPerson
uid: practice-admin
cn: Practice Admin
givenName: Practice
sn: Admin
mail: practice-admin@clinic.example

EOF_BASE

awk -v count="$count" -v prefixes="$*" '
BEGIN {
  np = split(prefixes, prefix, " ")
  split("pm-front-desk pm-billing pm-nurses", group, " ")
  admin = "member: uid=practice-admin,ou=people,dc=clinic,dc=example\n"
  for (g = 1; g <= 3; g++) members[g] = admin
  for (p = 1; p <= np; p++) {
    for (i = 1; i <= count; i++) {
      uid = sprintf("%s-%05d", prefix[p], i)
      printf "dn: uid=%s,ou=people,dc=clinic,dc=example\n", uid
      printf "objectClass: inetOrgPerson\nuid: %s\ncn: Staff %s\n", uid, uid
      printf "givenName: Staff\nsn: %s\nmail: %s@clinic.example\n\n", uid, uid
      g = (i - 1) % 3 + 1
      members[g] = members[g] sprintf("member: uid=%s,ou=people,dc=clinic,dc=example\n", uid)
    }
  }
  for (g = 1; g <= 3; g++) {
    printf "dn: cn=%s,ou=groups,dc=clinic,dc=example\n", group[g]
    printf "objectClass: groupOfNames\ncn: %s\n%s\n", group[g], members[g]
  }
  printf "dn: cn=pm-admins,ou=groups,dc=clinic,dc=example\n"
  printf "objectClass: groupOfNames\ncn: pm-admins\n%s", admin
}'
