// config/bridge.yaml: reading, validation with positions, flavour defaults, path resolution.
#include <arpa/inet.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "bridge/config/closest_name.h"
#include "bridge/config/config.h"
#include "bridge/config/yaml_reader.h"
#include "bridge/dn.h"
#include "bridge/ldap_filter.h"

namespace pmbridge {
namespace {

namespace fs = std::filesystem;

// What each directory flavour assumes unless bridge.yaml says otherwise. Flavours differ in
// this data only; no code branches on the flavour to pick an attribute.
struct FlavorDefaults {
  std::string_view name;
  DirectoryFlavor flavor;
  std::string_view login;
  std::string_view anchor;
  std::string_view first_name;
  std::string_view last_name;
  std::string_view middle_initial;
  std::string_view email;
  std::string_view users_filter;
  std::string_view groups_filter;
  std::string_view member_attribute;
  ChangeDetection change_detection;
  // The strategies the server supports: OpenLDAP has no DirSync or uSNChanged, Active
  // Directory and Samba no syncrepl.
  std::string_view supported_change_detection;
};

constexpr FlavorDefaults kFlavors[] = {
    {"openldap", DirectoryFlavor::kOpenLdap, "uid", "entryUUID", "givenName", "sn", "initials",
     "mail", "(objectClass=inetOrgPerson)", "(objectClass=groupOfNames)", "member",
     ChangeDetection::kSyncrepl, "syncrepl poll"},
    {"active_directory", DirectoryFlavor::kActiveDirectory, "sAMAccountName", "objectGUID",
     "givenName", "sn", "initials", "mail", "(&(objectCategory=person)(objectClass=user))",
     "(objectClass=group)", "member", ChangeDetection::kDirsync, "dirsync usn poll"},
};

struct ChangeDetectionName {
  std::string_view name;
  ChangeDetection value;
};
constexpr ChangeDetectionName kChangeDetections[] = {
    {"syncrepl", ChangeDetection::kSyncrepl},
    {"dirsync", ChangeDetection::kDirsync},
    {"usn", ChangeDetection::kUsn},
    {"poll", ChangeDetection::kPoll},
};

bool Supports(const FlavorDefaults& flavor, std::string_view strategy) {
  std::string_view list = flavor.supported_change_detection;
  while (!list.empty()) {
    std::size_t space = list.find(' ');
    if (list.substr(0, space) == strategy) return true;
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return false;
}

std::vector<std::string> Names(std::initializer_list<std::string_view> names) {
  return std::vector<std::string>(names.begin(), names.end());
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A TCP port: 1..65535.
std::optional<int> ParsePort(std::string_view text) {
  if (!IsDigits(text) || text.size() > 5) return std::nullopt;
  int port = 0;
  std::from_chars(text.data(), text.data() + text.size(), port);
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

bool IsHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
  });
}

bool IsIpv6Literal(std::string_view host) {
  in6_addr addr{};
  return host.size() < INET6_ADDRSTRLEN &&
         inet_pton(AF_INET6, std::string(host).c_str(), &addr) == 1;
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr addr{};
  if (inet_pton(AF_INET, std::string(host).c_str(), &addr) == 1) {
    return (ntohl(addr.s_addr) >> 24) == 127;
  }
  return false;
}

// host:port or [v6]:port. Returns the error, or empty when valid; sets *host.
std::string ParseHostPort(std::string_view text, std::string* host, std::optional<int>* port,
                          bool port_required) {
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos) return "missing ']' after an IPv6 address";
    std::string_view v6 = text.substr(1, close - 1);
    if (!IsIpv6Literal(v6)) return "`" + std::string(v6) + "` is not an IPv6 address";
    *host = std::string(v6);
    rest = text.substr(close + 1);
  } else {
    std::size_t colon = text.find(':');
    std::string_view name = text.substr(0, colon);
    if (name.empty()) return "the host is missing";
    if (!IsHostName(name)) return "`" + std::string(name) + "` is not a host name or address";
    *host = std::string(name);
    rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon);
  }
  if (rest.empty()) {
    if (port_required) return "the port is missing";
    return {};
  }
  if (rest.front() != ':') return "unexpected text after the host";
  *port = ParsePort(rest.substr(1));
  if (!*port) return "`" + std::string(rest.substr(1)) + "` is not a port (1 to 65535)";
  return {};
}

