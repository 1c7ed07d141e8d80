#include "bridge/assessment.h"

#include "bridge/planner.h"
#include "bridge/resolver.h"

namespace pmbridge {

namespace {

Status CheckCatalog(const Mapping& mapping, const Catalog& catalog) {
  Diagnostics catalog_errors = CheckMappingAgainstCatalog(mapping, catalog);
  if (catalog_errors.has_errors()) {
    return Status::InvalidInput("the mappings do not match the PM database:\n" +
                                catalog_errors.ToString());
  }
  return Status::Ok();
}

}  // namespace

ResolveOptions ResolveOptionsOf(const Config& config) {
  ResolveOptions resolve;
  resolve.nested_groups = config.directory.groups.nested;
  resolve.login_attribute = config.directory.users.attributes.login;
  return resolve;
}

Result<Assessment> ResolveAgainst(const Config& config, const Mapping& mapping,
                                  DirectorySnapshot snapshot, const Catalog& catalog) {
  PMB_RETURN_IF_ERROR(CheckCatalog(mapping, catalog));
  Assessment a;
  a.snapshot = std::move(snapshot);
  // The groups are needed for nothing else (the desired state points at the users only).
  a.desired = ResolveTakingGroups(a.snapshot, mapping, catalog, ResolveOptionsOf(config));
  return a;
}

Result<Assessment> ResolveAgainst(const Config& config, const Mapping& mapping,
                                  DirectorySnapshot snapshot, IndexedGroups groups,
                                  const Catalog& catalog, ResolveAlongRead* along) {
  PMB_RETURN_IF_ERROR(CheckCatalog(mapping, catalog));
  Assessment a;
  a.snapshot = std::move(snapshot);
  a.desired = ResolveIndexedGroups(a.snapshot, std::move(groups), mapping, catalog,
                                   ResolveOptionsOf(config), along);
  return a;
}

void PlanAgainst(const Config& config, const Mapping& mapping, const CurrentState& current,
                 Assessment& a, DesiredAfterPlan desired_after) {
  PlanOptions plan_options;
  plan_options.users_base_dn = config.directory.users.base_dn;
  a.plan = desired_after == DesiredAfterPlan::kGiveUp
               ? MakePlan(current, std::move(a.desired), mapping.policy, plan_options)
               : MakePlan(current, a.desired, mapping.policy, plan_options);
  a.verdict = CheckSafety(a.plan, current, a.snapshot.users.size(), config.safety, mapping.policy);
}

Result<Assessment> Assess(const Config& config, const Mapping& mapping, DirectorySnapshot snapshot,
                          const CurrentState& current) {
  Result<Assessment> a = ResolveAgainst(config, mapping, std::move(snapshot), current.catalog);
  if (!a.ok()) return a.status();
  PlanAgainst(config, mapping, current, *a);
  return a;
}

}  // namespace pmbridge
