#include "bridge/config/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <exception>
#include <map>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include "bridge/config/closest_name.h"

namespace pmbridge {
namespace {

// The line `line` (0-based) of `text`, for looking at what the parser choked on.
std::string_view LineOf(std::string_view text, int line) {
  std::size_t begin = 0;
  for (int i = 0; i < line; ++i) {
    std::size_t nl = text.find('\n', begin);
    if (nl == std::string_view::npos) return {};
    begin = nl + 1;
  }
  std::size_t end = text.find('\n', begin);
  return text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
}

std::string SyntaxHint(std::string_view text, const YAML::Mark& mark) {
  if (mark.line >= 0) {
    std::string_view here = LineOf(text, mark.line);
    std::string_view before = mark.line > 0 ? LineOf(text, mark.line - 1) : std::string_view();
    if (here.find('\t') != std::string_view::npos || before.find('\t') != std::string_view::npos) {
      return "YAML does not allow tab characters for indentation; indent with spaces";
    }
  }
  return "check the indentation, the quoting and the ': ' after each key on this line and the "
         "one before; quote values that contain ': ', ' #', '[', '{' or start with '*', '&', "
         "'!', '%', '@' or '`'";
}

// Records, per document, where its first node starts and whether it is a lone null.
class DocumentScan : public YAML::EventHandler {
 public:
  YAML::Mark first;
  bool only_null = false;

  void OnDocumentStart(const YAML::Mark&) override {
    nodes_ = 0;
    only_null = false;
  }
  void OnDocumentEnd() override { only_null = only_null && nodes_ == 1; }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    if (nodes_ == 0) only_null = true;
    Node(mark);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Node(mark);
  }
  void OnMapEnd() override {}

 private:
  void Node(const YAML::Mark& mark) {
    if (nodes_++ == 0) first = mark;
  }
  int nodes_ = 0;
};

}  // namespace

SourceLocation YamlFile::At(const YAML::Mark& mark) const {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return SourceLocation{file_, 0, 0};
  return SourceLocation{file_, mark.line + 1, mark.column + 1};
}

// More than this many problems in one file are not read anyway: the first ones say what
// to fix.
constexpr std::size_t kMaxDiagnosticsPerFile = 100;
// Far above any real mapping (a thousand group rules are some ten thousand values).
constexpr std::size_t kMaxValuesPerFile = 200000;

void YamlFile::Add(Diagnostic::Severity severity, const SourceLocation& where,
                   const std::string& path, std::string message, std::string hint) {
  if (reported_ > kMaxDiagnosticsPerFile) return;
  if (reported_++ == kMaxDiagnosticsPerFile) {
    diagnostics_->Error(SourceLocation{file_, 0, 0}, "",
                        "too many problems in this file; only the first " +
                            std::to_string(kMaxDiagnosticsPerFile) + " are shown");
    return;
  }
  if (severity == Diagnostic::Severity::kError) {
    diagnostics_->Error(where, path, std::move(message), std::move(hint));
  } else {
    diagnostics_->Warning(where, path, std::move(message), std::move(hint));
  }
}

void YamlFile::Error(const SourceLocation& where, const std::string& path, std::string message,
                     std::string hint) {
  Add(Diagnostic::Severity::kError, where, path, std::move(message), std::move(hint));
}

void YamlFile::Warning(const SourceLocation& where, const std::string& path, std::string message,
                       std::string hint) {
  Add(Diagnostic::Severity::kWarning, where, path, std::move(message), std::move(hint));
}

bool YamlFile::Visit(std::size_t count) {
  if (over_budget_) return false;
  visited_ += count;
  if (visited_ <= kMaxValuesPerFile) return true;
  over_budget_ = true;
  // Reported even past the diagnostics cap: it explains why reading stopped.
  diagnostics_->Error(
      SourceLocation{file_, 0, 0}, "",
      "this file expands to more than " + std::to_string(kMaxValuesPerFile) +
          " values; reading stopped",
      "anchors (&) and aliases (*) that refer to each other multiply; write the values out");
  return false;
}