// A value of an SOCI key=value connect string, quoted when it holds spaces or quotes.
std::string QuoteConnectValue(const std::string& value) {
  if (value.find_first_of(" \t'\"") == std::string::npos && !value.empty()) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

struct ConnectPair {
  std::string key;
  std::string value;
};

// Splits "db=a.db timeout=5" or "db=\"my file.db\"" into pairs; nullopt when malformed.
std::optional<std::vector<ConnectPair>> SplitConnectString(std::string_view s) {
  std::vector<ConnectPair> pairs;
  std::size_t i = 0;
  auto skip_spaces = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  };
  for (skip_spaces(); i < s.size(); skip_spaces()) {
    std::size_t key_start = i;
    while (i < s.size() && s[i] != '=' && s[i] != ' ' && s[i] != '\t') ++i;
    if (i >= s.size() || s[i] != '=' || i == key_start) return std::nullopt;
    ConnectPair pair{std::string(s.substr(key_start, i - key_start)), {}};
    ++i;
    if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
      char quote = s[i++];
      for (;;) {
        if (i >= s.size()) return std::nullopt;
        if (s[i] == '\\' && i + 1 < s.size()) {
          pair.value.push_back(s[i + 1]);
          i += 2;
          continue;
        }
        if (s[i] == quote) {
          ++i;
          break;
        }
        pair.value.push_back(s[i++]);
      }
    } else {
      while (i < s.size() && s[i] != ' ' && s[i] != '\t') pair.value.push_back(s[i++]);
    }
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

class ConfigReader {
 public:
  ConfigReader(const std::string& file_name, Diagnostics* diagnostics)
      : file_(file_name, diagnostics) {
    std::error_code ec;
    fs::path absolute = fs::absolute(fs::path(file_name), ec);
    if (ec) absolute = fs::path(file_name);
    absolute_path_ = absolute.lexically_normal();
    base_dir_ = absolute_path_.parent_path();
  }

  std::optional<Config> Read(std::string_view text);

 private:
  void ReadDirectory(const YamlField& field, DirectoryConfig* directory);
  void ReadUsers(const YamlField& field, const FlavorDefaults& flavor, UsersConfig* users);
  void ReadGroups(const YamlField* field, const FlavorDefaults& flavor, GroupsConfig* groups);
  void ReadAttributes(const YamlField& field, UserAttributeMap* attributes);
  void ReadDatabase(const YamlField& field, DatabaseConfig* database);
  void ReadConnection(const YamlValue& value, DatabaseConfig* database);
  void ReadSafety(const YamlField& field, SafetyConfig* safety);
  void ReadDaemon(const YamlField& field, DaemonConfig* daemon);

  // A normal-form DN, or nullopt (reported).
  std::optional<std::string> ReadDn(const YamlValue& value, bool allow_empty);
  std::optional<std::string> ReadFilter(const YamlValue& value);
  std::optional<std::string> ReadAttributeName(const YamlValue& value);
  std::optional<std::chrono::seconds> ReadDuration(const YamlValue& value,
                                                   std::chrono::seconds max);
  // A duration that may also be given in milliseconds ("250ms"), from 100 ms to 1 h.
  std::optional<std::chrono::milliseconds> ReadPollInterval(const YamlValue& value);
  // `value` resolved against the config file's directory.
  std::string ResolvePath(const std::string& value) const;
  // Reports a file that is missing or not a regular file; true when it is one.
  bool CheckRegularFile(const YamlValue& value, const std::string& path, const char* what);
  void CheckPasswordFile(const YamlValue& value, const std::string& path);
  void CheckUrl(const YamlValue& value, DirectoryConfig* directory, std::string* host);

  YamlFile file_;
  fs::path absolute_path_;
  fs::path base_dir_;
};

std::string ConfigReader::ResolvePath(const std::string& value) const {
  fs::path p(value);
  if (p.is_relative()) p = base_dir_ / p;
  std::string out = p.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::optional<Config> ConfigReader::Read(std::string_view text) {
  std::optional<YAML::Node> root = file_.Parse(text);
  if (!root) return std::nullopt;
  if (root->IsNull()) {
    file_.Error(file_.Start(), "", "the configuration file is empty",
                "start from the commented example config/bridge.yaml");
    return std::nullopt;
  }
  YamlMap top(file_, YamlValue{*root, "", file_.Start(), file_.Start()},
              Names({"version", "directory", "database", "mappings", "safety", "daemon"}));
  if (!top.ok()) return std::nullopt;

  Config config;
  config.path = absolute_path_.string();
  if (const YamlField* version = top.Require("version", "add `version: 1` at the top")) {
    std::optional<std::int64_t> v = ReadInt(file_, version->value, 0, 1000000);
    if (v && *v != 1) {
      file_.Error(version->value.where, version->value.path,
                  "unsupported version " + std::to_string(*v) + "; this pmbridge reads version 1");
    }
  }
  if (const YamlField* directory =
          top.Require("directory", "the directory section says where to read users and groups")) {
    ReadDirectory(*directory, &config.directory);
  }
  if (const YamlField* database =
          top.Require("database",
                      "the database section names the PM database, e.g. connection: "
                      "sqlite3://db=practice.db")) {
    ReadDatabase(*database, &config.database);
  }
  if (const YamlField* mappings = top.Require(
          "mappings", "name a mapping file or a directory of them, e.g. mappings: ../mappings/")) {
    if (std::optional<std::string> path = ReadNonEmptyString(file_, mappings->value)) {
      config.mappings_path = ResolvePath(*path);
      std::error_code ec;
      if (!fs::exists(config.mappings_path, ec)) {
        file_.Error(mappings->value.where, mappings->value.path,
                    "mappings path " + config.mappings_path + " does not exist",
                    "relative paths are relative to the directory of this file");
      }
    }
  }
  if (const YamlField* safety = top.Find("safety")) ReadSafety(*safety, &config.safety);
  if (const YamlField* daemon = top.Find("daemon")) ReadDaemon(*daemon, &config.daemon);
  return config;
}

void ConfigReader::ReadDirectory(const YamlField& field, DirectoryConfig* directory) {
  directory->where = field.key_where;
  YamlMap map(file_, field.value,
              Names({"url", "flavor", "bind_dn", "bind_password_file", "bind_password_env",
                     "tls_ca_file", "start_tls", "allow_insecure_bind", "page_size", "timeout",
                     "users", "groups", "change_detection", "poll_interval"}));
  if (!map.ok()) return;

  // The flavour first: its defaults fill what the other keys leave unset.
  const FlavorDefaults* flavor = &kFlavors[0];
  if (const YamlField* f = map.Find("flavor")) {
    if (std::optional<std::string> name = ReadString(file_, f->value)) {
      const FlavorDefaults* found = nullptr;
      std::vector<std::string> names;
      for (const FlavorDefaults& candidate : kFlavors) {
        names.emplace_back(candidate.name);
        if (candidate.name == *name) found = &candidate;
      }
      if (found == nullptr) {
        std::optional<std::string> close = ClosestName(*name, names);
        file_.Error(f->value.where, f->value.path, "unknown flavor `" + *name + "`",
                    (close ? "did you mean `" + *close + "`? " : std::string()) +
                        "allowed: " + JoinNames(names));
      } else {
        flavor = found;
      }
    }
  }
  directory->flavor = flavor->flavor;
  directory->change_detection = flavor->change_detection;

  if (const YamlField* f = map.Find("start_tls")) {
    directory->start_tls = ReadBool(file_, f->value).value_or(false);
  }
  if (const YamlField* f = map.Find("allow_insecure_bind")) {
    directory->allow_insecure_bind = ReadBool(file_, f->value).value_or(false);
  }
  if (const YamlField* f = map.Find("bind_dn")) {
    if (std::optional<std::string> dn = ReadString(file_, f->value)) {
      // Active Directory also binds with a user principal name or DOMAIN\user.
      bool ad_name = directory->flavor == DirectoryFlavor::kActiveDirectory &&
                     dn->find('=') == std::string::npos &&
                     (dn->find('@') != std::string::npos || dn->find('\\') != std::string::npos);
      if (ad_name || ReadDn(f->value, true)) directory->bind_dn = *dn;
    }
  }
  std::string host;
  const YamlField* url =
      map.Require("url", "e.g. url: ldap://127.0.0.1:389 or ldaps://dc1.clinic.example");
  if (url != nullptr) CheckUrl(url->value, directory, &host);

  const YamlField* password_file = map.Find("bind_password_file");
  const YamlField* password_env = map.Find("bind_password_env");
  if (password_file != nullptr && password_env != nullptr) {
    file_.Error(password_env->key_where, password_env->value.path,
                "both bind_password_file and bind_password_env are set",
                "keep one: pmbridge will not guess which password is meant");
  }
  if (password_file != nullptr) {
    if (std::optional<std::string> p = ReadNonEmptyString(file_, password_file->value)) {
      directory->bind_password_file = ResolvePath(*p);
      CheckPasswordFile(password_file->value, directory->bind_password_file);
    }
  }
  if (password_env != nullptr) {
    if (std::optional<std::string> name = ReadNonEmptyString(file_, password_env->value)) {
      bool valid = (std::isalpha(static_cast<unsigned char>((*name)[0])) || (*name)[0] == '_') &&
                   std::all_of(name->begin(), name->end(), [](char c) {
                     return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                   });
      if (!valid) {
        file_.Error(password_env->value.where, password_env->value.path,
                    "`" + *name + "` is not an environment variable name",
                    "write the variable's name (e.g. PMBRIDGE_LDAP_PASSWORD), not its value");
      } else {
        directory->bind_password_env = *name;
        if (std::getenv(name->c_str()) == nullptr) {
          file_.Warning(password_env->value.where, password_env->value.path,
                        "environment variable " + *name + " is not set here",
                        "the daemon must get it from its environment (systemd: "
                        "EnvironmentFile=)");
        }
      }
    }
  }
  if (!directory->bind_dn.empty() && password_file == nullptr && password_env == nullptr) {
    const YamlField* bind_dn = map.Find("bind_dn");
    file_.Error(bind_dn->key_where, bind_dn->value.path, "bind_dn is set but no password source is",
                "add bind_password_file: FILE (mode 600) or bind_password_env: NAME");
  }
  if (directory->bind_dn.empty() && (password_file != nullptr || password_env != nullptr)) {
    const YamlField* source = password_file != nullptr ? password_file : password_env;
    file_.Warning(source->key_where, source->value.path,
                  "a bind password is configured but no bind_dn: the bind is anonymous",
                  "add bind_dn, or remove the password setting");
  }
  if (url != nullptr && !host.empty() && !directory->bind_dn.empty() &&
      directory->url.rfind("ldap://", 0) == 0 && !directory->start_tls &&
      !directory->allow_insecure_bind && !IsLoopbackHost(host)) {
    file_.Error(url->value.where, url->value.path,
                "the bind password would cross the network in clear text to " + host,
                "use ldaps:// or start_tls: true; only on a trusted network, set "
                "allow_insecure_bind: true");
  }

  if (const YamlField* f = map.Find("tls_ca_file")) {
    if (std::optional<std::string> p = ReadNonEmptyString(file_, f->value)) {
      directory->tls_ca_file = ResolvePath(*p);
      CheckRegularFile(f->value, directory->tls_ca_file, "tls_ca_file");
      if (directory->url.rfind("ldap://", 0) == 0 && !directory->start_tls) {
        file_.Warning(f->value.where, f->value.path,
                      "tls_ca_file is unused: the url is ldap:// without start_tls");
      }
    }
  }
  if (const YamlField* f = map.Find("page_size")) {
    if (std::optional<std::int64_t> n = ReadInt(file_, f->value, 1, 10000)) {
      directory->page_size = static_cast<int>(*n);
    }
  }
  if (const YamlField* f = map.Find("timeout")) {
    if (std::optional<std::chrono::seconds> d = ReadDuration(f->value, std::chrono::hours(1))) {
      directory->timeout = *d;
    }
  }
  if (const YamlField* f = map.Require("users", "users: needs at least base_dn")) {
    ReadUsers(*f, *flavor, &directory->users);
  }
  GroupsConfig& groups = directory->groups;
  ReadGroups(map.Find("groups"), *flavor, &groups);
  if (groups.base_dn.empty()) groups.base_dn = directory->users.base_dn;

  if (const YamlField* f = map.Find("poll_interval")) {
    if (std::optional<std::chrono::milliseconds> d = ReadPollInterval(f->value)) {
      directory->poll_interval = *d;
    }
  }
  if (const YamlField* f = map.Find("change_detection")) {
    if (std::optional<std::string> name = ReadString(file_, f->value)) {
      const ChangeDetectionName* found = nullptr;
      std::vector<std::string> names;
      for (const ChangeDetectionName& c : kChangeDetections) {
        names.emplace_back(c.name);
        if (c.name == *name) found = &c;
      }
      if (found == nullptr) {
        std::optional<std::string> close = ClosestName(*name, names);
        file_.Error(f->value.where, f->value.path, "unknown change_detection `" + *name + "`",
                    (close ? "did you mean `" + *close + "`? " : std::string()) +
                        "allowed: syncrepl, dirsync, usn, poll");
      } else if (!Supports(*flavor, found->name)) {
        file_.Error(f->value.where, f->value.path,
                    "change_detection " + *name + " is not available with flavor " +
                        std::string(flavor->name),
                    "for " + std::string(flavor->name) +
                        " use one of: " + std::string(flavor->supported_change_detection));
      } else {
        directory->change_detection = found->value;
      }
    }
  }
}

void ConfigReader::CheckUrl(const YamlValue& value, DirectoryConfig* directory, std::string* host) {
  std::optional<std::string> url = ReadNonEmptyString(file_, value);
  if (!url) return;
  std::string_view rest;
  bool ldaps = false;
  if (url->rfind("ldap://", 0) == 0) {
    rest = std::string_view(*url).substr(7);
  } else if (url->rfind("ldaps://", 0) == 0) {
    rest = std::string_view(*url).substr(8);
    ldaps = true;
  } else {
    std::size_t scheme_end = url->find("://");
    file_.Error(value.where, value.path,
                scheme_end == std::string::npos
                    ? "`" + *url + "` is not an LDAP URL"
                    : "unsupported URL scheme `" + url->substr(0, scheme_end) + "://`",
                "write ldap://HOST[:PORT] or ldaps://HOST[:PORT]");
    return;
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos || rest.find('?') != std::string_view::npos) {
    file_.Error(value.where, value.path, "the url must name only the server",
                "put the search base in users.base_dn and groups.base_dn");
    return;
  }
  std::optional<int> port;
  std::string error = ParseHostPort(rest, host, &port, false);
  if (!error.empty()) {
    file_.Error(value.where, value.path, "malformed url: " + error,
                "write ldap://HOST[:PORT] or ldaps://HOST[:PORT]");
    host->clear();
    return;
  }
  directory->url = *url;
  if (ldaps && directory->start_tls) {
    file_.Error(value.where, value.path, "start_tls cannot be used with an ldaps:// url",
                "ldaps:// is already encrypted: remove start_tls, or use ldap:// with it");
  }
}

void ConfigReader::ReadUsers(const YamlField& field, const FlavorDefaults& flavor,
                             UsersConfig* users) {
  users->filter = std::string(flavor.users_filter);
  UserAttributeMap& a = users->attributes;
  a = UserAttributeMap{std::string(flavor.login),          std::string(flavor.anchor),
                       std::string(flavor.first_name),     std::string(flavor.last_name),
                       std::string(flavor.middle_initial), std::string(flavor.email)};
  YamlMap map(file_, field.value, Names({"base_dn", "filter", "attributes"}));
  if (!map.ok()) return;
  if (const YamlField* f = map.Require("base_dn", "e.g. base_dn: ou=people,dc=clinic,dc=example")) {
    if (std::optional<std::string> dn = ReadDn(f->value, false)) users->base_dn = *dn;
  }
  if (const YamlField* f = map.Find("filter")) {
    if (std::optional<std::string> filter = ReadFilter(f->value)) users->filter = *filter;
  }
  if (const YamlField* f = map.Find("attributes")) ReadAttributes(*f, &a);
}

void ConfigReader::ReadAttributes(const YamlField& field, UserAttributeMap* attributes) {
  YamlMap map(file_, field.value,
              Names({"login", "anchor", "first_name", "last_name", "middle_initial", "email"}));
  if (!map.ok()) return;
  struct Slot {
    std::string_view key;
    std::string* target;
  };
  const Slot slots[] = {{"login", &attributes->login},
                        {"anchor", &attributes->anchor},
                        {"first_name", &attributes->first_name},
                        {"last_name", &attributes->last_name},
                        {"middle_initial", &attributes->middle_initial},
                        {"email", &attributes->email}};
  for (const Slot& slot : slots) {
    if (const YamlField* f = map.Find(slot.key)) {
      if (std::optional<std::string> name = ReadAttributeName(f->value)) *slot.target = *name;
    }
  }
}

void ConfigReader::ReadGroups(const YamlField* field, const FlavorDefaults& flavor,
                              GroupsConfig* groups) {
  groups->filter = std::string(flavor.groups_filter);
  groups->member_attribute = std::string(flavor.member_attribute);
  if (field == nullptr) return;
  YamlMap map(file_, field->value, Names({"base_dn", "filter", "member_attribute", "nested"}));
  if (!map.ok()) return;
  if (const YamlField* f = map.Find("base_dn")) {
    if (std::optional<std::string> dn = ReadDn(f->value, false)) groups->base_dn = *dn;
  }
  if (const YamlField* f = map.Find("filter")) {
    if (std::optional<std::string> filter = ReadFilter(f->value)) groups->filter = *filter;
  }
  if (const YamlField* f = map.Find("member_attribute")) {
    if (std::optional<std::string> name = ReadAttributeName(f->value)) {
      groups->member_attribute = *name;
    }
  }
  if (const YamlField* f = map.Find("nested")) {
    groups->nested = ReadBool(file_, f->value).value_or(true);
  }
}

std::optional<std::string> ConfigReader::ReadDn(const YamlValue& value, bool allow_empty) {
  std::optional<std::string> text = ReadString(file_, value);
  if (!text) return std::nullopt;
  Result<std::string> dn = NormalizeDn(*text);
  if (!dn.ok()) {
    file_.Error(value.where, value.path, dn.status().message() + " in `" + *text + "`",
                "a DN looks like ou=people,dc=clinic,dc=example; inside a value, escape , + \" "
                "\\ < > ; with a backslash");
    return std::nullopt;
  }
  if (dn->empty() && !allow_empty) {
    file_.Error(value.where, value.path, "the DN must not be empty",
                "name the subtree to search, e.g. ou=people,dc=clinic,dc=example");
    return std::nullopt;
  }
  return *dn;
}

std::optional<std::string> ConfigReader::ReadFilter(const YamlValue& value) {
  std::optional<std::string> text = ReadString(file_, value);
  if (!text) return std::nullopt;
  if (std::optional<FilterError> error = ValidateFilter(*text)) {
    file_.Error(value.where, value.path,
                "malformed LDAP filter: " + error->message + " at offset " +
                    std::to_string(error->offset) + " of `" + *text + "`",
                "filters look like (&(objectClass=person)(!(ou=former))); in a value write \\2a "
                "for *, \\28 for (, \\29 for ), \\5c for \\; quote the whole filter in YAML");
    return std::nullopt;
  }
  return text;
}

// An attribute type: a name (letter, then letters, digits, '-') or a numeric OID.
std::optional<std::string> ConfigReader::ReadAttributeName(const YamlValue& value) {
  std::optional<std::string> name = ReadNonEmptyString(file_, value);
  if (!name) return std::nullopt;
  // The filter validator knows attribute descriptions: check "(NAME=*)".
  std::optional<FilterError> error = ValidateFilter("(" + *name + "=*)");
  if (error || name->find(';') != std::string::npos) {
    file_.Error(value.where, value.path, "`" + *name + "` is not an attribute name",
                "attribute names are letters, digits and '-', starting with a letter (e.g. "
                "givenName), or a numeric OID");
    return std::nullopt;
  }
  return name;
}

std::optional<std::chrono::seconds> ConfigReader::ReadDuration(const YamlValue& value,
                                                               std::chrono::seconds max) {
  std::optional<std::string> text = ReadString(file_, value);
  if (!text) return std::nullopt;
  std::optional<std::chrono::seconds> d = ParseDuration(*text);
  if (!d) {
    file_.Error(value.where, value.path, "`" + *text + "` is not a duration",
                "write a number with a unit: 30s, 15m, 1h, 2h30m, 1d (a bare number is seconds)");
    return std::nullopt;
  }
  if (*d <= std::chrono::seconds(0) || *d > max) {
    file_.Error(value.where, value.path,
                "duration `" + *text + "` out of range: it must be more than 0 and at most " +
                    std::to_string(max.count()) + "s");
    return std::nullopt;
  }
  return d;
}

std::optional<std::chrono::milliseconds> ConfigReader::ReadPollInterval(const YamlValue& value) {
  std::optional<std::string> text = ReadString(file_, value);
  if (!text) return std::nullopt;
  std::optional<std::chrono::milliseconds> d;
  if (text->size() > 2 && text->size() <= 9 && text->ends_with("ms") &&
      IsDigits(text->substr(0, text->size() - 2))) {
    d = std::chrono::milliseconds(std::stoll(text->substr(0, text->size() - 2)));
  } else if (std::optional<std::chrono::seconds> s = ParseDuration(*text)) {
    d = *s;
  }
  if (!d) {
    file_.Error(value.where, value.path, "`" + *text + "` is not a duration",
                "write a number with a unit: 250ms, 1s, 30s, 5m (a bare number is seconds)");
    return std::nullopt;
  }
  if (*d < std::chrono::milliseconds(100) || *d > std::chrono::hours(1)) {
    file_.Error(value.where, value.path, "poll_interval `" + *text + "` out of range",
                "it must be at least 100ms and at most 1h");
    return std::nullopt;
  }
  return d;
}

bool ConfigReader::CheckRegularFile(const YamlValue& value, const std::string& path,
                                    const char* what) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    file_.Error(value.where, value.path,
                std::string(what) + " " + path + ": " + std::strerror(errno),
                "relative paths are relative to the directory of this file");
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    file_.Error(value.where, value.path, std::string(what) + " " + path + " is not a file");
    return false;
  }
  return true;
}

