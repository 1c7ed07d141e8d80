#include "bridge/resolver.h"

#include <gtest/gtest.h>

#include "bridge/membership_index.h"
#include "tests/unit/engine/clinic_builder.h"

namespace pmbridge {
namespace {

using testing::ClinicBuilder;
using testing::GroupDn;

DesiredState ResolveClinic(const ClinicBuilder& b, bool nested = true) {
  ResolveOptions options;
  options.nested_groups = nested;
  return Resolve(b.snapshot(), b.mapping(), ClinicBuilder::ClinicCatalog(), options);
}

const Entitlement* Find(const DesiredState& d, const std::string& login) {
  for (const Entitlement& e : d.entitled) {
    if (e.user->login == login) return &e;
  }
  return nullptr;
}

// An entitlement keeps no copy of the person's login, names and email: DesiredFields
// builds the account from the person, and HasDesiredFields must agree with it field by
// field, or the planner would leave a changed account alone.
TEST(DesiredFieldsTest, HasDesiredFieldsComparesEveryField) {
  DirectoryUser bob;
  bob.login = "bob";
  bob.first_name = "Bob";
  bob.last_name = "Baker";
  bob.middle_initial = "Q";
  bob.email = "bob@clinic.example";
  Entitlement e;
  e.user = &bob;
  e.super_user = true;
  e.rights.Grant("patients", kView);
  e.providers = ProviderScope::Selected({"DRJONES"});
  const AccountFields desired = DesiredFields(e);
  EXPECT_EQ(desired.login, "bob");
  EXPECT_EQ(desired.email, "bob@clinic.example");
  EXPECT_TRUE(desired.active);
  EXPECT_TRUE(HasDesiredFields(desired, e));

  const std::vector<void (*)(AccountFields&)> changes = {
      [](AccountFields& f) { f.login = "bobby"; },
      [](AccountFields& f) { f.last_name = "Barker"; },
      [](AccountFields& f) { f.first_name = "Rob"; },
      [](AccountFields& f) { f.middle_initial = ""; },
      [](AccountFields& f) { f.email = "rob@clinic.example"; },
      [](AccountFields& f) { f.active = false; },
      [](AccountFields& f) { f.super_user = false; },
      [](AccountFields& f) { f.access_security = true; },
      [](AccountFields& f) { f.rights.Grant("patients", kEdit); },
      [](AccountFields& f) { f.providers = ProviderScope::All(); },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    AccountFields changed = desired;
    changes[i](changed);
    ASSERT_NE(changed, desired) << "change " << i;
    EXPECT_FALSE(HasDesiredFields(changed, e)) << "change " << i;
  }

  Entitlement taken = e;
  EXPECT_EQ(TakeDesiredFields(taken), desired);
}

TEST(ResolverTest, DirectMemberGetsRoleRightsAndScope) {
  ClinicBuilder b;
  b.Person("bob").Member("pm-front-desk", "bob");
  DesiredState d = ResolveClinic(b);
  const Entitlement* bob = Find(d, "bob");
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(bob->rights.ToString(), "patients:view+edit scheduling:view+edit+delete");
  EXPECT_EQ(bob->providers.ToString(), "DRJONES,DRSMITH");
  EXPECT_FALSE(bob->super_user);
  ASSERT_EQ(bob->grants.size(), 1u);
  EXPECT_EQ(bob->grants[0].group_dn(), GroupDn("pm-front-desk"));
  EXPECT_EQ(bob->grants[0].rule->where.line, 20);
}

TEST(ResolverTest, SeveralGroupsGiveTheUnionAndAllProvidersWins) {
  ClinicBuilder b;
  b.Person("erin").Member("pm-front-desk", "erin").Member("pm-nurses", "erin");
  b.Person("carol").Member("pm-front-desk", "carol").Member("pm-billing", "carol");
  DesiredState d = ResolveClinic(b);
  const Entitlement* erin = Find(d, "erin");
  ASSERT_NE(erin, nullptr);
  EXPECT_EQ(erin->rights.ToString(), "patients:view+edit reports:view scheduling:view+edit+delete");
  EXPECT_EQ(erin->providers.ToString(), "DRJONES,DRPATEL,DRSMITH");
  const Entitlement* carol = Find(d, "carol");
  ASSERT_NE(carol, nullptr);
  EXPECT_TRUE(carol->providers.all());
  EXPECT_EQ(carol->grants.size(), 2u);
}

TEST(ResolverTest, AllRightsMeansEveryCatalogModule) {
  ClinicBuilder b;
  b.Person("alice").Member("pm-admins", "alice");
  DesiredState d = ResolveClinic(b);
  const Entitlement* alice = Find(d, "alice");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->rights.modules().size(), 6u);
  EXPECT_EQ(alice->rights.Get("setup"), kAllRights);
  EXPECT_TRUE(alice->super_user);
  EXPECT_TRUE(alice->access_security);
}

TEST(ResolverTest, NestedGroupsAreFollowedWhenEnabled) {
  ClinicBuilder b;
  b.Person("dave")
      .Member("front-desk-temps", "dave")
      .Member("pm-front-desk", "group:front-desk-temps");
  DesiredState d = ResolveClinic(b);
  const Entitlement* dave = Find(d, "dave");
  ASSERT_NE(dave, nullptr);
  EXPECT_EQ(dave->grants[0].via, GroupDn("front-desk-temps"));
  EXPECT_EQ(Find(ResolveClinic(b, /*nested=*/false), "dave"), nullptr);
}

// A resolve of many people runs on two threads; each person must come out exactly as the
// one-person resolve the daemon uses (one thread) makes them, nested grants included, on
// both sides of the split.
TEST(ResolverTest, AResolveOnTwoThreadsEqualsOnePersonAtATime) {
  ClinicBuilder b;
  const char* groups[] = {"pm-front-desk", "pm-billing", "pm-nurses", "front-desk-temps"};
  b.Member("pm-front-desk", "group:front-desk-temps");
  constexpr int kPeople = 30000;  // past the two-thread threshold
  for (int i = 0; i < kPeople; ++i) {
    const std::string uid = "user" + std::to_string(i);
    b.Person(uid).Member(groups[i % 4], uid);
    if (i % 3 == 0) b.Member(groups[(i + 1) % 4], uid);
  }
  ResolveOptions options;
  options.nested_groups = true;
  const Catalog catalog = ClinicBuilder::ClinicCatalog();
  DesiredState all = Resolve(b.snapshot(), b.mapping(), catalog, options);
  ASSERT_EQ(all.entitled.size(), static_cast<std::size_t>(kPeople));

  MembershipIndex index(b.mapping(), options.nested_groups);
  for (const DirectoryGroup& g : b.snapshot().groups) index.PutGroup(g.dn, g.members);
  for (std::size_t i = 0; i < all.entitled.size(); i += 997) {
    for (std::size_t k : {i, all.entitled.size() / 2 - 1, all.entitled.size() / 2}) {
      const Entitlement& e = all.entitled[k];
      DesiredState one = ResolvePeople({e.user}, index, b.mapping(), catalog, options);
      ASSERT_EQ(one.entitled.size(), 1u);
      const Entitlement& alone = one.entitled[0];
      EXPECT_EQ(DesiredFields(e), DesiredFields(alone)) << e.user->dn;
      ASSERT_EQ(e.grants.size(), alone.grants.size()) << e.user->dn;
      for (std::size_t g = 0; g < e.grants.size(); ++g) {
        EXPECT_EQ(e.grants[g].ToString(), alone.grants[g].ToString()) << e.user->dn;
      }
    }
  }
}

// Every part of a desired state that the planner, `explain` and the reasons read.
void ExpectSameDesired(const DesiredState& got, const DesiredState& want) {
  ASSERT_EQ(got.entitled.size(), want.entitled.size());
  for (std::size_t i = 0; i < want.entitled.size(); ++i) {
    const Entitlement& w = want.entitled[i];
    const Entitlement& g = got.entitled[i];
    EXPECT_EQ(g.user->dn, w.user->dn);
    EXPECT_EQ(DesiredFields(g), DesiredFields(w)) << w.user->dn;
    ASSERT_EQ(g.grants.size(), w.grants.size()) << w.user->dn;
    for (std::size_t k = 0; k < w.grants.size(); ++k) {
      EXPECT_EQ(g.grants[k].ToString(), w.grants[k].ToString()) << w.user->dn;
    }
  }
  ASSERT_EQ(got.ineligible.size(), want.ineligible.size());
  for (std::size_t i = 0; i < want.ineligible.size(); ++i) {
    EXPECT_EQ(got.ineligible[i].user->dn, want.ineligible[i].user->dn);
    EXPECT_EQ(got.ineligible[i].reason, want.ineligible[i].reason);
    EXPECT_EQ(got.ineligible_by_anchor.at(want.ineligible[i].user->anchor), i);
  }
  ASSERT_EQ(got.conflicts.size(), want.conflicts.size());
  for (std::size_t i = 0; i < want.conflicts.size(); ++i) {
    EXPECT_EQ(got.conflicts[i].login, want.conflicts[i].login);
    EXPECT_EQ(got.conflicts[i].dns, want.conflicts[i].dns);
  }
  EXPECT_EQ(got.untouchable_anchors, want.untouchable_anchors);
  EXPECT_EQ(got.warnings, want.warnings);
  EXPECT_EQ(got.directory_users, want.directory_users);
}

// `people` people in the sample clinic's groups: every seventh in none, every third in
// two, some through a nested group or with every right, and two who share one login in
// two cases.
ClinicBuilder ManyPeople(int people) {
  ClinicBuilder b;
  b.Member("pm-front-desk", "group:front-desk-temps");
  const char* groups[] = {"pm-front-desk", "pm-billing", "pm-nurses", "front-desk-temps",
                          "pm-admins"};
  for (int i = 0; i < people; ++i) {
    const std::string uid = "user" + std::to_string(i);
    b.Person(uid);
    if (i % 7 != 0) b.Member(groups[i % 5], uid);  // every seventh is in no group
    if (i % 3 == 0) b.Member(groups[(i + 1) % 5], uid);
  }
  b.Person("dup", "dup-1").Member("pm-billing", "dup");
  b.Person("DUP", "dup-2").Member("pm-nurses", "DUP");
  return b;
}

// A reconcile indexes the groups while the users are still being read: resolving against
// that index gives what resolving the whole snapshot gives, on one thread and on two.
TEST(ResolverTest, GroupsIndexedAheadResolveAsTheWholeSnapshotDoes) {
  for (int people : {40, 30000}) {
    SCOPED_TRACE(people);
    ClinicBuilder b = ManyPeople(people);
    ResolveOptions options;
    const Catalog catalog = ClinicBuilder::ClinicCatalog();
    const DesiredState whole = Resolve(b.snapshot(), b.mapping(), catalog, options);
    ASSERT_EQ(whole.conflicts.size(), 1u);

    DirectorySnapshot users_only = b.snapshot();
    std::vector<DirectoryGroup> groups_read = std::move(users_only.groups);
    users_only.groups.clear();
    const DesiredState ahead =
        ResolveIndexedGroups(users_only, IndexGroups(std::move(groups_read), b.mapping(), options),
                             b.mapping(), catalog, options);
    ExpectSameDesired(ahead, whole);
  }
}

// How a resolve along the read ends.
enum class AlongEnd { kFinished, kGaveUp, kCatalogChanged, kUsersMoved };

// A reconcile resolves each page of users as it comes in, and the rest after the read:
// the same desired state as resolving the whole snapshot, whatever the pages, and also
// when the users moved, the catalog changed or the work was given up on the way (the
// resolve then starts over).
TEST(ResolverTest, AResolveAlongTheReadEqualsTheWholeSnapshot) {
  struct Case {
    int people;
    std::size_t page;  // users read between two Advance calls
    std::size_t most;  // what each call may do
    AlongEnd end;
  };
  const Case cases[] = {
      {40, 1, 1, AlongEnd::kFinished},
      {40, 7, 3, AlongEnd::kFinished},
      {3000, 500, 2000, AlongEnd::kFinished},
      {3000, 100, 30, AlongEnd::kFinished},
      {30000, 500, 2000, AlongEnd::kFinished},
      {3000, 500, 2000, AlongEnd::kGaveUp},
      {3000, 500, 2000, AlongEnd::kCatalogChanged},
      {3000, 500, 2000, AlongEnd::kUsersMoved},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(c.people) + " people, pages of " + std::to_string(c.page) +
                 ", at most " + std::to_string(c.most) + ", end " +
                 std::to_string(static_cast<int>(c.end)));
    ClinicBuilder b = ManyPeople(c.people);
    ResolveOptions options;
    const Catalog read_catalog = ClinicBuilder::ClinicCatalog();
    Catalog catalog = read_catalog;  // the write transaction's, equal unless changed
    if (c.end == AlongEnd::kCatalogChanged) catalog.modules.insert("telehealth");
    const DesiredState whole = Resolve(b.snapshot(), b.mapping(), catalog, options);

    std::vector<DirectoryGroup> groups_read = b.snapshot().groups;
    IndexedGroups indexed = IndexGroups(std::move(groups_read), b.mapping(), options);
    ResolveAlongRead along(b.mapping(), options);
    const std::vector<DirectoryUser>& all = b.snapshot().users;
    DirectorySnapshot read;
    read.users.reserve(all.size());
    for (const DirectoryUser& user : all) {
      read.users.push_back(user);
      if (read.users.size() % c.page == 0) along.Advance(read.users, indexed, read_catalog, c.most);
    }
    EXPECT_GT(along.done(), 0u);
    if (c.end == AlongEnd::kGaveUp) along.GiveUp();
    if (c.end == AlongEnd::kUsersMoved) read.users = std::vector<DirectoryUser>(read.users);
    const DesiredState got =
        ResolveIndexedGroups(read, std::move(indexed), b.mapping(), catalog, options, &along);
    ExpectSameDesired(got, whole);
  }
}

