#include "connectors/directory/root_dse.h"

#include <charconv>
#include <optional>
#include <span>
#include <string_view>

#include "connectors/directory/anchor.h"
#include "connectors/directory/attribute_description.h"
#include "connectors/directory/paged_search.h"

namespace pmbridge {
namespace {

// The single value of `values`, or nullopt when there is not exactly one.
std::optional<std::string> OnlyValue(std::span<const berval> values) {
  if (values.size() != 1) return std::nullopt;
  return std::string(View(values[0]));
}

}  // namespace

Result<std::string> ReadDefaultNamingContext(LdapConnection& connection) {
  constexpr char kAttribute[] = "defaultNamingContext";
  SearchRequest request;
  request.base = "";
  request.scope = LDAP_SCOPE_BASE;
  request.attributes = {kAttribute};
  std::string naming_context;
  PMB_RETURN_IF_ERROR(PagedSearch(connection, request, [&](LdapEntry& entry) -> Status {
    return entry.ForEachAttribute(
        [&](std::string_view description, std::span<const berval> values) -> Status {
          if (SameAttribute(description, kAttribute) && !values.empty()) {
            naming_context = std::string(View(values[0]));
          }
          return Status::Ok();
        });
  }));
  if (naming_context.empty()) {
    return Status::Directory("the root DSE of " + connection.url() +
                             " has no defaultNamingContext: the server is not an Active "
                             "Directory domain controller (flavor: active_directory)");
  }
  return naming_context;
}

Result<RootDse> ReadRootDse(LdapConnection& connection) {
  SearchRequest request;
  request.base = "";
  request.scope = LDAP_SCOPE_BASE;
  request.attributes = {"defaultNamingContext", "dsServiceName", "highestCommittedUSN"};
  std::optional<std::string> naming_context;
  std::optional<std::string> service_name;
  std::optional<std::string> usn_text;
  Status status = PagedSearch(connection, request, [&](LdapEntry& entry) -> Status {
    return entry.ForEachAttribute(
        [&](std::string_view description, std::span<const berval> values) -> Status {
          if (SameAttribute(description, "defaultNamingContext")) {
            naming_context = OnlyValue(values);
          } else if (SameAttribute(description, "dsServiceName")) {
            service_name = OnlyValue(values);
          } else if (SameAttribute(description, "highestCommittedUSN")) {
            usn_text = OnlyValue(values);
          }
          return Status::Ok();
        });
  });
  PMB_RETURN_IF_ERROR(status);
  const std::string where = "the root DSE of " + connection.url();
  if (!naming_context || naming_context->empty() || !service_name || service_name->empty() ||
      !usn_text) {
    return Status::Directory(where +
                             " lacks defaultNamingContext, dsServiceName or highestCommittedUSN "
                             "(one value each): is this an Active Directory domain controller?");
  }
  RootDse root;
  const char* end = usn_text->data() + usn_text->size();
  auto [ptr, ec] = std::from_chars(usn_text->data(), end, root.highest_committed_usn);
  if (usn_text->empty() || ec != std::errc() || ptr != end) {
    return Status::Directory(where + " gives highestCommittedUSN '" + *usn_text +
                             "', not a decimal number");
  }
  root.default_naming_context = std::move(*naming_context);
  root.ds_service_name = std::move(*service_name);
  return root;
}

Result<std::string> ReadInvocationId(LdapConnection& connection,
                                     const std::string& ds_service_name) {
  SearchRequest request;
  request.base = ds_service_name;
  request.scope = LDAP_SCOPE_BASE;
  request.attributes = {"invocationId"};
  std::optional<std::string> bytes;
  Status status = PagedSearch(connection, request, [&](LdapEntry& entry) -> Status {
    return entry.ForEachAttribute(
        [&](std::string_view description, std::span<const berval> values) -> Status {
          if (SameAttribute(description, "invocationId")) bytes = OnlyValue(values);
          return Status::Ok();
        });
  });
  PMB_RETURN_IF_ERROR(status);
  if (!bytes) {
    return Status::Directory(ds_service_name + " at " + connection.url() +
                             " has no single invocationId value");
  }
  Result<std::string> text = FormatObjectGuid(*bytes);
  if (!text.ok()) {
    return Status::Directory("the invocationId of " + ds_service_name + " at " + connection.url() +
                             " is not a GUID");
  }
  return text;
}

}  // namespace pmbridge