std::optional<YAML::Node> YamlFile::Parse(std::string_view text) {
  try {
    std::string owned(text);
    // A first pass over the parser events, at most two documents: it finds a second
    // document, and a ',' where a document's root should start. yaml-cpp 0.7 never consumes
    // such a ',' — LoadAll() then loops making empty documents until memory runs out, and
    // Load() silently returns an empty document, ignoring the rest of the file.
    std::istringstream in(owned);
    YAML::Parser parser(in);
    DocumentScan scan;
    int documents = 0;
    while (documents < 2 && parser.HandleNextDocument(scan)) {
      ++documents;
      if (scan.only_null && scan.first.pos >= 0 &&
          static_cast<std::size_t>(scan.first.pos) < owned.size() &&
          owned[static_cast<std::size_t>(scan.first.pos)] == ',') {
        Error(At(scan.first), "", "YAML syntax error: unexpected ','",
              "a ',' separates items only inside [ ] or { }");
        return std::nullopt;
      }
      if (documents == 2) {
        Error(At(scan.first), "",
              "this file holds more than one YAML document (a '---' line in the middle)",
              "pmbridge reads one document per file: remove the '---' line, or move the second "
              "part to a file of its own");
        return std::nullopt;
      }
    }
    if (documents == 0) return YAML::Node();
    return YAML::Load(owned);
  } catch (const YAML::ParserException& e) {
    Error(At(e.mark), "", "YAML syntax error: " + e.msg, SyntaxHint(text, e.mark));
  } catch (const YAML::Exception& e) {
    Error(At(e.mark), "", "YAML error: " + e.msg);
  } catch (const std::exception& e) {
    Error(Start(), "", std::string("cannot parse the file: ") + e.what());
  }
  return std::nullopt;
}

std::string ChildPath(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out = parent;
  out += '.';
  out += key;
  return out;
}

std::string DescribeNode(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar: {
      constexpr std::size_t kMax = 40;
      std::string s = node.Scalar();
      if (s.size() > kMax) s = s.substr(0, kMax) + "...";
      return IsPlainScalar(node) ? "`" + s + "`" : "the quoted string \"" + s + "\"";
    }
    default:
      return "nothing";
  }
}

bool IsPlainScalar(const YAML::Node& node) { return node.IsScalar() && node.Tag() == "?"; }

YamlMap::YamlMap(YamlFile& file, const YamlValue& value, const std::vector<std::string>& known_keys,
                 bool any_key)
    : file_(file), value_(value) {
  if (!value.node.IsMap()) {
    std::string where = value.path.empty() ? std::string("the file") : "`" + value.path + "`";
    if (value.IsNull()) {
      file.Error(value.where, value.path, where + " is empty; expected a map of keys");
    } else {
      file.Error(value.where, value.path, "expected a map of keys, got " + DescribeNode(value.node),
                 value.node.IsScalar() ? "put the keys on the following lines, indented" : "");
    }
    return;
  }
  if (!file.Visit(value.node.size())) return;
  ok_ = true;
  std::map<std::string, SourceLocation, std::less<>> seen;
  for (auto it = value.node.begin(); it != value.node.end(); ++it) {
    // Copies: yaml-cpp's iterator hands out a temporary proxy, and a reference into it
    // dangles at the end of the statement.
    YAML::Node key = it->first;
    YAML::Node val = it->second;
    SourceLocation key_where = file.At(key.Mark());
    if (key_where.line == 0) key_where = value.where;
    if (!key.IsScalar()) {
      file.Error(key_where, value.path, "a key must be a plain name, got " + DescribeNode(key));
      continue;
    }
    const std::string& name = key.Scalar();
    std::string path = ChildPath(value.path, name);
    auto [previous, inserted] = seen.emplace(name, key_where);
    if (!inserted) {
      file.Error(
          key_where, path,
          "`" + name + "` is set twice in this map; the first is at " + previous->second.ToString(),
          "YAML would silently keep one of them: delete the one you do not mean");
      continue;
    }
    if (!any_key && std::find(known_keys.begin(), known_keys.end(), name) == known_keys.end()) {
      std::optional<std::string> close = ClosestName(name, known_keys);
      std::string hint = close ? "did you mean `" + *close + "`?"
                               : "the keys allowed here are: " + JoinNames(known_keys);
      // `{dn: cn=a,ou=b}`: inside braces a ',' separates keys, so a DN's RDNs become keys.
      if (name.find('=') != std::string::npos) {
        hint =
            "inside { } a ',' separates keys: quote a DN written there, e.g. {dn: "
            "\"cn=a,ou=groups,dc=example\"}";
      }
      file.Error(key_where, path, "unknown key `" + name + "`", hint);
      continue;
    }
    SourceLocation value_where = file.At(val.Mark());
    if (val.IsNull() || value_where.line == 0) value_where = key_where;
    fields_.push_back(
        YamlField{name, key_where, YamlValue{val, std::move(path), value_where, key_where}});
  }
}

const YamlField* YamlMap::Find(std::string_view key) const {
  for (const YamlField& field : fields_) {
    if (field.key == key) return &field;
  }
  return nullptr;
}

