// The daemon's per-person path must grant exactly what a full resolution grants, and a
// change must touch exactly the people it can affect.
#include "bridge/directory_model.h"

#include <gtest/gtest.h>

#include "bridge/disable_guard.h"
#include "bridge/resolver.h"
#include "tests/unit/engine/clinic_builder.h"

namespace pmbridge::testing {
namespace {

using Kind = DirectoryEvent::Kind;

ClinicBuilder Clinic() {
  ClinicBuilder b;
  for (const char* uid : {"alice", "bob", "carol", "dave", "erin", "frank"}) b.Person(uid);
  b.Member("pm-admins", "alice")
      .Member("pm-front-desk", "bob")
      .Member("pm-front-desk", "erin")
      .Member("pm-front-desk", "group:front-desk-temps")
      .Member("front-desk-temps", "dave")
      .Member("pm-billing", "carol")
      .Member("pm-nurses", "erin");
  return b;
}

std::set<std::string> Anchors(const TouchedPeople& touched) {
  std::set<std::string> out;
  for (const auto& [anchor, at] : touched) out.insert(anchor);
  return out;
}

const DirectoryUser& UserOf(const DirectorySnapshot& s, const std::string& uid) {
  for (const DirectoryUser& u : s.users) {
    if (u.login == uid) return u;
  }
  throw std::runtime_error("no user " + uid);
}

const DirectoryGroup& GroupOf(const DirectorySnapshot& s, const std::string& cn) {
  for (const DirectoryGroup& g : s.groups) {
    if (g.dn == GroupDn(cn)) return g;
  }
  throw std::runtime_error("no group " + cn);
}

DirectoryEvent Event(Kind kind) {
  DirectoryEvent e;
  e.kind = kind;
  e.received = std::chrono::steady_clock::now();
  return e;
}

TEST(DirectoryModelTest, PerPersonResolutionMatchesTheFullResolution) {
  ClinicBuilder b = Clinic();
  DirectoryModel model(b.mapping(), true);
  model.Reset(b.snapshot());
  const Catalog catalog = ClinicBuilder::ClinicCatalog();
  DesiredState full = Resolve(b.snapshot(), b.mapping(), catalog, {});
  for (const DirectoryUser& user : b.snapshot().users) {
    TouchedPeople touched{{user.anchor, {}}};
    DesiredState one =
        ResolvePeople(model.PeopleFor(touched), model.index(), b.mapping(), catalog, {});
    const Entitlement* in_full = EntitledWithAnchor(full, user.anchor);
    const Entitlement* in_one = EntitledWithAnchor(one, user.anchor);
    ASSERT_EQ(in_full == nullptr, in_one == nullptr) << user.login;
    if (in_one == nullptr) continue;
    const Entitlement& a = *in_full;
    const Entitlement& e = *in_one;
    EXPECT_EQ(DesiredFields(a), DesiredFields(e)) << user.login;
    ASSERT_EQ(a.grants.size(), e.grants.size()) << user.login;
    for (std::size_t i = 0; i < a.grants.size(); ++i) {
      EXPECT_EQ(a.grants[i].ToString(), e.grants[i].ToString()) << user.login;
    }
  }
}

TEST(DirectoryModelTest, AUserChangeTouchesThatUserOnly) {
  ClinicBuilder b = Clinic();
  DirectoryModel model(b.mapping(), true);
  model.Reset(b.snapshot());
  FollowBatch batch;
  DirectoryEvent e = Event(Kind::kUserPut);
  e.user = UserOf(b.snapshot(), "bob");
  e.user.email = "robert@clinic.example";
  batch.events.push_back(e);
  TouchedPeople touched;
  model.Apply(batch, touched);
  EXPECT_EQ(Anchors(touched), (std::set<std::string>{"uuid-bob"}));
}

TEST(DirectoryModelTest, AGroupChangeTouchesItsNestedMembersBeforeAndAfter) {
  ClinicBuilder b = Clinic();
  DirectoryModel model(b.mapping(), true);
  model.Reset(b.snapshot());
  FollowBatch batch;
  DirectoryEvent e = Event(Kind::kGroupPut);
  e.group = GroupOf(b.snapshot(), "pm-front-desk");
  std::erase(e.group.members, UserDn("bob"));
  e.group.members.push_back(UserDn("frank"));
  batch.events.push_back(e);
  TouchedPeople touched;
  model.Apply(batch, touched);
  // bob left, frank joined, erin and dave (through front-desk-temps) are re-checked.
  EXPECT_EQ(Anchors(touched),
            (std::set<std::string>{"uuid-bob", "uuid-dave", "uuid-erin", "uuid-frank"}));
  DesiredState d = ResolvePeople(model.PeopleFor(touched), model.index(), b.mapping(),
                                 ClinicBuilder::ClinicCatalog(), {});
  EXPECT_EQ(EntitledWithAnchor(d, "uuid-bob"), nullptr);
  EXPECT_NE(EntitledWithAnchor(d, "uuid-frank"), nullptr);
}

TEST(DirectoryModelTest, AGroupDeleteTouchesItsMembers) {
  ClinicBuilder b = Clinic();
  DirectoryModel model(b.mapping(), true);
  model.Reset(b.snapshot());
  FollowBatch batch;
  DirectoryEvent e = Event(Kind::kGroupGone);
  e.anchor = GroupOf(b.snapshot(), "front-desk-temps").anchor;
  batch.events.push_back(e);
  TouchedPeople touched;
  model.Apply(batch, touched);
  EXPECT_EQ(Anchors(touched), (std::set<std::string>{"uuid-dave"}));
  DesiredState d = ResolvePeople(model.PeopleFor(touched), model.index(), b.mapping(),
                                 ClinicBuilder::ClinicCatalog(), {});
  EXPECT_TRUE(d.entitled.empty());
}

TEST(DirectoryModelTest, AGroupDeleteTouchesTheNestedMembersBelowIt) {
  ClinicBuilder b = Clinic();
  DirectoryModel model(b.mapping(), true);
  model.Reset(b.snapshot());
  FollowBatch batch;
  DirectoryEvent e = Event(Kind::kGroupGone);
  e.anchor = GroupOf(b.snapshot(), "pm-front-desk").anchor;
  batch.events.push_back(e);
  TouchedPeople touched;
  model.Apply(batch, touched);
  // dave is below it only through front-desk-temps, which stays.
  EXPECT_EQ(Anchors(touched), (std::set<std::string>{"uuid-bob", "uuid-dave", "uuid-erin"}));
  EXPECT_FALSE(model.index().HasGroup(GroupDn("pm-front-desk")));
  EXPECT_TRUE(model.index().HasGroup(GroupDn("front-desk-temps")));
  DesiredState d = ResolvePeople(model.PeopleFor(touched), model.index(), b.mapping(),
                                 ClinicBuilder::ClinicCatalog(), {});
  EXPECT_EQ(EntitledWithAnchor(d, "uuid-bob"), nullptr);
  EXPECT_EQ(EntitledWithAnchor(d, "uuid-dave"), nullptr);
  const Entitlement* erin = EntitledWithAnchor(d, "uuid-erin");
  ASSERT_NE(erin, nullptr);  // still a nurse
  ASSERT_EQ(erin->grants.size(), 1u);
  EXPECT_EQ(erin->grants[0].group_dn(), GroupDn("pm-nurses"));
}

TEST(DirectoryModelTest, AGroupRenameTouchesItsOldAndNewMembers) {
  ClinicBuilder b = Clinic();
  DirectoryModel model(b.mapping(), true);
  model.Reset(b.snapshot());
  // Same anchor, new DN (a modrdn), and a member changed in the same batch.
  FollowBatch batch;
  DirectoryEvent e = Event(Kind::kGroupPut);
  e.group = GroupOf(b.snapshot(), "pm-nurses");
  e.group.dn = GroupDn("nurses-west");
  e.group.members = {UserDn("frank")};
  batch.events.push_back(e);
  TouchedPeople touched;
  model.Apply(batch, touched);
  EXPECT_EQ(Anchors(touched), (std::set<std::string>{"uuid-erin", "uuid-frank"}));
  // The old DN is no group any more; the mapping names it, not the new one.
  EXPECT_FALSE(model.index().HasGroup(GroupDn("pm-nurses")));
  EXPECT_TRUE(model.index().HasGroup(GroupDn("nurses-west")));
  EXPECT_EQ(model.group_count(), b.snapshot().groups.size());
  DesiredState d = ResolvePeople(model.PeopleFor(touched), model.index(), b.mapping(),
                                 ClinicBuilder::ClinicCatalog(), {});
  EXPECT_EQ(EntitledWithAnchor(d, "uuid-frank"), nullptr);
  const Entitlement* erin = EntitledWithAnchor(d, "uuid-erin");
  ASSERT_NE(erin, nullptr);  // still front desk
  ASSERT_EQ(erin->grants.size(), 1u);
  EXPECT_EQ(erin->grants[0].group_dn(), GroupDn("pm-front-desk"));

  // Renamed back: the new DN's members are touched again, and the old DN is gone.
  e.group.dn = GroupDn("pm-nurses");
  batch.events = {e};
  touched.clear();
  model.Apply(batch, touched);
  EXPECT_EQ(Anchors(touched), (std::set<std::string>{"uuid-frank"}));
  EXPECT_FALSE(model.index().HasGroup(GroupDn("nurses-west")));
  d = ResolvePeople(model.PeopleFor(touched), model.index(), b.mapping(),
                    ClinicBuilder::ClinicCatalog(), {});
  EXPECT_NE(EntitledWithAnchor(d, "uuid-frank"), nullptr);
}

TEST(DirectoryModelTest, ANestedGroupRenameTouchesItsMembers) {
  ClinicBuilder b = Clinic();
  DirectoryModel model(b.mapping(), true);
  model.Reset(b.snapshot());
  FollowBatch batch;
  DirectoryEvent e = Event(Kind::kGroupPut);
  e.group = GroupOf(b.snapshot(), "front-desk-temps");
  e.group.dn = GroupDn("temps");
  batch.events.push_back(e);
  TouchedPeople touched;
  model.Apply(batch, touched);
  EXPECT_EQ(Anchors(touched), (std::set<std::string>{"uuid-dave"}));
  // pm-front-desk still lists the old DN (no referential integrity in the directory), so
  // dave no longer reaches it.
  DesiredState d = ResolvePeople(model.PeopleFor(touched), model.index(), b.mapping(),
                                 ClinicBuilder::ClinicCatalog(), {});
  EXPECT_TRUE(d.entitled.empty());
}

TEST(DirectoryModelTest, APresentSetRemovesWhatItDoesNotList) {
  ClinicBuilder b = Clinic();
  DirectoryModel model(b.mapping(), true);
  model.Reset(b.snapshot());
  FollowBatch batch;
  batch.users_present.emplace();
  for (const DirectoryUser& u : b.snapshot().users) {
    if (u.login != "carol") batch.users_present->insert(u.anchor);
  }
  TouchedPeople touched;
  model.Apply(batch, touched);
  EXPECT_EQ(Anchors(touched), (std::set<std::string>{"uuid-carol"}));
  EXPECT_EQ(model.user_count(), b.snapshot().users.size() - 1);
  EXPECT_TRUE(model.PeopleFor(touched).empty());  // gone: nobody to resolve, so a disable
}

TEST(DirectoryModelTest, APresentSetRemovesUsersAndGroupsItDoesNotList) {
  ClinicBuilder b = Clinic();
  DirectoryModel model(b.mapping(), true);
  model.Reset(b.snapshot());
  FollowBatch batch;
  batch.users_present.emplace();
  for (const DirectoryUser& u : b.snapshot().users) {
    if (u.login != "carol") batch.users_present->insert(u.anchor);
  }
  batch.groups_present.emplace();
  for (const DirectoryGroup& g : b.snapshot().groups) {
    if (g.dn != GroupDn("front-desk-temps")) batch.groups_present->insert(g.anchor);
  }
  TouchedPeople touched;
  model.Apply(batch, touched);
  EXPECT_EQ(Anchors(touched), (std::set<std::string>{"uuid-carol", "uuid-dave"}));
  EXPECT_EQ(model.user_count(), b.snapshot().users.size() - 1);
  EXPECT_EQ(model.group_count(), b.snapshot().groups.size() - 1);
  EXPECT_FALSE(model.index().HasGroup(GroupDn("front-desk-temps")));
  DesiredState d = ResolvePeople(model.PeopleFor(touched), model.index(), b.mapping(),
                                 ClinicBuilder::ClinicCatalog(), {});
  EXPECT_TRUE(d.entitled.empty());  // carol is gone, dave lost his only group
}

TEST(DirectoryModelTest, ALoginChangeTouchesEveryoneSharingTheOldOrNewLogin) {
  ClinicBuilder b = Clinic();
  b.Person("bob2").Member("pm-billing", "bob2");
  DirectoryModel model(b.mapping(), true);
  model.Reset(b.snapshot());
  // bob2 renamed to "BOB": a conflict with bob, so both are touched.
  FollowBatch batch;
  DirectoryEvent e = Event(Kind::kUserPut);
  e.user = UserOf(b.snapshot(), "bob2");
  e.user.login = "BOB";
  batch.events.push_back(e);
  TouchedPeople touched;
  model.Apply(batch, touched);
  EXPECT_EQ(Anchors(touched), (std::set<std::string>{"uuid-bob", "uuid-bob2"}));
  DesiredState d = ResolvePeople(model.PeopleFor(touched), model.index(), b.mapping(),
                                 ClinicBuilder::ClinicCatalog(), {});
  EXPECT_EQ(d.conflicts.size(), 1u);
  EXPECT_EQ(d.untouchable_anchors.size(), 2u);

  // Renamed back: both touched again, the conflict is gone.
  e.user.login = "bob2";
  batch.events = {e};
  touched.clear();
  model.Apply(batch, touched);
  EXPECT_EQ(Anchors(touched), (std::set<std::string>{"uuid-bob", "uuid-bob2"}));
  d = ResolvePeople(model.PeopleFor(touched), model.index(), b.mapping(),
                    ClinicBuilder::ClinicCatalog(), {});
  EXPECT_TRUE(d.conflicts.empty());
  EXPECT_EQ(d.entitled.size(), 2u);
}

TEST(DirectoryModelTest, ALoginChangeTouchesTheSharersOfTheOldAndTheNewLoginAtOnce) {
  ClinicBuilder b = Clinic();
  b.Person("bob2").Member("pm-billing", "bob2");
  DirectoryModel model(b.mapping(), true);
  model.Reset(b.snapshot());
  FollowBatch batch;
  DirectoryEvent e = Event(Kind::kUserPut);
  e.user = UserOf(b.snapshot(), "bob2");
  e.user.login = "bob";  // shares bob's login
  batch.events.push_back(e);
  TouchedPeople touched;
  model.Apply(batch, touched);
  ASSERT_EQ(Anchors(touched), (std::set<std::string>{"uuid-bob", "uuid-bob2"}));

  // From bob's login to carol's: bob (old) and carol (new) are both re-checked.
  e.user.login = "Carol";
  batch.events = {e};
  touched.clear();
  model.Apply(batch, touched);
  EXPECT_EQ(Anchors(touched), (std::set<std::string>{"uuid-bob", "uuid-bob2", "uuid-carol"}));
  DesiredState d = ResolvePeople(model.PeopleFor(touched), model.index(), b.mapping(),
                                 ClinicBuilder::ClinicCatalog(), {});
  ASSERT_EQ(d.conflicts.size(), 1u);
  EXPECT_EQ(d.untouchable_anchors.size(), 2u);
  EXPECT_EQ(d.untouchable_anchors.count("uuid-carol"), 1u);
  EXPECT_NE(EntitledWithAnchor(d, "uuid-bob"), nullptr);  // free of the conflict
}

TEST(DirectoryModelTest, MembershipCyclesAreSafe) {
  ClinicBuilder b = Clinic();
  b.Member("front-desk-temps", "group:pm-front-desk");  // a cycle
  DirectoryModel model(b.mapping(), true);
  model.Reset(b.snapshot());
  TouchedPeople touched{{"uuid-dave", {}}};
  DesiredState d = ResolvePeople(model.PeopleFor(touched), model.index(), b.mapping(),
                                 ClinicBuilder::ClinicCatalog(), {});
  ASSERT_EQ(d.entitled.size(), 1u);
  EXPECT_EQ(d.entitled[0].grants.size(), 1u);
  EXPECT_EQ(d.entitled[0].grants[0].via, GroupDn("front-desk-temps"));
}

TEST(DisableGuardTest, HoldsABatchPastTheLimitButNotALaterSingleDeparture) {
  DisableGuard guard(std::chrono::seconds(600));
  const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  EXPECT_TRUE(guard.Admit(1, 3, t0));
  EXPECT_FALSE(guard.Admit(5, 3, t0));  // the burst: held, not counted
  EXPECT_EQ(guard.InWindow(t0), 1u);
  EXPECT_TRUE(guard.Admit(1, 3, t0 + std::chrono::seconds(1)));
  EXPECT_TRUE(guard.Admit(1, 3, t0 + std::chrono::seconds(2)));
  EXPECT_FALSE(guard.Admit(1, 3, t0 + std::chrono::seconds(3)));   // the window is full
  EXPECT_TRUE(guard.Admit(1, 3, t0 + std::chrono::seconds(601)));  // the first slid out
}

TEST(DirectoryModelTest, AMemberDeltaTouchesOnlyTheMembersThatCameAndWent) {
  ClinicBuilder b = Clinic();
  DirectoryModel model(b.mapping(), true);
  model.Reset(b.snapshot());
  FollowBatch batch;
  DirectoryEvent e = Event(Kind::kGroupMembers);
  e.anchor = GroupOf(b.snapshot(), "pm-front-desk").anchor;
  e.group.dn = GroupDn("pm-front-desk");
  e.members_added = {UserDn("frank")};
  e.members_removed = {UserDn("bob"), GroupDn("front-desk-temps")};
  batch.events.push_back(e);
  TouchedPeople touched;
  model.Apply(batch, touched);
  // erin stays and is not recomputed; dave goes with front-desk-temps.
  EXPECT_EQ(Anchors(touched), (std::set<std::string>{"uuid-bob", "uuid-dave", "uuid-frank"}));
  std::vector<std::string> members = *model.index().MembersOf(GroupDn("pm-front-desk"));
  EXPECT_EQ(members, (std::vector<std::string>{UserDn("erin"), UserDn("frank")}));
  DesiredState d = ResolvePeople(model.PeopleFor(touched), model.index(), b.mapping(),
                                 ClinicBuilder::ClinicCatalog(), {});
  EXPECT_EQ(EntitledWithAnchor(d, "uuid-bob"), nullptr);
  EXPECT_EQ(EntitledWithAnchor(d, "uuid-dave"), nullptr);
  EXPECT_NE(EntitledWithAnchor(d, "uuid-frank"), nullptr);
}

TEST(DirectoryModelTest, AMemberDeltaForAGroupNotHeldAtThatDnIsNothing) {
  ClinicBuilder b = Clinic();
  DirectoryModel model(b.mapping(), true);
  model.Reset(b.snapshot());
  FollowBatch batch;
  DirectoryEvent e = Event(Kind::kGroupMembers);
  e.anchor = GroupOf(b.snapshot(), "pm-front-desk").anchor;
  e.group.dn = GroupDn("renamed-front-desk");  // a full put follows a rename
  e.members_added = {UserDn("frank")};
  batch.events.push_back(e);
  DirectoryEvent unknown = Event(Kind::kGroupMembers);
  unknown.anchor = "uuid-not-in-scope";
  unknown.group.dn = GroupDn("elsewhere");
  unknown.members_added = {UserDn("frank")};
  batch.events.push_back(unknown);
  TouchedPeople touched;
  model.Apply(batch, touched);
  EXPECT_TRUE(touched.empty());
  EXPECT_EQ(model.index().MembersOf(GroupDn("pm-front-desk"))->size(), 3u);
}

TEST(DirectoryModelTest, ADeletedUserLeavesItsGroupsButOneOutOfScopeDoesNot) {
  ClinicBuilder b = Clinic();
  DirectoryModel model(b.mapping(), true);
  model.Reset(b.snapshot());
  const DirectoryUser bob = UserOf(b.snapshot(), "bob");
  const DirectoryUser carol = UserOf(b.snapshot(), "carol");
  FollowBatch batch;
  DirectoryEvent deleted = Event(Kind::kUserGone);
  deleted.anchor = bob.anchor;
  deleted.deleted = true;  // Samba leaves the DN in pm-front-desk
  batch.events.push_back(deleted);
  DirectoryEvent moved = Event(Kind::kUserGone);
  moved.anchor = carol.anchor;  // out of scope, still a member in the directory
  batch.events.push_back(moved);
  TouchedPeople touched;
  model.Apply(batch, touched);

  // A new entry given bob's old DN does not inherit his front-desk rights; carol, back in
  // scope, is a biller again.
  FollowBatch back;
  DirectoryEvent rehired = Event(Kind::kUserPut);
  rehired.user = bob;
  rehired.user.anchor = "uuid-new-bob";
  back.events.push_back(rehired);
  DirectoryEvent returned = Event(Kind::kUserPut);
  returned.user = carol;
  back.events.push_back(returned);
  touched.clear();
  model.Apply(back, touched);
  DesiredState d = ResolvePeople(model.PeopleFor(touched), model.index(), b.mapping(),
                                 ClinicBuilder::ClinicCatalog(), {});
  EXPECT_EQ(EntitledWithAnchor(d, "uuid-new-bob"), nullptr);
  EXPECT_NE(EntitledWithAnchor(d, carol.anchor), nullptr);
}

TEST(DirectoryModelTest, AnAccountExpiryPassingTouchesThatPersonAlone) {
  ClinicBuilder b = Clinic();
  const auto now = std::chrono::system_clock::now();
  DirectorySnapshot snapshot = b.snapshot();
  for (DirectoryUser& u : snapshot.users) {
    if (u.login == "bob") u.expires_at = now + std::chrono::hours(1);
    if (u.login == "carol") u.expires_at = now + std::chrono::hours(2);
  }
  DirectoryModel model(b.mapping(), true);
  model.Reset(snapshot);
  ASSERT_EQ(model.NextExpiry(), now + std::chrono::hours(1));

  TouchedPeople touched;
  EXPECT_FALSE(model.ExpireDue(now, std::chrono::steady_clock::now(), touched));
  EXPECT_TRUE(touched.empty());
  EXPECT_TRUE(
      model.ExpireDue(now + std::chrono::hours(1), std::chrono::steady_clock::now(), touched));
  EXPECT_EQ(Anchors(touched), (std::set<std::string>{"uuid-bob"}));
  EXPECT_EQ(model.NextExpiry(), now + std::chrono::hours(2));
  DesiredState d = ResolvePeople(model.PeopleFor(touched), model.index(), b.mapping(),
                                 ClinicBuilder::ClinicCatalog(), {});
  EXPECT_EQ(EntitledWithAnchor(d, "uuid-bob"), nullptr);

  // carol's expiry is moved out by the directory before it passes: nothing happens then.
  FollowBatch batch;
  DirectoryEvent e = Event(Kind::kUserPut);
  e.user = UserOf(snapshot, "carol");
  e.user.expires_at = {};
  batch.events.push_back(e);
  touched.clear();
  model.Apply(batch, touched);
  EXPECT_FALSE(model.NextExpiry().has_value());
  touched.clear();
  EXPECT_FALSE(
      model.ExpireDue(now + std::chrono::hours(3), std::chrono::steady_clock::now(), touched));
}

}  // namespace
}  // namespace pmbridge::testing
