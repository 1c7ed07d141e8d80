// The bulk path (COPY on PostgreSQL, reused statements on SQLite) at 20k accounts: every
// row lands, and bulk edits (updates with one rename, disables) land on the right rows.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bridge/pm_database.h"
#include "tests/integration/database/database_test_support.h"

namespace pmbridge::testing {
namespace {

using BulkApplyTest = DatabaseTest;

constexpr int kUsers = 20000;

AccountFields Member(int i) {
  AccountFields f;
  f.login = "user" + std::to_string(i);
  f.first_name = "First" + std::to_string(i);
  f.last_name = i % 7 == 0 ? "" : "Last\t" + std::to_string(i);
  f.middle_initial = i % 3 == 0 ? "Q" : "";
  f.email = f.login + "@clinic.example";
  f.super_user = i % 1000 == 0;
  f.rights.Grant("patients", kView | kEdit);
  f.rights.Grant("scheduling", kView);
  f.rights.Grant(i % 2 == 0 ? "charges" : "reports", kView | kDelete);
  if (i % 2 == 0) {
    f.providers = ProviderScope::Selected({"DRSMITH", "DRJONES"});
  } else {
    f.providers = ProviderScope::All();
  }
  return f;
}

TEST_P(BulkApplyTest, TwentyThousandCreatesThenBulkEditsRoundTrip) {
  InitializeClinic();
  std::vector<Change> creates;
  for (int i = 0; i < kUsers; ++i) {
    creates.push_back(CreateChange(Member(i), "anchor-" + std::to_string(i),
                                   "uid=user" + std::to_string(i) + ",ou=people"));
  }
  ApplyAndCommit(PlanOf(creates), Context());

  CurrentState state = Load();
  ASSERT_EQ(state.accounts.size(), static_cast<std::size_t>(kUsers));
  EXPECT_EQ(state.links.size(), static_cast<std::size_t>(kUsers));
  EXPECT_EQ(Count("pm_user_rights"), 3LL * kUsers);
  EXPECT_EQ(Count("pm_user_providers"), kUsers);  // two each for the even half
  EXPECT_EQ(Count("pmbridge_audit"), kUsers);
  for (int i : {0, 1, 7, 999, 1000, 12345, kUsers - 1}) {
    const PmAccount* account = FindAccount(state, "user" + std::to_string(i));
    ASSERT_NE(account, nullptr) << i;
    EXPECT_EQ(account->fields, Member(i)) << i;
    const AccountLink* link = FindLink(state, account->user_id);
    ASSERT_NE(link, nullptr);
    EXPECT_EQ(link->anchor, "anchor-" + std::to_string(i));
  }
  Result<AuditChainCheck> check = db_->VerifyAuditChain();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->rows, kUsers);
  EXPECT_TRUE(check->intact);

  // Second plan: 5000 updates (one a rename), then 5000 disables, in bulk batches.
  std::vector<Change> edits;
  for (int i = 0; i < 5000; ++i) {
    const PmAccount& a = *FindAccount(state, "user" + std::to_string(i));
    AccountFields after = a.fields;
    after.rights.Grant("payments", kView);
    after.providers = ProviderScope::Selected({"DRPATEL"});
    after.email = "new-" + after.email;
    if (i == 42) after.login = "renamed42";
    edits.push_back(UpdateChange(a.user_id, a.fields, after, "anchor-" + std::to_string(i),
                                 "uid=" + after.login + ",ou=moved"));
  }
  for (int i = 10000; i < 15000; ++i) {
    const PmAccount& a = *FindAccount(state, "user" + std::to_string(i));
    edits.push_back(DisableChange(a.user_id, a.fields, "anchor-" + std::to_string(i),
                                  "reason " + std::to_string(i % 3)));
  }
  ApplyAndCommit(PlanOf(edits), Context(60));

  CurrentState after = Load();
  ASSERT_EQ(after.accounts.size(), static_cast<std::size_t>(kUsers));
  for (int i : {0, 42, 4999, 5000, 10000, 14999, 15000}) {
    const std::string login = i == 42 ? "renamed42" : "user" + std::to_string(i);
    const PmAccount* account = FindAccount(after, login);
    ASSERT_NE(account, nullptr) << login;
    EXPECT_EQ(account->user_id, FindAccount(state, "user" + std::to_string(i))->user_id);
    AccountFields expected = Member(i);
    if (i < 5000) {
      expected.login = login;
      expected.rights.Grant("payments", kView);
      expected.providers = ProviderScope::Selected({"DRPATEL"});
      expected.email = "new-" + expected.email;
      EXPECT_EQ(FindLink(after, account->user_id)->dn, "uid=" + login + ",ou=moved");
    } else if (i >= 10000 && i < 15000) {
      expected.active = false;
      expected.super_user = false;
      expected.rights = RightSet();
      expected.providers = ProviderScope();
      EXPECT_EQ(account->disabled_reason, "reason " + std::to_string(i % 3));
    }
    EXPECT_EQ(account->fields, expected) << login;
  }
  // Rights: 15000 untouched-or-disabled accounts keep 3 rows except the 5000 disabled (0);
  // the 5000 updated have 4.
  EXPECT_EQ(Count("pm_user_rights"), 3LL * 10000 + 4LL * 5000);
  // Providers: updated 5000 x 1 (DRPATEL); untouched even ones in 5000..9999 and
  // 15000..19999 keep 2 each.
  EXPECT_EQ(Count("pm_user_providers"), 5000 + 2LL * (2500 + 2500));
  EXPECT_EQ(Count("pmbridge_audit"), kUsers + 10000);
  EXPECT_TRUE(db_->VerifyAuditChain()->intact);
}

INSTANTIATE_TEST_SUITE_P(Backends, BulkApplyTest, ::testing::ValuesIn(Backends()), BackendName);

}  // namespace
}  // namespace pmbridge::testing