void ConfigReader::CheckPasswordFile(const YamlValue& value, const std::string& path) {
  if (!CheckRegularFile(value, path, "bind_password_file")) return;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return;
  if (st.st_mode & S_IROTH) {
    file_.Error(value.where, value.path,
                "bind_password_file " + path + " is readable by every user of this machine",
                "chmod 600 " + path);
  } else if (st.st_mode & S_IRGRP) {
    file_.Warning(value.where, value.path,
                  "bind_password_file " + path + " is readable by its group",
                  "chmod 600 " + path + ", unless the group is pmbridge's own");
  }
}

void ConfigReader::ReadDatabase(const YamlField& field, DatabaseConfig* database) {
  database->where = field.key_where;
  YamlMap map(file_, field.value, Names({"connection", "schema"}));
  if (!map.ok()) return;
  if (const YamlField* f =
          map.Require("connection",
                      "e.g. connection: sqlite3://db=practice.db, or postgresql://host=HOST "
                      "dbname=DB user=USER")) {
    ReadConnection(f->value, database);
  }
  if (const YamlField* f = map.Find("schema")) {
    if (std::optional<std::string> schema = ReadString(file_, f->value)) {
      if (*schema != "reference") {
        file_.Error(f->value.where, f->value.path, "unknown database schema `" + *schema + "`",
                    "allowed: reference");
      } else {
        database->schema = *schema;
      }
    }
  }
}

