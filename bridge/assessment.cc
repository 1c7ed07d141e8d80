#include "bridge/assessment.h"

#include "bridge/planner.h"
#include "bridge/resolver.h"

namespace pmbridge {

Result<Assessment> Assess(const Config& config, const Mapping& mapping,
                          const DirectorySnapshot& snapshot, const CurrentState& current) {
  Diagnostics catalog_errors = CheckMappingAgainstCatalog(mapping, current.catalog);
  if (catalog_errors.has_errors()) {
    return Status::InvalidInput("the mappings do not match the PM database:\n" +
                                catalog_errors.ToString());
  }
  Assessment a;
  ResolveOptions resolve;
  resolve.nested_groups = config.directory.groups.nested;
  resolve.login_attribute = config.directory.users.attributes.login;
  a.desired = Resolve(snapshot, mapping, current.catalog, resolve);
  PlanOptions plan_options;
  plan_options.users_base_dn = config.directory.users.base_dn;
  a.plan = MakePlan(current, a.desired, mapping.policy, plan_options);
  a.verdict = CheckSafety(a.plan, current, snapshot.users.size(), config.safety, mapping.policy);
  return a;
}

}  // namespace pmbridge
