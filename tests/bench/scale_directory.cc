// The scale benchmark's directory (issue 5), generated deterministically: the same USERS and
// GROUPS give byte-identical files on every machine, so figures from two runs compare.
//
//   scale_directory --users N --groups G --out DIR
//
// writes into DIR:
//   directory.ldif       the suffix, its OUs, the cn=pmbridge service account of
//                        tests/fixtures/clinic.ldif, N people and G groups, for slapadd -q;
//   churn.ldif           1% churn for ldapmodify: 0.3% of N new hires (each in three teams),
//                        0.3% departures (the entry deleted and its memberships dropped)
//                        and 0.4% team moves (out of one team, into another);
//   mappings/scale.yaml  the mapping: five roles, one group rule per department;
//   providers.sql        the practice's providers, for pm_providers.
//
// The groups: about a tenth are departments (mapped to a role and a provider scope), the
// rest are teams nested in a department, so every membership reaches its rights through one
// level of nesting. One team in twenty belongs to no department: its members are unmapped
// there. Each person is a direct member of three distinct teams (3N memberships), and two
// people are also in cn=pm-admins (super user; the mapping allows two).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view kSuffix = "dc=clinic,dc=example";
constexpr int kTeamsPerPerson = 3;
constexpr int kProviders = 120;

// splitmix64: small, fast and the same everywhere (std:: distributions are not).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int Below(int n) { return static_cast<int>(Next() % static_cast<std::uint64_t>(n)); }

 private:
  std::uint64_t state_;
};

constexpr const char* kGivenNames[] = {
    "Maria",  "James", "Aisha", "Wei",  "Olga",  "Carlos", "Priya", "John",
    "Fatima", "Liam",  "Yuki",  "Noah", "Amara", "Mateo",  "Sofia", "Ivan",
};
constexpr const char* kSurnames[] = {
    "Garcia", "Smith", "Nguyen", "Okafor",  "Kowalski", "Haddad", "Larsen", "Tanaka",
    "Silva",  "Brown", "Patel",  "Schmidt", "Rossi",    "Kim",    "Dubois", "Novak",
};
constexpr const char* kTitles[] = {
    "Front Desk", "Biller", "Registered Nurse", "Medical Assistant", "Scheduler", "Coder",
};

struct Role {
  const char* name;
  const char* description;
  const char* rights;  // YAML flow mapping
};
constexpr Role kRoles[] = {
    {"front-desk", "Check-in and the appointment book.",
     "{patients: [view, edit], scheduling: [view, edit, delete]}"},
    {"billing", "Charges, payments, reports.",
     "{charges: [view, edit], payments: [view, edit, delete], reports: [view]}"},
    {"clinical", "Chart demographics and the schedule.",
     "{patients: [view, edit], scheduling: [view], reports: [view]}"},
    {"coding", "Charge review.", "{charges: [view, edit], reports: [view]}"},
    {"scheduling", "The appointment book.", "{scheduling: [view, edit], patients: [view]}"},
};

std::string Uid(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "u%07d", i);
  return buf;
}
std::string Provider(int p) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "DR%04d", p);
  return buf;
}
std::string UserDn(int i) { return "uid=" + Uid(i) + ",ou=people," + std::string(kSuffix); }
std::string TeamDn(int t) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "team-%04d", t);
  return "cn=" + std::string(buf) + ",ou=groups," + std::string(kSuffix);
}
std::string DepartmentDn(int d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "dept-%03d", d);
  return "cn=" + std::string(buf) + ",ou=groups," + std::string(kSuffix);
}
std::string AdminsDn() { return "cn=pm-admins,ou=groups," + std::string(kSuffix); }

struct Shape {
  int users;
  int departments;
  int teams;
  // The department a team is nested in, or -1 (one team in twenty: unmapped). The other
  // teams are dealt to the departments in turn, so each department gets some.
  int DepartmentOf(int team) const {
    return team % 20 == 19 ? -1 : (team - team / 20) % departments;
  }
};

// Three distinct teams for person i: a function of i alone, so churn.ldif knows who is where.
std::vector<int> TeamsOf(const Shape& shape, int i) {
  Random random(0x5CA1EULL * 1000003ULL + static_cast<std::uint64_t>(i));
  std::vector<int> teams;
  while (static_cast<int>(teams.size()) < kTeamsPerPerson) {
    int t = random.Below(shape.teams);
    if (std::find(teams.begin(), teams.end(), t) == teams.end()) teams.push_back(t);
  }
  return teams;
}