// The eligibility pass is split between two threads as well: the ineligible and their
// reasons still come out in directory order, from both sides of the split.
TEST(ResolverTest, IneligiblePeopleComeOutInDirectoryOrderOnTwoThreads) {
  ClinicBuilder b;
  constexpr int kPeople = 30000;  // past the two-thread threshold
  std::vector<std::string> expected;
  for (int i = 0; i < kPeople; ++i) {
    const std::string uid = "user" + std::to_string(i);
    b.Person(uid);
    if (i % 997 == 0) {
      expected.push_back(uid + ": not a member of any mapped group");
    } else if (i % 1009 == 0) {
      b.Member("pm-billing", uid).DisabledInDirectory(uid, "disabled in the directory");
      expected.push_back(uid + ": disabled in the directory");
    } else {
      b.Member("pm-billing", uid);
    }
  }
  DesiredState all =
      Resolve(b.snapshot(), b.mapping(), ClinicBuilder::ClinicCatalog(), ResolveOptions{});
  std::vector<std::string> ineligible;
  for (const Ineligible& who : all.ineligible) {
    ineligible.push_back(who.user->login + ": " + who.reason);
    EXPECT_EQ(&all.ineligible[all.ineligible_by_anchor.at(who.user->anchor)], &who);
  }
  EXPECT_EQ(ineligible, expected);
  EXPECT_EQ(all.entitled.size(), kPeople - expected.size());
}