// The connection string is never repeated in a message: it may hold a password.
void ConfigReader::ReadConnection(const YamlValue& value, DatabaseConfig* database) {
  std::optional<std::string> text = ReadNonEmptyString(file_, value);
  if (!text) return;
  const std::string kSqlite = "sqlite3://";
  const std::string kPostgres = "postgresql://";
  const char* postgres_hint =
      "SOCI cannot parse URIs: write key=value pairs, e.g. postgresql://host=127.0.0.1 "
      "port=5432 dbname=pm user=pmbridge";
  if (text->rfind(kSqlite, 0) == 0) {
    std::string rest = text->substr(kSqlite.size());
    if (rest.empty()) {
      file_.Error(value.where, value.path, "the sqlite3 connection names no database file",
                  "e.g. sqlite3://db=practice.db");
      return;
    }
    std::vector<ConnectPair> pairs;
    if (rest.find('=') == std::string::npos) {
      pairs.push_back({"db", rest});  // sqlite3://practice.db
    } else if (std::optional<std::vector<ConnectPair>> split = SplitConnectString(rest)) {
      pairs = std::move(*split);
    } else {
      file_.Error(value.where, value.path, "malformed sqlite3 connection string",
                  "write sqlite3://db=FILE, optionally followed by key=value options");
      return;
    }
    bool has_db = false;
    std::string connect;
    for (ConnectPair& pair : pairs) {
      if ((pair.key == "db" || pair.key == "dbname") && !pair.value.empty()) {
        has_db = true;
        // ":memory:" and SQLite URI filenames are not paths.
        if (pair.value != ":memory:" && pair.value.rfind("file:", 0) != 0) {
          pair.value = ResolvePath(pair.value);
        }
      }
      if (!connect.empty()) connect += ' ';
      connect += pair.key + "=" + QuoteConnectValue(pair.value);
    }
    if (!has_db) {
      file_.Error(value.where, value.path, "the sqlite3 connection names no database file",
                  "e.g. sqlite3://db=practice.db");
      return;
    }
    database->backend = "sqlite3";
    database->connect_string = connect;
    return;
  }
  if (text->rfind(kPostgres, 0) == 0) {
    std::string rest = text->substr(kPostgres.size());
    std::size_t eq = rest.find('=');
    std::string_view before_eq = std::string_view(rest).substr(0, eq);
    if (rest.empty() || eq == std::string::npos ||
        before_eq.find_first_of("@/:") != std::string_view::npos) {
      file_.Error(value.where, value.path,
                  rest.empty() ? "the postgresql connection is empty"
                               : "the postgresql connection is written as a URI",
                  postgres_hint);
      return;
    }
    std::optional<std::vector<ConnectPair>> pairs = SplitConnectString(rest);
    if (!pairs) {
      file_.Error(value.where, value.path, "malformed postgresql connection string", postgres_hint);
      return;
    }
    for (const ConnectPair& pair : *pairs) {
      if (pair.key == "password") {
        file_.Warning(value.where, value.path, "the database password is written in bridge.yaml",
                      "remove password= and use a ~/.pgpass file (mode 600) or PGPASSFILE for "
                      "the pmbridge user");
      }
    }
    database->backend = "postgresql";
    database->connect_string = rest;
    return;
  }
  if (text->rfind("postgres://", 0) == 0 || text->rfind("postgresql:", 0) == 0) {
    file_.Error(value.where, value.path, "the postgresql connection is written as a URI",
                postgres_hint);
    return;
  }
  file_.Error(value.where, value.path, "unsupported database connection",
              "write sqlite3://db=FILE or postgresql://host=HOST dbname=DB user=USER");
}