// as_change: an ldapmodify add record rather than a slapadd entry.
void WritePerson(std::ostream& out, int i, bool as_change) {
  Random random(0xBEEFULL + static_cast<std::uint64_t>(i));
  const char* given = kGivenNames[random.Below(static_cast<int>(std::size(kGivenNames)))];
  const char* sn = kSurnames[random.Below(static_cast<int>(std::size(kSurnames)))];
  char initial = static_cast<char>('A' + random.Below(26));
  out << "dn: " << UserDn(i) << '\n';
  if (as_change) out << "changetype: add\n";
  out << "objectClass: inetOrgPerson\nuid: " << Uid(i) << "\ncn: " << given << ' ' << initial << ' '
      << sn << "\ngivenName: " << given << "\ninitials: " << initial << "\nsn: " << sn
      << "\nmail: " << Uid(i)
      << "@clinic.example\ntitle: " << kTitles[random.Below(static_cast<int>(std::size(kTitles)))]
      << "\nemployeeNumber: " << 100000 + i << "\ntelephoneNumber: +1 555 "
      << 1000000 + random.Below(9000000)
      << "\nuserPassword: {SSHA}notARealHashForBenchmarkUse00000\n\n";
}

void WriteBase(std::ostream& out) {
  out << "dn: " << kSuffix << "\nobjectClass: dcObject\nobjectClass: organization\ndc: clinic\n"
      << "o: Example Clinic\n\n";
  for (const char* ou : {"people", "groups", "services", "former"}) {
    out << "dn: ou=" << ou << ',' << kSuffix << "\nobjectClass: organizationalUnit\nou: " << ou
        << "\n\n";
  }
  // Same account and password (pmbridge-demo-secret) as tests/fixtures/clinic.ldif.
  out << "dn: cn=pmbridge,ou=services," << kSuffix
      << "\nobjectClass: applicationProcess\nobjectClass: simpleSecurityObject\ncn: pmbridge\n"
      << "userPassword: {SSHA}fTPnax0Cm/TJFAI0Wv1472nqCE8MtSzN\n\n";
}

void WriteDirectory(const Shape& shape, std::ostream& out) {
  WriteBase(out);
  std::vector<std::vector<int>> members(static_cast<std::size_t>(shape.teams));
  for (int i = 1; i <= shape.users; ++i) {
    WritePerson(out, i, /*as_change=*/false);
    for (int t : TeamsOf(shape, i)) members[static_cast<std::size_t>(t)].push_back(i);
  }
  for (int t = 0; t < shape.teams; ++t) {
    out << "dn: " << TeamDn(t) << "\nobjectClass: groupOfNames\n";
    // A groupOfNames needs a member: a team nobody drew gets the first person.
    if (members[static_cast<std::size_t>(t)].empty()) members[static_cast<std::size_t>(t)] = {1};
    for (int i : members[static_cast<std::size_t>(t)]) out << "member: " << UserDn(i) << '\n';
    out << '\n';
  }
  for (int d = 0; d < shape.departments; ++d) {
    out << "dn: " << DepartmentDn(d) << "\nobjectClass: groupOfNames\n";
    for (int t = 0; t < shape.teams; ++t) {
      if (shape.DepartmentOf(t) == d) out << "member: " << TeamDn(t) << '\n';
    }
    out << '\n';
  }
  out << "dn: " << AdminsDn() << "\nobjectClass: groupOfNames\nmember: " << UserDn(1)
      << "\nmember: " << UserDn(2) << "\n\n";
}

void WriteMembership(std::ostream& out, const std::string& group, const char* op, int i) {
  out << "dn: " << group << "\nchangetype: modify\n"
      << op << ": member\nmember: " << UserDn(i) << "\n-\n\n";
}

