// Reading the administrator's YAML with yaml-cpp while keeping every position: each value
// carries its YAML path and its file:line:col, and every mistake becomes a Diagnostic
// instead of an exception. Private to the config library.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "bridge/diagnostic.h"
#include "bridge/source_location.h"

namespace pmbridge {

// One YAML file being read: its name for locations, and where its diagnostics go.
class YamlFile {
 public:
  YamlFile(std::string file, Diagnostics* diagnostics)
      : file_(std::move(file)), diagnostics_(diagnostics) {}

  const std::string& file() const { return file_; }
  // yaml-cpp marks are 0-based; locations are 1-based. A null mark gives the file alone.
  SourceLocation At(const YAML::Mark& mark) const;
  SourceLocation Start() const { return SourceLocation{file_, 1, 1}; }

  void Error(const SourceLocation& where, const std::string& path, std::string message,
             std::string hint = {});
  void Warning(const SourceLocation& where, const std::string& path, std::string message,
               std::string hint = {});

  // Parses `text` as one YAML document. A syntax error or a second document is reported
  // and gives nullopt; an empty file gives a null node.
  std::optional<YAML::Node> Parse(std::string_view text);

  // Counts `count` more values read from the file; false once past a limit no real file
  // reaches (reported once). Anchors and aliases that multiply each other (a list of
  // aliases to a map of aliases to lists) would otherwise make a 1 KB file cost millions
  // of values and diagnostics.
  bool Visit(std::size_t count);

 private:
  void Add(Diagnostic::Severity severity, const SourceLocation& where, const std::string& path,
           std::string message, std::string hint);

  std::string file_;
  Diagnostics* diagnostics_;
  std::size_t reported_ = 0;  // diagnostics of this file so far
  std::size_t visited_ = 0;   // values read so far
  bool over_budget_ = false;
};

// A value in a YAML file, with its path ("directory.users.base_dn", "groups[2].dn") and
// position. For an empty value (`key:` with nothing after it) the position is the key's:
// yaml-cpp marks an empty value at whatever token follows, often on the next line.
struct YamlValue {
  YAML::Node node;
  std::string path;
  SourceLocation where;
  // Where a "missing key" inside this value is reported: its key for a map field, the item
  // for a list item, the file's start for the document.
  SourceLocation owner;

  bool IsNull() const { return node.IsNull(); }
};

// One key of a map and its value.
struct YamlField {
  std::string key;
  SourceLocation key_where;
  YamlValue value;
};

// "a.b" from a parent path and a key; just the key at the document root.
std::string ChildPath(const std::string& parent, std::string_view key);

// What a node is, for "expected X, got Y" messages: "a map", "a list", "nothing", or the
// scalar itself in backquotes (shortened when long).
std::string DescribeNode(const YAML::Node& node);

// A YAML map whose keys are checked once, when it is opened: a value that is not a map, a
// key that is not a plain scalar, a key written twice (yaml-cpp 0.7 silently keeps both),
// and — unless any key is allowed — an unknown key, with a "did you mean" hint.
class YamlMap {
 public:
  // `known_keys` lists the allowed keys; with `any_key` every key is allowed (role names).
  YamlMap(YamlFile& file, const YamlValue& value, const std::vector<std::string>& known_keys,
          bool any_key = false);

  // False when the value was not a map (already reported).
  bool ok() const { return ok_; }
  const YamlValue& value() const { return value_; }

  // The field for `key`, or nullptr.
  const YamlField* Find(std::string_view key) const;
  // Like Find, but reports "missing required key" at the map when absent.
  const YamlField* Require(std::string_view key, const std::string& hint = {});
  // The fields in document order; of a duplicated key only the first.
  const std::vector<YamlField>& fields() const { return fields_; }

 private:
  YamlFile& file_;
  YamlValue value_;
  bool ok_ = false;
  std::vector<YamlField> fields_;
};

// Scalar readers. Each reports a value of the wrong type at the value, and returns nullopt.
// A quoted "500" or "true" is a string, not a number or a boolean — as in the JSON Schema.
std::optional<std::string> ReadString(YamlFile& file, const YamlValue& value);
// A non-empty string.
std::optional<std::string> ReadNonEmptyString(YamlFile& file, const YamlValue& value);
std::optional<std::int64_t> ReadInt(YamlFile& file, const YamlValue& value, std::int64_t min,
                                    std::int64_t max);
// true/false, and YAML 1.1's yes/no/on/off, which PyYAML and editors also treat as booleans.
std::optional<bool> ReadBool(YamlFile& file, const YamlValue& value);
// The items of a list, each with its path and position; nullopt when not a list.
std::optional<std::vector<YamlValue>> ReadList(YamlFile& file, const YamlValue& value);

// `diagnostics` ordered by file, line and column (stable), so that a report reads from the
// top of each file down whatever order the checks ran in.
Diagnostics SortedByLocation(const Diagnostics& diagnostics);

// True when `node` is a scalar written without quotes or tag, so that `500` and `true` are
// numbers and booleans but `"500"` is a string.
bool IsPlainScalar(const YAML::Node& node);

}  // namespace pmbridge
