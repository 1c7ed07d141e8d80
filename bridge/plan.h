// Plan: the ordered changes a reconcile would make, each with its reasons, plus the
// conflicts it will not touch and warnings for a human. A value: the planner builds it
// without I/O, the applier commits it, `plan` prints it.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "bridge/optional_fields.h"
#include "bridge/pm_state.h"

namespace pmbridge {

enum class ChangeAction { kCreate, kUpdate, kDisable, kEnable };

// How a plan is told: before it is applied ("Would create bob") or after ("Created bob").
enum class PlanTense { kWould, kDone };

// "create", "update", "disable", "enable".
const char* ChangeActionName(ChangeAction action);

struct Change {
  ChangeAction action = ChangeAction::kCreate;
  std::string login;   // the login after the change (for a disable: the current one)
  std::string anchor;  // directory anchor of the person
  std::string dn;      // directory DN, normal form; empty when the entry is gone
  std::optional<std::int64_t> user_id;  // unset for a create
  std::vector<std::string> reasons;     // why, for a human and for the audit row
  OptionalFields before;                // unset for a create
  AccountFields after;
  std::string disabled_reason;  // for a disable: pm_users.disabled_reason
};

// A person the bridge will not touch until someone resolves the conflict.
struct Conflict {
  std::string login;
  std::string message;
  std::vector<std::string> dns;  // the directory entries involved
};

struct Plan {
  struct Summary {
    int create = 0;
    int update = 0;
    int disable = 0;
    int enable = 0;
    int unchanged = 0;
  };

  std::vector<Change> changes;  // creates, enables, updates, disables; each sorted by login
  std::vector<Conflict> conflicts;
  std::vector<std::string> warnings;
  int unchanged = 0;

  Summary summary() const;
  bool has_changes() const { return !changes.empty(); }

  // What an administrator reads: one "Would create ..." block per change (or "Created ..."
  // once applied) with its reasons and field differences, then conflicts, warnings and a
  // summary line. Stable: tests compare it. Write streams it change by change, so a plan
  // of 100,000 creates is never held as one text.
  void Write(std::ostream& out, PlanTense tense = PlanTense::kWould) const;
  std::string ToString(PlanTense tense = PlanTense::kWould) const;
  // The JSON form of DESIGN.md: {"summary", "changes", "conflicts", "warnings"}.
  std::string ToJson() const;
};

}  // namespace pmbridge