void ConfigReader::ReadSafety(const YamlField& field, SafetyConfig* safety) {
  YamlMap map(file_, field.value, Names({"max_disables_per_run"}));
  if (!map.ok()) return;
  const YamlField* f = map.Find("max_disables_per_run");
  if (f == nullptr) return;
  const YamlValue& v = f->value;
  const char* hint =
      "write a count such as 25, or a percentage of the managed accounts such as "
      "\"5%\"";
  if (v.node.IsScalar() && !v.node.Scalar().empty() && v.node.Scalar().back() == '%') {
    std::string number = v.node.Scalar().substr(0, v.node.Scalar().size() - 1);
    double percent = 0;
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), percent);
    bool plain_decimal = !number.empty() && number[0] != '.' &&
                         std::all_of(number.begin(), number.end(),
                                     [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    bool parsed = plain_decimal && ec == std::errc() && ptr == number.data() + number.size() &&
                  std::isfinite(percent);
    if (!parsed || percent <= 0 || percent > 100) {
      file_.Error(v.where, v.path,
                  "`" + v.node.Scalar() + "` is not a percentage above 0% and at most 100%", hint);
      return;
    }
    safety->max_disables_per_run = MaxDisables{true, percent};
    return;
  }
  if (v.node.IsScalar() && IsPlainScalar(v.node)) {
    if (std::optional<std::int64_t> n = ReadInt(file_, v, 0, 1000000000)) {
      safety->max_disables_per_run = MaxDisables{false, static_cast<double>(*n)};
    }
    return;
  }
  file_.Error(v.where, v.path, "expected a count or a percentage, got " + DescribeNode(v.node),
              hint);
}

