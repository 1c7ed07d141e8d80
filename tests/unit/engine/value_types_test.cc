// RightSet, ProviderScope and OptionalFields: the small value types every account carries.
// Their storage is flat (sorted vectors, a heap pointer) for memory's sake; these tests pin
// the behaviour the rest of the bridge relies on.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/optional_fields.h"
#include "bridge/provider_scope.h"
#include "bridge/right_set.h"

namespace pmbridge {
namespace {

TEST(RightSetTest, GrantsStaySortedByModuleWithViewImplied) {
  RightSet r;
  r.Grant("scheduling", kDelete);
  r.Grant("charges", kEdit);
  r.Grant("patients", kView);
  r.Grant("charges", kDelete);
  EXPECT_EQ(r.ToString(), "charges:view+edit+delete patients:view scheduling:view+delete");
  EXPECT_EQ(r.Get("charges"), kAllRights);
  EXPECT_EQ(r.Get("reports"), 0);
  r.Grant("reports", 0);  // nothing granted: no entry
  EXPECT_EQ(r.modules().size(), 3u);
}

TEST(RightSetTest, MergeIsAUnionAndEqualityIgnoresOrderOfGrants) {
  RightSet a, b;
  a.Grant("patients", kEdit);
  a.Grant("reports", kView);
  b.Grant("reports", kView);
  b.Grant("patients", kEdit);
  EXPECT_EQ(a, b);
  RightSet c;
  c.Grant("charges", kView);
  c.Grant("patients", kDelete);
  a.Merge(c);
  EXPECT_EQ(a.ToString(), "charges:view patients:view+edit+delete reports:view");
  RightSet empty;
  empty.Merge(c);
  EXPECT_EQ(empty, c);
}

TEST(RightSetTest, CopiesShareUntilOneChanges) {
  RightSet a;
  a.Grant("patients", kEdit);
  RightSet b = a;
  EXPECT_EQ(&a.modules(), &b.modules());  // one list
  b.Grant("patients", kView);             // held already: still one list
  EXPECT_EQ(&a.modules(), &b.modules());
  b.Grant("charges", kView);
  EXPECT_NE(&a.modules(), &b.modules());
  EXPECT_EQ(a.ToString(), "patients:view+edit");  // the copy's change left `a` alone
  EXPECT_EQ(b.ToString(), "charges:view patients:view+edit");
  RightSet c;
  c.Merge(a);  // a union into nothing takes the list as it is
  EXPECT_EQ(&c.modules(), &a.modules());
  c.Grant("reports", kView);
  EXPECT_EQ(a.ToString(), "patients:view+edit");
}

TEST(RightSetTest, APoolGivesEqualSetsOneList) {
  RightSetPool pool;
  RightSet first, second, other, none;
  first.Grant("patients", kEdit);
  first.Grant("reports", kView);
  second.Grant("reports", kView);
  second.Grant("patients", kView | kEdit);
  other.Grant("charges", kView);
  for (RightSet* r : {&first, &second, &other, &none}) *r = pool.Share(r->modules());
  EXPECT_EQ(&first.modules(), &second.modules());
  EXPECT_NE(&first.modules(), &other.modules());
  EXPECT_EQ(first, second);
  EXPECT_TRUE(none.empty());
  // A shared list is never changed under the sets sharing it.
  second.Grant("charges", kDelete);
  EXPECT_EQ(first.ToString(), "patients:view+edit reports:view");
  EXPECT_EQ(second.ToString(), "charges:view+delete patients:view+edit reports:view");
  RightSet later;
  later.Grant("patients", kEdit);
  later.Grant("reports", kView);
  later = pool.Share(later.modules());
  EXPECT_EQ(&later.modules(), &first.modules());
}

TEST(RightSetTest, APoolMakesSetsOfBareListsSharingOneList) {
  RightSet::Modules list;
  RightSet::GrantTo(list, "reports", kView);
  RightSet::GrantTo(list, "patients", kEdit);
  RightSet::GrantTo(list, "patients", kDelete);
  RightSet::GrantTo(list, "charges", 0);  // nothing granted: no entry
  RightSet built;
  built.Grant("patients", kEdit | kDelete);
  built.Grant("reports", kView);

  RightSetPool pool;
  RightSet first = pool.Share(list);
  EXPECT_EQ(first, built);
  EXPECT_EQ(first.ToString(), "patients:view+edit+delete reports:view");
  RightSet other = pool.Share(RightSet::Modules{{"charges", kView}});
  RightSet again = pool.Share(list);  // not the list found last: found in the pool
  EXPECT_EQ(&again.modules(), &first.modules());
  EXPECT_NE(&other.modules(), &first.modules());
  EXPECT_TRUE(pool.Share(RightSet::Modules()).empty());
  // The pool kept its own copy: the caller's list may be reused.
  list.clear();
  EXPECT_EQ(again.ToString(), "patients:view+edit+delete reports:view");
}

TEST(ProviderScopeTest, SelectedCodesAreSortedAndDistinct) {
  ProviderScope s = ProviderScope::Selected({"DRSMITH", "DRJONES", "DRSMITH"});
  EXPECT_EQ(s.ToString(), "DRJONES,DRSMITH");
  EXPECT_EQ(s, ProviderScope::Selected({"DRJONES", "DRSMITH"}));
  EXPECT_EQ(ProviderScope::Selected({}).ToString(), "none");
}

TEST(ProviderScopeTest, MergeIsAUnionAndAllWins) {
  ProviderScope s = ProviderScope::Selected({"DRSMITH"});
  s.Merge(ProviderScope::Selected({"DRPATEL", "DRSMITH"}));
  EXPECT_EQ(s.ToString(), "DRPATEL,DRSMITH");
  s.Merge(ProviderScope::All());
  EXPECT_TRUE(s.all());
  EXPECT_TRUE(s.codes().empty());
  s.Merge(ProviderScope::Selected({"DRJONES"}));
  EXPECT_EQ(s.ToString(), "all");
}

TEST(ProviderScopeTest, CodesOfAnyLengthAndBytesComeBackAsGiven) {
  // Packed with their lengths: long codes take more than one length byte, and no byte of a
  // code (a NUL, UTF-8) is taken for a separator.
  const std::string nul("DR\0X", 4);
  const std::vector<std::string> codes = {
      "DRJONES", std::string(200, 'b'), std::string(20000, 'c'), "", nul, "Dr M\xc3\xbcller"};
  ProviderScope s = ProviderScope::Selected(codes);
  std::vector<std::string> sorted = codes;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> back;
  for (std::string_view code : s.codes()) back.emplace_back(code);
  EXPECT_EQ(back, sorted);

  ProviderScope merged = ProviderScope::Selected({codes[0], codes[2], codes[4]});
  merged.Merge(ProviderScope::Selected({codes[1], codes[3], codes[5], codes[0]}));
  EXPECT_EQ(merged, s);
  EXPECT_NE(merged, ProviderScope::Selected({codes[0]}));
}

TEST(OptionalFieldsTest, ReadsLikeAnOptionalAndCopiesDeeply) {
  OptionalFields none;
  EXPECT_FALSE(none);
  AccountFields f;
  f.login = "bob";
  OptionalFields one;
  one = f;
  ASSERT_TRUE(one);
  EXPECT_EQ(one->login, "bob");
  OptionalFields copy = one;
  one = AccountFields();  // replacing the original leaves the copy alone
  ASSERT_TRUE(copy);
  EXPECT_EQ((*copy).login, "bob");
  EXPECT_EQ(one->login, "");
  OptionalFields moved = std::move(copy);
  EXPECT_EQ(moved->login, "bob");
  copy = none;
  EXPECT_FALSE(copy);
}

}  // namespace
}  // namespace pmbridge