// The index keys each member by a view of the DN in one of the member lists holding it;
// replacing or removing that list must leave the member findable through the others
// (ASan would also see a view left dangling).
TEST(MembershipIndexTest, AMemberOutlivesTheListItWasFirstIndexedFrom) {
  ClinicBuilder b;
  const std::string bob = testing::UserDn("bob");
  const std::string front = GroupDn("pm-front-desk"), billing = GroupDn("pm-billing"),
                    nurses = GroupDn("pm-nurses");
  MembershipIndex index(b.mapping(), /*nested=*/true);
  index.PutGroup(front, {bob});  // bob's key views this list
  index.PutGroup(billing, {bob});
  index.PutGroup(nurses, {bob});
  index.PutGroup(front, {testing::UserDn("carol")});  // ... which is replaced
  EXPECT_EQ(index.MappedGroupsOf(bob).size(), 2u);
  index.ChangeMembers(billing, {testing::UserDn("dave")}, {});  // replaced again
  EXPECT_EQ(index.MappedGroupsOf(bob).size(), 2u);
  index.RemoveGroup(billing);
  ASSERT_EQ(index.MappedGroupsOf(bob).size(), 1u);
  EXPECT_EQ(index.MappedGroupsOf(bob)[0].rule->dn, nurses);
  index.DropMember(bob);
  EXPECT_TRUE(index.MappedGroupsOf(bob).empty());
  EXPECT_FALSE(index.InAnyMappedGroup(bob));
  EXPECT_TRUE(index.InAnyMappedGroup(testing::UserDn("carol")));
}

