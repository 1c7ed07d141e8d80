#include "connectors/directory/bind_policy.h"

#include <arpa/inet.h>
#include <ldap.h>
#include <netinet/in.h>

#include <memory>
#include <string>
#include <vector>

#include "connectors/directory/ascii.h"

namespace pmbridge {
namespace {

struct UrlDescDeleter {
  void operator()(LDAPURLDesc* desc) const { ldap_free_urldesc(desc); }
};

// libldap accepts a list of URLs separated by spaces or commas, tried in order.
std::vector<std::string> SplitUrlList(std::string_view urls) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < urls.size()) {
    std::size_t end = urls.find_first_of(" ,\t", start);
    if (end == std::string_view::npos) end = urls.size();
    if (end > start) out.emplace_back(urls.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  if (EqualsIgnoreAsciiCase(host, "localhost") || EqualsIgnoreAsciiCase(host, "localhost.")) {
    return true;
  }
  const std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6) != 0;
  }
  return false;
}

Status CheckBindPolicy(const DirectoryConfig& config, bool has_password) {
  if (!config.bind_dn.empty() && !has_password) {
    return Status::InvalidInput(
        "bind_dn " + config.bind_dn +
        " is set but the bind password is empty; servers treat such a bind as anonymous, "
        "which would read as an empty directory. Set the password, or remove bind_dn for an "
        "anonymous bind");
  }
  const std::vector<std::string> urls = SplitUrlList(config.url);
  if (urls.empty()) return Status::InvalidInput("the directory URL is empty");
  for (const std::string& url : urls) {
    LDAPURLDesc* raw = nullptr;
    if (ldap_url_parse(url.c_str(), &raw) != LDAP_URL_SUCCESS) {
      return Status::InvalidInput("malformed directory URL '" + url +
                                  "'; expected ldap://host:port or ldaps://host:port");
    }
    std::unique_ptr<LDAPURLDesc, UrlDescDeleter> desc(raw);
    const std::string scheme = desc->lud_scheme != nullptr ? desc->lud_scheme : "";
    const std::string host = desc->lud_host != nullptr ? desc->lud_host : "";
    if (EqualsIgnoreAsciiCase(scheme, "ldaps")) {
      if (config.start_tls) {
        return Status::InvalidInput("start_tls is set for " + url +
                                    ", which is already TLS (ldaps://); remove start_tls");
      }
      continue;
    }
    if (EqualsIgnoreAsciiCase(scheme, "ldapi")) continue;  // a local socket
    if (config.start_tls || !has_password || config.allow_insecure_bind) continue;
    if (!IsLoopbackHost(host)) {
      return Status::InvalidInput(
          "refusing a plaintext simple bind to " + url + ": the password of " + config.bind_dn +
          " would cross the network unencrypted. Use ldaps://, or start_tls: true, or set "
          "allow_insecure_bind: true if this network is trusted");
    }
  }
  return Status::Ok();
}

}  // namespace pmbridge
