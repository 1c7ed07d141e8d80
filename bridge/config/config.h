// The bridge's configuration: config/bridge.yaml. Key names are the contract of
// DESIGN.md. LoadConfig() collects every error with file:line:col, it does not stop at the
// first one.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "bridge/diagnostic.h"
#include "bridge/source_location.h"
#include "bridge/status.h"

namespace pmbridge {

enum class DirectoryFlavor { kOpenLdap, kActiveDirectory };
enum class ChangeDetection { kSyncrepl, kDirsync, kUsn, kPoll };

// Directory attribute names for each field of a PM account. Flavours differ only in data:
// OpenLDAP defaults (uid, entryUUID, ...) or Active Directory defaults (sAMAccountName,
// objectGUID, ...); any key the administrator sets overrides the default.
struct UserAttributeMap {
  std::string login;
  std::string anchor;
  std::string first_name;
  std::string last_name;
  std::string middle_initial;
  std::string email;
};

struct UsersConfig {
  std::string base_dn;  // normal form (NormalizeDn)
  std::string filter;
  UserAttributeMap attributes;
};

struct GroupsConfig {
  std::string base_dn;  // normal form
  std::string filter;
  std::string member_attribute;
  bool nested = true;
};

struct DirectoryConfig {
  std::string url;  // ldap://, ldaps://
  DirectoryFlavor flavor = DirectoryFlavor::kOpenLdap;
  std::string bind_dn;             // empty: anonymous bind
  std::string bind_password_file;  // absolute path, or empty
  std::string bind_password_env;   // environment variable name, or empty
  std::string tls_ca_file;         // absolute path, or empty (system store)
  bool start_tls = false;
  bool allow_insecure_bind = false;  // plaintext simple bind to a non-loopback host
  int page_size = 500;
  std::chrono::milliseconds timeout{30000};  // network and operation timeout
  UsersConfig users;
  GroupsConfig groups;
  ChangeDetection change_detection = ChangeDetection::kSyncrepl;
  // How often a polling strategy (dirsync, usn) asks the directory what changed.
  std::chrono::milliseconds poll_interval{1000};
  SourceLocation where;  // of the `directory` key
};

struct DatabaseConfig {
  std::string backend;         // "sqlite3" or "postgresql"
  std::string connect_string;  // SOCI key=value form; a sqlite db= path made absolute
  std::string schema = "reference";
  SourceLocation where;
};

// safety.max_disables_per_run: a count, or a percentage of the managed accounts.
struct MaxDisables {
  bool percent = false;
  double value = 25;
  // The number of disables allowed in one run when `managed` accounts are managed. A
  // percentage rounds down but never below 1: a single person leaving is always allowed.
  int Limit(int managed) const;
  std::string ToString() const;  // "25" or "5%"
};

struct SafetyConfig {
  MaxDisables max_disables_per_run;
};

struct DaemonConfig {
  std::chrono::seconds full_reconcile_interval{3600};
  // The daemon's mass-disable guard counts disables over this sliding window against
  // safety.max_disables_per_run.
  std::chrono::seconds disable_window{900};
  std::string admin_listen = "127.0.0.1:9464";
};

struct Config {
  std::string path;  // absolute path of bridge.yaml
  DirectoryConfig directory;
  DatabaseConfig database;
  std::string mappings_path;  // absolute; a file or a directory of *.yaml
  SafetyConfig safety;
  DaemonConfig daemon;
};

struct ConfigLoad {
  std::optional<Config> config;  // set when diagnostics has no errors
  Diagnostics diagnostics;
  // The resolved mappings path whenever the `mappings` key could be read, even when other
  // keys have errors: `check` then reports the mappings' errors in the same run.
  std::string mappings_path;
};

// Loads and validates bridge.yaml: unknown keys, wrong types, malformed DNs and filters,
// bad URLs, a missing or world-readable password file (a warning when merely readable by
// others), an unknown flavour or change-detection strategy. Relative paths resolve
// against the config file's directory. Flavour defaults fill unset attribute keys.
ConfigLoad LoadConfig(const std::string& path);

// LoadConfig on `text`, as if read from `file_name`: it names the file in messages and its
// directory anchors relative paths. For tests and the fuzzer.
ConfigLoad LoadConfigFromText(std::string_view text, const std::string& file_name);

// The bind password from bind_password_file (trailing newline stripped) or the
// environment variable. kInvalidInput when neither is set but bind_dn is, or when the
// source cannot be read. The password never appears in a message.
Result<std::string> ReadBindPassword(const DirectoryConfig& directory);

// "30s", "15m", "1h", "2h30m", "90" (seconds) -> seconds; nullopt when malformed.
std::optional<std::chrono::seconds> ParseDuration(const std::string& text);

// The name bridge.yaml gives `strategy` under directory.change_detection ("dirsync").
std::string_view ChangeDetectionKeyword(ChangeDetection strategy);

}  // namespace pmbridge
