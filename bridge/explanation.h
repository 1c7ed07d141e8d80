// `explain LOGIN`: every right, provider and flag of one person, with the directory group
// and mapping rule (file:line) behind it, and what the PM database holds now.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bridge/assessment.h"
#include "bridge/config/mapping.h"
#include "bridge/pm_state.h"

namespace pmbridge {

struct Explanation {
  struct Source {
    std::string what;                  // "patients: view+edit", "provider DRSMITH", "super user"
    std::vector<Grant> grants;         // the grants that give it
    std::vector<std::string> details;  // per grant, what it gives when less than `what`
  };

  std::string login;
  std::string directory_dn;          // empty when the person is not in the directory
  std::string directory_status;      // "entitled", or why not
  std::optional<PmAccount> account;  // the PM row with this login or linked anchor
  bool managed = false;
  std::vector<Source> rights;
  std::vector<Source> providers;
  std::vector<Source> flags;
  std::vector<std::string> pending;  // what a reconcile would change for this person

  std::string ToString() const;
  std::string ToJson() const;
};

// nullopt when neither the directory nor the PM database knows `login`.
std::optional<Explanation> Explain(const std::string& login, const Assessment& assessment,
                                   const CurrentState& current, const Mapping& mapping);

}  // namespace pmbridge