// Eligibility is decided by InAnyMappedGroup, the entitlement by MappedGroupsOf: they must
// agree for everyone, nested or not, mapped or not.
TEST(ResolverTest, InAnyMappedGroupAgreesWithMappedGroupsOf) {
  ClinicBuilder b;
  b.Person("bob").Member("pm-front-desk", "bob");
  b.Person("dave")
      .Member("front-desk-temps", "dave")
      .Member("pm-front-desk", "group:front-desk-temps");
  b.Person("frank").Member("bowling-team", "frank");
  b.Person("gina");
  b.Person("hank").Member("pm-nurses", "hank").Member("pm-billing", "hank");
  for (bool nested : {true, false}) {
    MembershipIndex index(b.mapping(), nested);
    for (const DirectoryGroup& g : b.snapshot().groups) index.PutGroup(g.dn, g.members);
    for (const DirectoryUser& user : b.snapshot().users) {
      EXPECT_EQ(index.InAnyMappedGroup(user.dn), !index.MappedGroupsOf(user.dn).empty())
          << user.dn << (nested ? " nested" : " not nested");
    }
  }
}

TEST(ResolverTest, MembershipCyclesTerminate) {
  ClinicBuilder b;
  b.Person("dave")
      .Member("a", "group:b")
      .Member("b", "group:a")
      .Member("b", "dave")
      .Member("pm-front-desk", "group:a")
      .Member("a", "group:pm-front-desk");  // a cycle through the mapped group itself
  DesiredState d = ResolveClinic(b);
  const Entitlement* dave = Find(d, "dave");
  ASSERT_NE(dave, nullptr);
  EXPECT_EQ(dave->grants.size(), 1u);
}

