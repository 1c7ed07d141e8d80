#include "connectors/database/plan_writer.h"

#include <future>
#include <set>
#include <string>
#include <vector>

#include "bridge/clock.h"
#include "connectors/database/audit_detail.h"
#include "connectors/database/row_batch.h"

namespace pmbridge {
namespace {

std::string Quoted(const std::string& text) { return "'" + text + "'"; }

Status CheckChange(const Change& change, const Catalog& catalog) {
  const std::string who = "login " + Quoted(change.login);
  if (change.action != ChangeAction::kCreate && !change.user_id) {
    return Status::Internal(std::string(ChangeActionName(change.action)) + " of " + who +
                            " names no user_id");
  }
  if (change.action == ChangeAction::kDisable) return Status::Ok();  // access is removed
  if (change.after.login.empty()) {
    return Status::Internal(std::string(ChangeActionName(change.action)) +
                            " with an empty login (anchor " + Quoted(change.anchor) + ")");
  }
  if (!change.after.providers.all()) {
    for (std::string_view code : change.after.providers.codes()) {
      if (catalog.providers.count(code) == 0) {
        return Status::Database("unknown provider code " + Quoted(std::string(code)) + " for " +
                                who + ": pm_providers has no such code");
      }
    }
  }
  for (const auto& [module, mask] : change.after.rights.modules()) {
    if (catalog.modules.count(module) == 0) {
      return Status::Database("unknown module " + Quoted(module) + " for " + who +
                              ": pm_modules has no such code");
    }
  }
  return Status::Ok();
}

bool RenamesLogin(const Change& change) {
  if (change.action != ChangeAction::kUpdate && change.action != ChangeAction::kEnable) {
    return false;
  }
  return !change.before || change.before->login != change.after.login;
}

UserRow ToUserRow(std::int64_t user_id, const AccountFields& f) {
  return UserRow{user_id, f.login,      f.last_name,       f.first_name,     f.middle_initial,
                 f.email, f.super_user, f.access_security, f.providers.all()};
}

// Where the plan splits into batches: [begin, end) ranges of plan.changes, at most `limit`
// changes each, cut wherever grouping by table could differ from plan order (see the
// header).
struct ChangeRange {
  std::size_t begin = 0;
  std::size_t end = 0;
};

std::vector<ChangeRange> SplitIntoBatches(const Plan& plan, std::size_t limit) {
  std::vector<ChangeRange> ranges;
  ChangeRange current;
  bool has_edits = false;
  bool has_rename = false;
  std::set<std::int64_t> edited_users;
  for (std::size_t i = 0; i < plan.changes.size(); ++i) {
    const Change& change = plan.changes[i];
    const bool create = change.action == ChangeAction::kCreate;
    const bool cut = current.end > current.begin &&
                     (current.end - current.begin >= limit || (create && has_edits) ||
                      (!create && RenamesLogin(change) && has_rename) ||
                      (!create && edited_users.count(*change.user_id) > 0));
    if (cut) {
      ranges.push_back(current);
      current = {i, i};
      has_edits = has_rename = false;
      edited_users.clear();
    }
    if (!create) {
      has_edits = true;
      has_rename = has_rename || RenamesLogin(change);
      edited_users.insert(*change.user_id);
    }
    current.end = i + 1;
  }
  if (current.end > current.begin) ranges.push_back(current);
  return ranges;
}

// Turns consecutive ranges of changes into RowBatches, carrying the audit chain and the
// reserved user ids from one batch to the next. Build() must be called in range order.
class BatchBuilder {
 public:
  BatchBuilder(const Plan& plan, const Catalog& catalog, AuditTip tip, const AuditContext& context,
               std::vector<std::int64_t> new_user_ids)
      : plan_(plan),
        catalog_(catalog),
        tip_(std::move(tip)),
        context_(context),
        now_(FormatTimestamp(context.now)),
        new_user_ids_(std::move(new_user_ids)) {}

  RowBatch Build(ChangeRange range) {
    RowBatch batch;
    batch.now = now_;
    for (std::size_t i = range.begin; i < range.end; ++i) Add(plan_.changes[i], batch);
    return batch;
  }

