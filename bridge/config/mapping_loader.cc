// mappings/*.yaml: roles, group rules and policy, read from one file or a directory of them
// and merged into one Mapping, with every cross-file conflict named at both places.
#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "bridge/config/closest_name.h"
#include "bridge/config/mapping.h"
#include "bridge/config/yaml_reader.h"
#include "bridge/dn.h"

namespace pmbridge {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Names(std::initializer_list<std::string_view> names) {
  return std::vector<std::string>(names.begin(), names.end());
}

class MappingBuilder {
 public:
  explicit MappingBuilder(Diagnostics* diagnostics) : diagnostics_(diagnostics) {}

  void AddFile(std::string_view text, const std::string& file_name);
  // The merged mapping, once every file is in: role references resolved.
  std::optional<Mapping> Finish();

 private:
  void ReadRoles(YamlFile& file, const YamlField& field);
  void ReadRole(YamlFile& file, const YamlField& field);
  void ReadRights(YamlFile& file, const YamlField& field, Role* role);
  void ReadGroups(YamlFile& file, const YamlField& field);
  void ReadGroup(YamlFile& file, const YamlValue& item);
  void ReadProviders(YamlFile& file, const YamlValue& value, GroupRule* rule);
  void ReadPolicy(YamlFile& file, const YamlField& field);
  // Reports a policy key set in a second place; true when it is the first.
  bool FirstPolicySetting(YamlFile& file, const YamlField& field,
                          std::optional<SourceLocation>* first);

  struct RoleReference {
    std::string role;
    SourceLocation where;
    std::string path;
  };