void ConfigReader::ReadDaemon(const YamlField& field, DaemonConfig* daemon) {
  YamlMap map(file_, field.value,
              Names({"full_reconcile_interval", "disable_window", "admin_listen"}));
  if (!map.ok()) return;
  if (const YamlField* f = map.Find("full_reconcile_interval")) {
    if (std::optional<std::chrono::seconds> d =
            ReadDuration(f->value, std::chrono::hours(24 * 31))) {
      daemon->full_reconcile_interval = *d;
    }
  }
  if (const YamlField* f = map.Find("disable_window")) {
    if (std::optional<std::chrono::seconds> d =
            ReadDuration(f->value, std::chrono::hours(24 * 31))) {
      daemon->disable_window = *d;
    }
  }
  if (const YamlField* f = map.Find("admin_listen")) {
    if (std::optional<std::string> text = ReadNonEmptyString(file_, f->value)) {
      std::string host;
      std::optional<int> port;
      std::string error = ParseHostPort(*text, &host, &port, true);
      if (!error.empty()) {
        file_.Error(f->value.where, f->value.path, "admin_listen `" + *text + "`: " + error,
                    "write HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464");
        return;
      }
      daemon->admin_listen = *text;
      if (!IsLoopbackHost(host)) {
        file_.Warning(f->value.where, f->value.path,
                      "admin_listen " + *text + " is reachable from other hosts",
                      "POST /reconcile has no authentication: keep it on 127.0.0.1 unless a "
                      "firewall guards the port");
      }
    }
  }
}

