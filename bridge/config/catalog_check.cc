// The mapping against what the PM database holds: modules and provider codes must exist
// there, or a right or a provider scope would silently grant nothing.
#include <vector>

#include "bridge/config/closest_name.h"
#include "bridge/config/mapping.h"
#include "bridge/pm_state.h"

namespace pmbridge {
namespace {

std::string KnownHint(const std::vector<std::string>& known, const std::string& wrong,
                      const char* what, const char* none) {
  if (known.empty()) return none;
  std::optional<std::string> close = ClosestName(wrong, known);
  return (close ? "did you mean `" + *close + "`? " : std::string()) + "the PM database has " +
         what + ": " + JoinNames(known);
}

}  // namespace

Diagnostics CheckMappingAgainstCatalog(const Mapping& mapping, const Catalog& catalog) {
  Diagnostics diagnostics;
  std::vector<std::string> modules(catalog.modules.begin(), catalog.modules.end());
  std::vector<std::string> providers;
  for (const auto& [code, id] : catalog.providers) providers.push_back(code);

  for (const auto& [name, role] : mapping.roles) {
    for (const auto& [module, mask] : role.rights.modules()) {
      if (catalog.modules.count(module) != 0) continue;
      auto at = role.module_where.find(module);
      diagnostics.Error(at != role.module_where.end() ? at->second : role.where,
                        "roles." + name + ".rights." + module,
                        "module `" + module + "` does not exist in the PM database",
                        KnownHint(modules, module, "modules",
                                  "the PM database lists no modules; has `pmbridge db init` run?"));
    }
  }
  for (const GroupRule& rule : mapping.groups) {
    if (rule.providers.all()) continue;
    for (std::string_view view : rule.providers.codes()) {
      const std::string code(view);
      if (catalog.providers.count(code) != 0) continue;
      auto at = rule.provider_where.find(code);
      diagnostics.Error(at != rule.provider_where.end() ? at->second : rule.where, "providers",
                        "provider `" + code + "` (group `" + rule.dn_as_written +
                            "`) does not exist in the PM database",
                        KnownHint(providers, code, "providers",
                                  "the PM database lists no providers yet; add them in the PM "
                                  "product first"));
    }
  }
  return diagnostics;
}

}  // namespace pmbridge