 private:
  void Add(const Change& change, RowBatch& batch) {
    const AccountFields& after = change.after;
    switch (change.action) {
      case ChangeAction::kCreate: {
        const std::int64_t id = new_user_ids_.at(next_new_id_++);
        batch.new_users.push_back(ToUserRow(id, after));
        AddRights(id, after, batch);
        AddProviders(id, after, batch);
        batch.new_links.push_back({id, change.anchor, change.dn});
        break;
      }
      case ChangeAction::kUpdate:
      case ChangeAction::kEnable: {
        const std::int64_t id = *change.user_id;
        UserEdit edit =
            change.action == ChangeAction::kEnable ? UserEdit::kEnable : UserEdit::kUpdate;
        batch.edits.push_back({edit, ToUserRow(id, after), {}, change.dn});
        if (!change.before || change.before->rights != after.rights) {
          batch.replaced_rights.push_back(id);
          AddRights(id, after, batch);
        }
        if (!change.before || change.before->providers != after.providers) {
          batch.replaced_providers.push_back(id);
          AddProviders(id, after, batch);
        }
        break;
      }
      case ChangeAction::kDisable: {
        const std::int64_t id = *change.user_id;
        UserEditRow row;
        row.edit = UserEdit::kDisable;
        row.user.user_id = id;
        row.disabled_reason = change.disabled_reason;
        batch.edits.push_back(std::move(row));
        batch.replaced_rights.push_back(id);
        batch.replaced_providers.push_back(id);
        break;
      }
    }
    AddAudit(change, batch);
  }

  void AddRights(std::int64_t user_id, const AccountFields& f, RowBatch& batch) {
    for (const auto& [module, mask] : f.rights.modules()) {
      batch.rights.push_back({user_id, module, mask});
    }
  }

  void AddProviders(std::int64_t user_id, const AccountFields& f, RowBatch& batch) {
    if (f.providers.all()) return;  // all_providers = 1 stands for every provider
    for (std::string_view code : f.providers.codes()) {
      batch.providers.push_back({user_id, catalog_.providers.find(code)->second});
    }
  }

  void AddAudit(const Change& change, RowBatch& batch) {
    AuditRow row;
    row.seq = ++tip_.seq;
    row.at = now_;
    row.actor = context_.actor;
    row.action = ChangeActionName(change.action);
    row.login_id = change.login;
    row.detail = AuditDetailJson(change, context_);
    row.prev_hash = tip_.hash;
    row.hash = AuditRowHash(row);
    tip_.hash = row.hash;
    batch.audit.push_back(std::move(row));
  }

  const Plan& plan_;
  const Catalog& catalog_;
  AuditTip tip_;
  const AuditContext& context_;
  const std::string now_;
  const std::vector<std::int64_t> new_user_ids_;
  std::size_t next_new_id_ = 0;
};

}  // namespace

Status WritePlan(RowStore& store, const Catalog& catalog, AuditTip tip, const Plan& plan,
                 const AuditContext& context, const AfterChangeHook& hook) {
  std::size_t creates = 0;
  for (const Change& change : plan.changes) {
    PMB_RETURN_IF_ERROR(CheckChange(change, catalog));
    if (change.action == ChangeAction::kCreate) ++creates;
  }
  const bool bulk = plan.changes.size() >= kRowByRowBelow;
  const std::vector<ChangeRange> ranges = SplitIntoBatches(plan, bulk ? kBatchChanges : 1);
  BatchBuilder builder(plan, catalog, std::move(tip), context, store.ReserveUserIds(creates));

  std::size_t written = 0;  // changes whose rows the store has
  auto write = [&](const RowBatch& batch, ChangeRange range) {
    store.Write(batch);
    for (std::size_t i = range.begin; i < range.end; ++i) {
      ++written;
      if (hook) hook(written);
    }
  };
  if (!bulk) {
    for (ChangeRange range : ranges) write(builder.Build(range), range);
    return Status::Ok();
  }
  // The bulk path builds batch k + 1 (audit JSON, hashes: CPU) on a second thread while
  // batch k is written (SQLite I/O, or PostgreSQL checking foreign keys during COPY). Only
  // that thread touches `builder`; `next` is declared after it so it is joined first.
  std::future<RowBatch> next =
      std::async(std::launch::async, [&builder, &ranges] { return builder.Build(ranges[0]); });
  for (std::size_t k = 0; k < ranges.size(); ++k) {
    RowBatch batch = next.get();
    if (k + 1 < ranges.size()) {
      next = std::async(std::launch::async,
                        [&builder, &ranges, k] { return builder.Build(ranges[k + 1]); });
    }
    write(batch, ranges[k]);
  }
  return Status::Ok();
}

}  // namespace pmbridge
