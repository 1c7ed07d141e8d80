// Builds small directory snapshots, mappings and PM states in code, for engine unit tests
// that must not depend on the loaders or on servers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/config/mapping.h"
#include "bridge/desired_state.h"
#include "bridge/directory_snapshot.h"
#include "bridge/pm_state.h"

namespace pmbridge::testing {

inline constexpr const char* kPeople = "ou=people,dc=clinic,dc=example";
inline constexpr const char* kGroups = "ou=groups,dc=clinic,dc=example";

std::string UserDn(const std::string& uid);  // uid=<uid>,ou=people,...
std::string GroupDn(const std::string& cn);  // cn=<cn>,ou=groups,...
// The entitlement of the person with `anchor` in `desired`, or nullptr.
const Entitlement* EntitledWithAnchor(const DesiredState& desired, std::string_view anchor);

class ClinicBuilder {
 public:
  ClinicBuilder();  // the roles and group rules of the sample clinic, no people

  // A person with anchor "uuid-<uid>" (override with `anchor`).
  ClinicBuilder& Person(const std::string& uid, const std::string& anchor = {});
  // `member` is a uid (a person) or "group:<cn>" (a nested group).
  ClinicBuilder& Member(const std::string& group_cn, const std::string& member);
  ClinicBuilder& DisabledInDirectory(const std::string& uid, const std::string& reason);
  ClinicBuilder& MaxSuperUsers(int n);
  ClinicBuilder& Protect(const std::string& login);

  const DirectorySnapshot& snapshot() const { return snapshot_; }
  const Mapping& mapping() const { return mapping_; }
  Config config() const;
  static Catalog ClinicCatalog();

 private:
  DirectoryGroup& Group(const std::string& cn);
  DirectorySnapshot snapshot_;
  Mapping mapping_;
};

// A PM state holding `accounts`, each linked to "uuid-<login>" when `managed`.
class PmStateBuilder {
 public:
  PmStateBuilder();
  PmStateBuilder& Account(std::int64_t user_id, const AccountFields& fields, bool managed,
                          const std::string& anchor = {});
  const CurrentState& state() const { return state_; }

 private:
  CurrentState state_;
};

}  // namespace pmbridge::testing