  Diagnostics* diagnostics_;
  Mapping mapping_;
  std::map<std::string, SourceLocation> group_where_;  // normal-form DN -> its rule
  std::vector<RoleReference> role_references_;
  std::optional<SourceLocation> max_super_users_at_;
  std::optional<SourceLocation> protected_logins_at_;
  bool policy_seen_ = false;
};

void MappingBuilder::AddFile(std::string_view text, const std::string& file_name) {
  mapping_.files.push_back(file_name);
  YamlFile file(file_name, diagnostics_);
  std::optional<YAML::Node> root = file.Parse(text);
  if (!root) return;
  if (root->IsNull()) {
    file.Error(file.Start(), "", "the mapping file is empty",
               "a mapping file starts with `version: 1`; see mappings/clinic.yaml");
    return;
  }
  YamlMap top(file, YamlValue{*root, "", file.Start(), file.Start()},
              Names({"version", "roles", "groups", "policy"}));
  if (!top.ok()) return;
  if (const YamlField* version = top.Require("version", "add `version: 1` at the top")) {
    std::optional<std::int64_t> v = ReadInt(file, version->value, 0, 1000000);
    if (v && *v != 1) {
      file.Error(version->value.where, version->value.path,
                 "unsupported version " + std::to_string(*v) + "; this pmbridge reads version 1");
    }
  }
  if (const YamlField* roles = top.Find("roles")) ReadRoles(file, *roles);
  if (const YamlField* groups = top.Find("groups")) ReadGroups(file, *groups);
  if (const YamlField* policy = top.Find("policy")) ReadPolicy(file, *policy);
}

void MappingBuilder::ReadRoles(YamlFile& file, const YamlField& field) {
  YamlMap roles(file, field.value, {}, /*any_key=*/true);
  for (const YamlField& role : roles.fields()) ReadRole(file, role);
}

void MappingBuilder::ReadRole(YamlFile& file, const YamlField& field) {
  Role role;
  role.name = field.key;
  role.where = field.key_where;
  if (role.name.empty()) {
    file.Error(field.key_where, field.value.path, "a role needs a name");
    return;
  }
  auto previous = mapping_.roles.find(role.name);
  if (previous != mapping_.roles.end()) {
    file.Error(field.key_where, field.value.path,
               "role `" + role.name + "` is defined twice; the first is at " +
                   previous->second.where.ToString(),
               "role names are shared by all mapping files: rename one, or delete one");
    return;
  }
  YamlMap map(file, field.value, Names({"rights", "super_user", "access_security", "description"}));
  if (map.ok()) {
    const YamlField* rights = map.Find("rights");
    if (rights != nullptr) ReadRights(file, *rights, &role);
    if (const YamlField* f = map.Find("super_user")) {
      role.super_user = ReadBool(file, f->value).value_or(false);
    }
    if (const YamlField* f = map.Find("access_security")) {
      role.access_security = ReadBool(file, f->value).value_or(false);
    }
    if (const YamlField* f = map.Find("description")) (void)ReadString(file, f->value);
    // (A `rights:` that had errors is reported there already.)
    if (rights == nullptr && !role.super_user && !role.access_security) {
      file.Warning(field.key_where, field.value.path, "role `" + role.name + "` grants nothing",
                   "give it rights (e.g. rights: {patients: [view]}) or a flag, or remove it");
    }
  }
  // Kept even when malformed, so that the groups naming it are not reported too.
  mapping_.roles.emplace(role.name, std::move(role));
}

void MappingBuilder::ReadRights(YamlFile& file, const YamlField& field, Role* role) {
  const YamlValue& value = field.value;
  const char* hint =
      "write rights: all, or a map of module to rights such as "
      "{patients: [view, edit], reports: [view]}";
  if (value.node.IsScalar()) {
    if (value.node.Scalar() == "all") {
      role->all_rights = true;
    } else {
      file.Error(value.where, value.path,
                 "expected `all` or a map of modules, got " + DescribeNode(value.node), hint);
    }
    return;
  }
  if (!value.node.IsMap()) {
    file.Error(value.where, value.path,
               "expected `all` or a map of modules, got " + DescribeNode(value.node), hint);
    return;
  }
  static const std::vector<std::string> kRights = {"view", "edit", "delete"};
  YamlMap modules(file, value, {}, /*any_key=*/true);
  if (value.node.size() == 0) {
    file.Warning(value.where, value.path, "`rights` lists no modules",
                 "list modules with their rights, e.g. {patients: [view]}, or write rights: all");
  }
  for (const YamlField& module : modules.fields()) {
    if (module.key.empty()) {
      file.Error(module.key_where, module.value.path, "a module name must not be empty");
      continue;
    }
    role->module_where.emplace(module.key, module.key_where);
    std::optional<std::vector<YamlValue>> items = ReadList(file, module.value);
    if (!items) continue;
    if (items->empty()) {
      file.Warning(module.value.where, module.value.path,
                   "module `" + module.key + "` lists no rights",
                   "list some of view, edit, delete, or remove the module");
      continue;
    }
    std::uint8_t mask = 0;
    for (const YamlValue& item : *items) {
      std::optional<std::string> name = ReadString(file, item);
      if (!name) continue;
      std::optional<Right> right = ParseRight(*name);
      if (!right) {
        std::optional<std::string> close = ClosestName(*name, kRights);
        file.Error(item.where, item.path, "unknown right `" + *name + "`",
                   (close ? "did you mean `" + *close + "`? " : std::string()) +
                       "rights are view, edit and delete (edit and delete imply view)");
        continue;
      }
      mask |= *right;
    }
    role->rights.Grant(module.key, mask);
  }
}

void MappingBuilder::ReadGroups(YamlFile& file, const YamlField& field) {
  std::optional<std::vector<YamlValue>> items = ReadList(file, field.value);
  if (!items) return;
  for (const YamlValue& item : *items) ReadGroup(file, item);
}

void MappingBuilder::ReadGroup(YamlFile& file, const YamlValue& item) {
  YamlMap map(file, item, Names({"dn", "role", "providers", "description"}));
  if (!map.ok()) return;
  GroupRule rule;
  rule.where = item.where;
  bool complete = true;
  if (const YamlField* f =
          map.Require("dn", "e.g. dn: cn=pm-front-desk,ou=groups,dc=clinic,dc=example")) {
    if (std::optional<std::string> text = ReadNonEmptyString(file, f->value)) {
      Result<std::string> dn = NormalizeDn(*text);
      if (!dn.ok()) {
        file.Error(f->value.where, f->value.path, dn.status().message() + " in `" + *text + "`",
                   "a DN looks like cn=pm-billing,ou=groups,dc=clinic,dc=example; inside a "
                   "value, escape , + \" \\ < > ; with a backslash");
        complete = false;
      } else if (dn->empty()) {
        file.Error(f->value.where, f->value.path, "the group DN must not be empty");
        complete = false;
      } else {
        rule.dn = *dn;
        rule.dn_as_written = *text;
        auto [previous, inserted] = group_where_.emplace(rule.dn, rule.where);
        if (!inserted) {
          file.Error(f->value.where, f->value.path,
                     "group `" + *text + "` is mapped twice; the first rule is at " +
                         previous->second.ToString(),
                     "DNs are compared ignoring case and spaces; a group maps to one role: "
                     "merge the two rules into one role, or delete one");
          complete = false;
        }
      }
    } else {
      complete = false;
    }
  } else {
    complete = false;
  }
  if (const YamlField* f = map.Require("role", "name one of the roles defined under roles:")) {
    if (std::optional<std::string> role = ReadNonEmptyString(file, f->value)) {
      rule.role = *role;
      role_references_.push_back({*role, f->value.where, f->value.path});
    }
  }
  if (const YamlField* f =
          map.Require("providers",
                      "write providers: all, or a list of provider codes such as [DRSMITH]; it "
                      "is required so that patient access is always a deliberate choice")) {
    ReadProviders(file, f->value, &rule);
  }
  if (const YamlField* f = map.Find("description")) (void)ReadString(file, f->value);
  if (complete) mapping_.groups.push_back(std::move(rule));
}

void MappingBuilder::ReadProviders(YamlFile& file, const YamlValue& value, GroupRule* rule) {
  if (value.node.IsScalar()) {
    if (value.node.Scalar() == "all") {
      rule->providers = ProviderScope::All();
    } else {
      file.Error(value.where, value.path,
                 "expected `all` or a list of provider codes, got " + DescribeNode(value.node),
                 "write a single provider as a list: [" + value.node.Scalar() + "]");
    }
    return;
  }
  std::optional<std::vector<YamlValue>> items = ReadList(file, value);
  if (!items) return;
  std::vector<std::string> codes;
  for (const YamlValue& item : *items) {
    std::optional<std::string> code = ReadNonEmptyString(file, item);
    if (!code) continue;
    if (*code == "all") {
      file.Error(item.where, item.path, "`all` inside a list is a provider code here",
                 "write providers: all (without brackets) for every provider");
      continue;
    }
    rule->provider_where.emplace(*code, item.where);
    codes.push_back(*code);
  }
  rule->providers = ProviderScope::Selected(std::move(codes));
}

bool MappingBuilder::FirstPolicySetting(YamlFile& file, const YamlField& field,
                                        std::optional<SourceLocation>* first) {
  if (*first) {
    file.Error(
        field.key_where, field.value.path,
        "`" + field.value.path + "` is set in two places; the first is at " + (*first)->ToString(),
        "set each policy key in one mapping file only");
    return false;
  }
  *first = field.key_where;
  return true;
}

void MappingBuilder::ReadPolicy(YamlFile& file, const YamlField& field) {
  if (!policy_seen_) {
    mapping_.policy.where = field.key_where;
    policy_seen_ = true;
  }
  YamlMap map(file, field.value, Names({"max_super_users", "protected_logins"}));
  if (!map.ok()) return;
  if (const YamlField* f = map.Find("max_super_users")) {
    if (FirstPolicySetting(file, *f, &max_super_users_at_)) {
      if (std::optional<std::int64_t> n = ReadInt(file, f->value, 0, 100000)) {
        mapping_.policy.max_super_users = static_cast<int>(*n);
      }
    }
  }
  if (const YamlField* f = map.Find("protected_logins")) {
    if (FirstPolicySetting(file, *f, &protected_logins_at_)) {
      if (std::optional<std::vector<YamlValue>> items = ReadList(file, f->value)) {
        for (const YamlValue& item : *items) {
          if (std::optional<std::string> login = ReadNonEmptyString(file, item)) {
            mapping_.policy.protected_logins.push_back(*login);
          }
        }
      }
    }
  }
}

std::optional<Mapping> MappingBuilder::Finish() {
  std::vector<std::string> role_names;
  for (const auto& [name, role] : mapping_.roles) role_names.push_back(name);
  std::set<std::string> used;
  constexpr int kMaxUnknownRoleErrors = 100;
  int unknown_roles = 0;
  for (const RoleReference& ref : role_references_) {
    if (mapping_.roles.count(ref.role) != 0) {
      used.insert(ref.role);
      continue;
    }
    if (++unknown_roles > kMaxUnknownRoleErrors) continue;
    std::optional<std::string> close = ClosestName(ref.role, role_names);
    std::string hint = close ? "did you mean `" + *close + "`?"
                       : role_names.empty()
                           ? std::string("no roles are defined; define it under roles:")
                           : "the roles defined are: " + JoinNames(role_names);
    diagnostics_->Error(ref.where, ref.path, "unknown role `" + ref.role + "`", hint);
  }
  // Unused roles matter once the mapping is otherwise right; among errors they are noise.
  for (const auto& [name, role] : mapping_.roles) {
    if (diagnostics_->has_errors()) break;
    if (used.count(name) == 0) {
      diagnostics_->Warning(role.where, "roles." + name,
                            "role `" + name + "` is not used by any group",
                            "map a directory group to it, or remove it");
    }
  }
  std::sort(mapping_.files.begin(), mapping_.files.end());
  if (diagnostics_->has_errors()) return std::nullopt;
  return std::move(mapping_);
}

}  // namespace

