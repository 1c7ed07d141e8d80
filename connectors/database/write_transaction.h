// The write transaction of a SociPmDatabase: opened under the bridge's write lock by
// BeginWrite(); rolled back by the destructor unless committed. After any failure it
// refuses further work and Commit() rolls back instead.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bridge/pm_database.h"
#include "connectors/database/soci_pm_database.h"

namespace pmbridge {

class SociWriteTransaction final : public PmWriteTransaction {
 public:
  // `database` has just begun the locked transaction.
  explicit SociWriteTransaction(SociPmDatabase& database) : db_(database) {}
  ~SociWriteTransaction() override;
  SociWriteTransaction(const SociWriteTransaction&) = delete;
  SociWriteTransaction& operator=(const SociWriteTransaction&) = delete;

  Result<CurrentState> LoadCurrentState() override;
  Result<std::string> CommitVersion() override;
  Result<Catalog> LoadCatalog() override;
  Result<CurrentState> LoadPeople(const std::vector<std::string>& anchors,
                                  const std::vector<std::string>& folded_logins) override;
  Result<ManagedCounts> CountManaged() override;
  Status Apply(const Plan& plan, const AuditContext& context) override;
  Status PutState(const std::string& name, const std::string& value) override;
  Status Commit() override;

 private:
  enum class Phase { kOpen, kFailed, kCommitted, kRolledBack };

  // Runs `body` (returning Status) if the transaction is still open; any failure, thrown
  // or returned, leaves it kFailed.
  template <typename F>
  Status Step(std::string_view what, F&& body);
  // A Step that reads: `read(session, backend)` returns the value.
  template <typename T, typename Read>
  Result<T> ReadStep(std::string_view what, Read read);
  void Rollback();

  SociPmDatabase& db_;
  Phase phase_ = Phase::kOpen;
};

}  // namespace pmbridge