const YamlField* YamlMap::Require(std::string_view key, const std::string& hint) {
  const YamlField* field = Find(key);
  if (field == nullptr && ok_) {
    std::string where = value_.path.empty() ? std::string("the file") : "`" + value_.path + "`";
    file_.Error(value_.owner, ChildPath(value_.path, key),
                "missing required key `" + std::string(key) + "` in " + where, hint);
  }
  return field;
}

std::optional<std::string> ReadString(YamlFile& file, const YamlValue& value) {
  if (value.node.IsScalar()) return value.node.Scalar();
  file.Error(value.where, value.path, "expected a string, got " + DescribeNode(value.node));
  return std::nullopt;
}

std::optional<std::string> ReadNonEmptyString(YamlFile& file, const YamlValue& value) {
  std::optional<std::string> s = ReadString(file, value);
  if (s && s->empty()) {
    file.Error(value.where, value.path, "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> ReadInt(YamlFile& file, const YamlValue& value, std::int64_t min,
                                    std::int64_t max) {
  std::string range = std::to_string(min) + " to " + std::to_string(max);
  if (!value.node.IsScalar()) {
    file.Error(value.where, value.path,
               "expected a whole number (" + range + "), got " + DescribeNode(value.node));
    return std::nullopt;
  }
  const std::string& text = value.node.Scalar();
  std::int64_t n = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, n);
  bool numeric = !text.empty() && ec != std::errc::invalid_argument && ptr == end;
  if (!numeric || (!IsPlainScalar(value.node) && value.node.Tag() != "tag:yaml.org,2002:int")) {
    file.Error(value.where, value.path,
               "expected a whole number (" + range + "), got " + DescribeNode(value.node),
               numeric ? "remove the quotes" : "");
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range || n < min || n > max) {
    file.Error(value.where, value.path, "`" + text + "` is out of range; allowed: " + range);
    return std::nullopt;
  }
  return n;
}

std::optional<bool> ReadBool(YamlFile& file, const YamlValue& value) {
  static constexpr std::string_view kTrue[] = {"true", "True", "TRUE", "yes", "Yes",
                                               "YES",  "on",   "On",   "ON"};
  static constexpr std::string_view kFalse[] = {"false", "False", "FALSE", "no", "No",
                                                "NO",    "off",   "Off",   "OFF"};
  if (value.node.IsScalar() &&
      (IsPlainScalar(value.node) || value.node.Tag() == "tag:yaml.org,2002:bool")) {
    const std::string& text = value.node.Scalar();
    for (std::string_view t : kTrue) {
      if (text == t) return true;
    }
    for (std::string_view f : kFalse) {
      if (text == f) return false;
    }
  }
  file.Error(value.where, value.path, "expected true or false, got " + DescribeNode(value.node),
             value.node.IsScalar() && !IsPlainScalar(value.node) ? "remove the quotes" : "");
  return std::nullopt;
}

std::optional<std::vector<YamlValue>> ReadList(YamlFile& file, const YamlValue& value) {
  if (!value.node.IsSequence()) {
    file.Error(value.where, value.path, "expected a list, got " + DescribeNode(value.node),
               value.node.IsScalar() ? "write a list as [a, b] or as '- a' lines" : "");
    return std::nullopt;
  }
  if (!file.Visit(value.node.size())) return std::nullopt;
  std::vector<YamlValue> items;
  std::size_t index = 0;
  for (auto it = value.node.begin(); it != value.node.end(); ++it, ++index) {
    YAML::Node item = *it;
    SourceLocation where = file.At(item.Mark());
    if (where.line == 0) where = value.where;
    items.push_back(YamlValue{item, value.path + "[" + std::to_string(index) + "]", where, where});
  }
  return items;
}

Diagnostics SortedByLocation(const Diagnostics& diagnostics) {
  std::vector<Diagnostic> items = diagnostics.items();
  std::stable_sort(items.begin(), items.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.where.file != b.where.file) return a.where.file < b.where.file;
    if (a.where.line != b.where.line) return a.where.line < b.where.line;
    return a.where.column < b.where.column;
  });
  Diagnostics sorted;
  for (Diagnostic& d : items) {
    if (d.severity == Diagnostic::Severity::kError) {
      sorted.Error(std::move(d.where), std::move(d.yaml_path), std::move(d.message),
                   std::move(d.hint));
    } else {
      sorted.Warning(std::move(d.where), std::move(d.yaml_path), std::move(d.message),
                     std::move(d.hint));
    }
  }
  return sorted;
}

}  // namespace pmbridge