std::optional<std::string> ReadWholeFile(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    *error = "read error";
    return std::nullopt;
  }
  return buffer.str();
}

}  // namespace

ConfigLoad LoadConfigFromText(std::string_view text, const std::string& file_name) {
  ConfigLoad load;
  try {
    ConfigReader reader(file_name, &load.diagnostics);
    std::optional<Config> config = reader.Read(text);
    if (config) load.mappings_path = config->mappings_path;
    if (config && !load.diagnostics.has_errors()) load.config = std::move(config);
  } catch (const std::exception& e) {
    // yaml-cpp throws from unexpected places on hostile input; it is a bad file, not a crash.
    load.diagnostics.Error(SourceLocation{file_name, 0, 0}, "",
                           std::string("cannot read the configuration: ") + e.what());
    load.config.reset();
  }
  load.diagnostics = SortedByLocation(load.diagnostics);
  return load;
}

ConfigLoad LoadConfig(const std::string& path) {
  std::string error;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    ConfigLoad load;
    load.diagnostics.Error(SourceLocation{path, 0, 0}, "", "is a directory, not a config file",
                           "pass --config FILE or set PMBRIDGE_CONFIG");
    return load;
  }
  std::optional<std::string> text = ReadWholeFile(path, &error);
  if (!text) {
    ConfigLoad load;
    load.diagnostics.Error(SourceLocation{path, 0, 0}, "", "cannot read the config file: " + error,
                           "pass --config FILE or set PMBRIDGE_CONFIG");
    return load;
  }
  return LoadConfigFromText(*text, path);
}