const GroupRule* Mapping::FindGroup(const std::string& dn) const {
  for (const GroupRule& rule : groups) {
    if (rule.dn == dn) return &rule;
  }
  return nullptr;
}

MappingLoad LoadMappingsFromText(std::string_view text, const std::string& file_name) {
  MappingLoad load;
  try {
    MappingBuilder builder(&load.diagnostics);
    builder.AddFile(text, file_name);
    load.mapping = builder.Finish();
  } catch (const std::exception& e) {
    load.diagnostics.Error(SourceLocation{file_name, 0, 0}, "",
                           std::string("cannot read the mapping: ") + e.what());
    load.mapping.reset();
  }
  load.diagnostics = SortedByLocation(load.diagnostics);
  return load;
}

MappingLoad LoadMappings(const std::string& path) {
  MappingLoad load;
  Diagnostics& diagnostics = load.diagnostics;
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    diagnostics.Error(SourceLocation{path, 0, 0}, "", "the mappings path does not exist",
                      "`mappings:` in bridge.yaml names a file or a directory of *.yaml files");
    return load;
  }
  std::vector<std::string> files;
  if (fs::is_directory(status)) {
    for (const fs::directory_entry& entry : fs::directory_iterator(path, ec)) {
      std::string name = entry.path().filename().string();
      std::string ext = entry.path().extension().string();
      // Editors leave hidden lock and swap files beside the ones being edited.
      if (name.empty() || name[0] == '.' || (ext != ".yaml" && ext != ".yml")) continue;
      std::error_code file_ec;
      if (!entry.is_regular_file(file_ec)) continue;
      files.push_back(entry.path().string());
    }
    if (ec) {
      diagnostics.Error(SourceLocation{path, 0, 0}, "",
                        "cannot list the mappings directory: " + ec.message());
      return load;
    }
    if (files.empty()) {
      diagnostics.Error(SourceLocation{path, 0, 0}, "",
                        "no mapping files (*.yaml, *.yml) in this directory",
                        "add one, e.g. a copy of the example mappings/clinic.yaml");
      return load;
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }

  try {
    MappingBuilder builder(&diagnostics);
    for (const std::string& file : files) {
      std::ifstream in(file, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      if (!in) {
        diagnostics.Error(SourceLocation{file, 0, 0}, "", "cannot read the mapping file");
        continue;
      }
      builder.AddFile(text.str(), file);
    }
    load.mapping = builder.Finish();
  } catch (const std::exception& e) {
    diagnostics.Error(SourceLocation{path, 0, 0}, "",
                      std::string("cannot read the mappings: ") + e.what());
    load.mapping.reset();
  }
  load.diagnostics = SortedByLocation(load.diagnostics);
  return load;
}

}  // namespace pmbridge
