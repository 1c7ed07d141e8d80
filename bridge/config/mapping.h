// The administrator's mappings: mappings/*.yaml. Roles name PM rights and flags; group
// rules tie a directory group to a role and a provider scope; policy caps super users and
// protects logins.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/diagnostic.h"
#include "bridge/provider_scope.h"
#include "bridge/right_set.h"
#include "bridge/source_location.h"

namespace pmbridge {

struct Catalog;

struct Role {
  std::string name;
  RightSet rights;          // empty when all_rights
  bool all_rights = false;  // `rights: all`: every module of the PM database, every right
  bool super_user = false;
  bool access_security = false;
  SourceLocation where;  // of the role's name key
  // Of each module key under rights, for errors about a module (CheckMappingAgainstCatalog).
  std::map<std::string, SourceLocation> module_where;
};

struct GroupRule {
  std::string dn;             // normal form
  std::string dn_as_written;  // for messages
  std::string role;
  ProviderScope providers;
  SourceLocation where;  // of the list item
  // Of each listed provider code, for errors about a code (CheckMappingAgainstCatalog).
  std::map<std::string, SourceLocation> provider_where;
};

struct MappingPolicy {
  int max_super_users = 2;  // one primary and one backup
  std::vector<std::string> protected_logins;
  SourceLocation where;
};

struct Mapping {
  std::map<std::string, Role> roles;
  std::vector<GroupRule> groups;
  MappingPolicy policy;
  std::vector<std::string> files;  // the files read, sorted

  // The rule for a normal-form group DN, or nullptr.
  const GroupRule* FindGroup(const std::string& dn) const;
};

struct MappingLoad {
  std::optional<Mapping> mapping;  // set when diagnostics has no errors
  Diagnostics diagnostics;
};

// Loads one mapping file, or every *.yaml in a directory (sorted by name), as one Mapping.
// Errors: unknown key, wrong type, unknown right (view/edit/delete), unknown role, a role
// defined twice, a group DN mapped twice (also across files, compared normalised), a
// malformed DN, policy keys set in two files, a version other than 1.
MappingLoad LoadMappings(const std::string& path);

// One mapping file's `text`, as if read from `file_name` (named in messages). For tests and
// the fuzzer.
MappingLoad LoadMappingsFromText(std::string_view text, const std::string& file_name);

// What only the PM database can tell: modules and provider codes the mapping names that
// the database does not have. Each is an error at the rule's location.
Diagnostics CheckMappingAgainstCatalog(const Mapping& mapping, const Catalog& catalog);

}  // namespace pmbridge