TEST(ResolverTest, NotInAMappedGroupOrDisabledInTheDirectoryIsIneligible) {
  ClinicBuilder b;
  b.Person("frank");
  b.Person("bob")
      .Member("pm-front-desk", "bob")
      .DisabledInDirectory("bob", "disabled in the directory");
  DesiredState d = ResolveClinic(b);
  EXPECT_TRUE(d.entitled.empty());
  ASSERT_EQ(d.ineligible.size(), 2u);
  EXPECT_EQ(d.ineligible[d.ineligible_by_anchor.at("uuid-frank")].reason,
            "not a member of any mapped group");
  EXPECT_EQ(d.ineligible[d.ineligible_by_anchor.at("uuid-bob")].reason,
            "disabled in the directory");
}

TEST(ResolverTest, TwoPeopleWithOneLoginAreAConflictAndUntouchable) {
  ClinicBuilder b;
  b.Person("jdoe", "uuid-1").Member("pm-front-desk", "jdoe");
  b.Person("bob").Member("pm-billing", "bob");
  // A second entry elsewhere with the same login, in another case.
  DirectorySnapshot snapshot = b.snapshot();
  DirectoryUser twin = snapshot.users[0];
  twin.anchor = "uuid-2";
  twin.dn = "uid=jdoe2,ou=people,dc=clinic,dc=example";
  twin.login = "JDoe";
  snapshot.users.push_back(twin);
  snapshot.groups[1].members.push_back(twin.dn);  // pm-billing
  DesiredState d = Resolve(snapshot, b.mapping(), ClinicBuilder::ClinicCatalog(), ResolveOptions{});
  ASSERT_EQ(d.conflicts.size(), 1u);
  EXPECT_EQ(d.conflicts[0].dns.size(), 2u);
  EXPECT_EQ(d.untouchable_anchors.count("uuid-1"), 1u);
  EXPECT_EQ(d.untouchable_anchors.count("uuid-2"), 1u);
  ASSERT_EQ(d.entitled.size(), 1u);
  EXPECT_EQ(d.entitled[0].user->login, "bob");
}

// Logins are told apart folded, on either side of the two-thread split, however long a
// start they share: the first of each conflict in directory order names it.
TEST(ResolverTest, OneLoginInTwoCasesIsAConflictAcrossTheTwoThreadSplit) {
  ClinicBuilder b;
  const std::vector<std::string> first = {"Zed", "LongLoginPrefix1234-a"};
  const std::vector<std::string> last = {"zed", "longloginprefix1234-a", "longloginprefix1234-b"};
  for (const std::string& login : first) b.Person(login).Member("pm-billing", login);
  for (int i = 0; i < 25000; ++i) {
    const std::string uid = "user" + std::to_string(i);
    b.Person(uid).Member("pm-front-desk", uid);
  }
  for (const std::string& login : last) b.Person(login).Member("pm-nurses", login);
  DesiredState d =
      Resolve(b.snapshot(), b.mapping(), ClinicBuilder::ClinicCatalog(), ResolveOptions{});

  ASSERT_EQ(d.conflicts.size(), 2u);
  EXPECT_EQ(d.conflicts[0].login, "LongLoginPrefix1234-a");
  EXPECT_EQ(d.conflicts[1].login, "Zed");
  for (const Conflict& c : d.conflicts) EXPECT_EQ(c.dns.size(), 2u) << c.login;
  ASSERT_EQ(d.entitled.size(), 25001u);
  for (std::size_t i = 1; i < d.entitled.size(); ++i) {
    EXPECT_LT(FoldLogin(d.entitled[i - 1].user->login), FoldLogin(d.entitled[i].user->login));
  }
  EXPECT_EQ(d.entitled[0].user->login, "longloginprefix1234-b");
}

TEST(ResolverTest, MissingMappedGroupIsAWarning) {
  ClinicBuilder b;
  DirectorySnapshot snapshot = b.snapshot();
  snapshot.groups.clear();
  DesiredState d = Resolve(snapshot, b.mapping(), ClinicBuilder::ClinicCatalog(), ResolveOptions{});
  EXPECT_EQ(d.warnings.size(), 4u);
}

}  // namespace
}  // namespace pmbridge