Result<std::string> ReadBindPassword(const DirectoryConfig& directory) {
  if (!directory.bind_password_file.empty()) {
    std::string error;
    std::optional<std::string> text = ReadWholeFile(directory.bind_password_file, &error);
    if (!text) {
      return Status::InvalidInput("cannot read bind_password_file " + directory.bind_password_file +
                                  ": " + error);
    }
    std::string password = std::move(*text);
    if (!password.empty() && password.back() == '\n') {
      password.pop_back();
      if (!password.empty() && password.back() == '\r') password.pop_back();
    }
    // An empty password turns a simple bind into an unauthenticated one (RFC 4513 §5.1.2),
    // which servers accept and then answer as anonymous.
    if (password.empty()) {
      return Status::InvalidInput("bind_password_file " + directory.bind_password_file +
                                  " is empty");
    }
    return password;
  }
  if (!directory.bind_password_env.empty()) {
    const char* value = std::getenv(directory.bind_password_env.c_str());
    if (value == nullptr) {
      return Status::InvalidInput("environment variable " + directory.bind_password_env +
                                  " (bind_password_env) is not set");
    }
    if (*value == '\0') {
      return Status::InvalidInput("environment variable " + directory.bind_password_env +
                                  " (bind_password_env) is empty");
    }
    return std::string(value);
  }
  if (!directory.bind_dn.empty()) {
    return Status::InvalidInput(
        "bind_dn is set but neither bind_password_file nor bind_password_env is");
  }
  return std::string();  // anonymous bind
}

std::string_view ChangeDetectionKeyword(ChangeDetection strategy) {
  for (const ChangeDetectionName& c : kChangeDetections) {
    if (c.value == strategy) return c.name;
  }
  return "unknown";
}

std::optional<std::chrono::seconds> ParseDuration(const std::string& text) {
  // Nothing sensible is longer than this; it also keeps the arithmetic from overflowing.
  constexpr std::int64_t kMaxSeconds = std::int64_t{100} * 366 * 24 * 3600;
  if (text.empty()) return std::nullopt;
  if (IsDigits(text)) {
    if (text.size() > 12) return std::nullopt;
    std::int64_t n = 0;
    std::from_chars(text.data(), text.data() + text.size(), n);
    if (n > kMaxSeconds) return std::nullopt;
    return std::chrono::seconds(n);
  }
  // Units in decreasing order, each at most once: 1d2h30m15s.
  static constexpr struct {
    char unit;
    std::int64_t seconds;
  } kUnits[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
  std::size_t next_unit = 0;
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == start || i - start > 12 || i >= text.size()) return std::nullopt;
    std::int64_t n = 0;
    std::from_chars(text.data() + start, text.data() + i, n);
    char unit = text[i++];
    std::size_t u = next_unit;
    while (u < std::size(kUnits) && kUnits[u].unit != unit) ++u;
    if (u == std::size(kUnits)) return std::nullopt;
    next_unit = u + 1;
    if (n > kMaxSeconds / kUnits[u].seconds) return std::nullopt;
    total += n * kUnits[u].seconds;
    if (total > kMaxSeconds) return std::nullopt;
  }
  return std::chrono::seconds(total);
}

int MaxDisables::Limit(int managed) const {
  // A single person leaving is always applied at once (DESIGN rule 6), so never below 1.
  if (!percent) return std::max(1, static_cast<int>(std::min(value, 2147483647.0)));
  double allowed = std::floor(static_cast<double>(std::max(managed, 0)) * value / 100.0);
  return std::max(1, static_cast<int>(allowed));
}

std::string MaxDisables::ToString() const {
  if (!percent) return std::to_string(static_cast<long long>(value));
  char buffer[32];
  auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string out = ec == std::errc() ? std::string(buffer, ptr) : std::to_string(value);
  return out + "%";
}

}  // namespace pmbridge
