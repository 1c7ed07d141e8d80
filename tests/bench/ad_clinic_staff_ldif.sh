#!/bin/sh
# Writes the sample clinic for the Samba AD DC of tests/fixtures/samba.sh (base
# DC=clinic,DC=test) on standard output, deterministically, for ldapadd as Administrator:
# OU=Clinic with OU=People and OU=Groups, then COUNT people for each PREFIX,
# CN=PREFIX-00001 .. PREFIX-<COUNT> in OU=People (sAMAccountName the same: the PM login),
# each a member of one of the mapped groups (pm-front-desk, pm-billing, pm-nurses in turn),
# and the four mapped groups in OU=Groups (global security groups). One more person,
# practice-admin, is in all four and never removed, as in clinic_staff_ldif.sh.
#
#   ad_clinic_staff_ldif.sh COUNT PREFIX...
#
# Accounts are enabled and need no password (userAccountControl 544 = NORMAL_ACCOUNT |
# PASSWD_NOTREQD). A sAMAccountName has at most 20 characters: keep PREFIX to 14.
set -eu
[ $# -ge 2 ] || {
  echo "usage: ad_clinic_staff_ldif.sh COUNT PREFIX..." >&2
  exit 2
}
count=$1
shift
case $count in '' | *[!0-9]*)
  echo "ad_clinic_staff_ldif.sh: COUNT must be a number, not '$count'" >&2
  exit 2
  ;;
esac
for prefix in "$@"; do
  [ ${#prefix} -le 14 ] || {
    echo "ad_clinic_staff_ldif.sh: PREFIX '$prefix' is longer than 14 characters" >&2
    exit 2
  }
done

cat <<'EOF_BASE'
dn: OU=Clinic,DC=clinic,DC=test
objectClass: top
objectClass: organizationalUnit
ou: Clinic

dn: OU=People,OU=Clinic,DC=clinic,DC=test
objectClass: top
objectClass: organizationalUnit
ou: People

dn: OU=Groups,OU=Clinic,DC=clinic,DC=test
objectClass: top
objectClass: organizationalUnit
ou: Groups

dn: CN=practice-admin,OU=People,OU=Clinic,DC=clinic,DC=test
objectClass: top
objectClass: person
objectClass: organizationalPerson
objectClass: user
cn: practice-admin
sAMAccountName: practice-admin
userAccountControl: 544
givenName: Practice
sn: Admin
mail: practice-admin@clinic.test

EOF_BASE

awk -v count="$count" -v prefixes="$*" '
BEGIN {
  people = "OU=People,OU=Clinic,DC=clinic,DC=test"
  np = split(prefixes, prefix, " ")
  split("pm-front-desk pm-billing pm-nurses", group, " ")
  admin = "member: CN=practice-admin," people "\n"
  for (g = 1; g <= 3; g++) members[g] = admin
  for (p = 1; p <= np; p++) {
    for (i = 1; i <= count; i++) {
      uid = sprintf("%s-%05d", prefix[p], i)
      printf "dn: CN=%s,%s\n", uid, people
      printf "objectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\n"
      printf "objectClass: user\ncn: %s\nsAMAccountName: %s\nuserAccountControl: 544\n", uid, uid
      printf "givenName: Staff\nsn: %s\nmail: %s@clinic.test\n\n", uid, uid
      g = (i - 1) % 3 + 1
      members[g] = members[g] sprintf("member: CN=%s,%s\n", uid, people)
    }
  }
  for (g = 1; g <= 3; g++) {
    printf "dn: CN=%s,OU=Groups,OU=Clinic,DC=clinic,DC=test\n", group[g]
    printf "objectClass: top\nobjectClass: group\ncn: %s\nsAMAccountName: %s\n%s\n", \
      group[g], group[g], members[g]
  }
  printf "dn: CN=pm-admins,OU=Groups,OU=Clinic,DC=clinic,DC=test\n"
  printf "objectClass: top\nobjectClass: group\ncn: pm-admins\nsAMAccountName: pm-admins\n%s", admin
}'