void WriteChurn(const Shape& shape, std::ostream& out) {
  const int each = std::max(1, shape.users / 1000);  // 0.1% of N
  const int hires = 3 * each, departures = 3 * each, moves = 4 * each;
  // Departures and moves are distinct people; persons 1 and 2 (the admins, and the filler
  // of any team nobody drew) stay.
  std::vector<int> chosen;
  Random random(0xC4u);
  while (static_cast<int>(chosen.size()) < departures + moves) {
    int i = 3 + random.Below(shape.users - 2);
    if (std::find(chosen.begin(), chosen.end(), i) == chosen.end()) chosen.push_back(i);
  }
  for (int k = 1; k <= hires; ++k) {
    const int i = shape.users + k;
    WritePerson(out, i, /*as_change=*/true);
    for (int t : TeamsOf(shape, i)) WriteMembership(out, TeamDn(t), "add", i);
  }
  for (int k = 0; k < departures; ++k) {
    const int i = chosen[static_cast<std::size_t>(k)];
    for (int t : TeamsOf(shape, i)) WriteMembership(out, TeamDn(t), "delete", i);
    out << "dn: " << UserDn(i) << "\nchangetype: delete\n\n";
  }
  for (int k = departures; k < departures + moves; ++k) {
    const int i = chosen[static_cast<std::size_t>(k)];
    const std::vector<int> teams = TeamsOf(shape, i);
    int to = (teams[0] + 1) % shape.teams;
    while (std::find(teams.begin(), teams.end(), to) != teams.end()) to = (to + 1) % shape.teams;
    WriteMembership(out, TeamDn(to), "add", i);
    WriteMembership(out, TeamDn(teams[0]), "delete", i);
  }
}

void WriteMapping(const Shape& shape, std::ostream& out) {
  out << "# The scale benchmark's mapping (generated by tests/bench/scale_directory).\n"
         "version: 1\nroles:\n";
  for (const Role& role : kRoles) {
    out << "  " << role.name << ":\n    description: " << role.description
        << "\n    rights: " << role.rights << '\n';
  }
  out << "  administrator:\n    description: Practice administrators.\n    super_user: true\n"
         "    access_security: true\n    rights: all\ngroups:\n";
  for (int d = 0; d < shape.departments; ++d) {
    out << "  - dn: " << DepartmentDn(d)
        << "\n    role: " << kRoles[static_cast<std::size_t>(d) % std::size(kRoles)].name
        << "\n    providers: ";
    if (d % 10 == 9) {
      out << "all\n";
    } else {
      out << '[' << Provider(1 + d % kProviders) << ", " << Provider(1 + (d * 7 + 3) % kProviders)
          << "]\n";
    }
  }
  out << "  - dn: " << AdminsDn() << "\n    role: administrator\n    providers: all\n"
      << "policy:\n  max_super_users: 2\n  protected_logins: [breakglass]\n";
}

void WriteProviders(std::ostream& out) {
  out << "INSERT INTO pm_providers (code, name) VALUES\n";
  for (int p = 1; p <= kProviders; ++p) {
    out << "  ('" << Provider(p) << "', 'Provider " << p << "')"
        << (p < kProviders ? ",\n" : ";\n");
  }
}

int Usage() {
  std::cerr << "usage: scale_directory --users N --groups G --out DIR  (N >= 1000, G >= 40)\n";
  return 2;
}

template <typename Write>
bool WriteFile(const std::filesystem::path& path, Write write) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  write(out);
  out.close();
  if (!out) std::cerr << "scale_directory: cannot write " << path << '\n';
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  long users = 0, groups = 0;
  std::filesystem::path dir;
  for (int a = 1; a + 1 < argc; a += 2) {
    const std::string_view flag = argv[a];
    if (flag == "--users") {
      users = std::strtol(argv[a + 1], nullptr, 10);
    } else if (flag == "--groups") {
      groups = std::strtol(argv[a + 1], nullptr, 10);
    } else if (flag == "--out") {
      dir = argv[a + 1];
    } else {
      return Usage();
    }
  }
  if (argc % 2 == 0 || users < 1000 || users > 9000000 || groups < 40 || groups > 100000 ||
      dir.empty()) {
    return Usage();
  }
  Shape shape;
  shape.users = static_cast<int>(users);
  shape.departments = static_cast<int>(groups) / 10;
  shape.teams = static_cast<int>(groups) - shape.departments - 1;  // and cn=pm-admins

  std::error_code ec;
  std::filesystem::create_directories(dir / "mappings", ec);
  const bool ok =
      WriteFile(dir / "directory.ldif", [&](std::ostream& o) { WriteDirectory(shape, o); }) &&
      WriteFile(dir / "churn.ldif", [&](std::ostream& o) { WriteChurn(shape, o); }) &&
      WriteFile(dir / "mappings" / "scale.yaml",
                [&](std::ostream& o) { WriteMapping(shape, o); }) &&
      WriteFile(dir / "providers.sql", [&](std::ostream& o) { WriteProviders(o); });
  return ok ? 0 : 1;
}
