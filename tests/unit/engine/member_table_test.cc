// MemberTable against std::unordered_map: random adds, finds and erases (which shift later
// entries back) through several growths, and re-pointing an entry at an equal DN.
#include "bridge/member_table.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pmbridge {
namespace {

TEST(MemberTableTest, AgreesWithAHashMapThroughAddsErasesAndGrowth) {
  // The DNs the table views; they outlive it.
  std::vector<std::string> dns;
  for (int i = 0; i < 3000; ++i) dns.push_back("uid=user" + std::to_string(i) + ",ou=people");
  std::vector<std::string> groups = {"cn=a", "cn=b", "cn=c"};

  MemberTable table;
  std::unordered_map<std::string, std::vector<const std::string*>> model;
  std::mt19937 random(5);
  for (int step = 0; step < 40000; ++step) {
    const std::string& dn = dns[random() % dns.size()];
    if (random() % 3 != 0) {
      const std::string* group = &groups[random() % groups.size()];
      table.FindOrAdd(dn).groups.push_back(group);
      model[dn].push_back(group);
    } else if (MemberTable::Entry* entry = table.Find(dn)) {
      ASSERT_EQ(model.count(dn), 1u) << dn;
      table.Erase(*entry);
      model.erase(dn);
    } else {
      ASSERT_EQ(model.count(dn), 0u) << dn;
    }
    ASSERT_EQ(table.size(), model.size());
  }
  for (const std::string& dn : dns) {
    const MemberTable::Entry* entry = std::as_const(table).Find(dn);
    auto it = model.find(dn);
    ASSERT_EQ(entry == nullptr, it == model.end()) << dn;
    if (entry == nullptr) continue;
    EXPECT_EQ(entry->member, dn);
    EXPECT_EQ(std::vector<const std::string*>(entry->groups.begin(), entry->groups.end()),
              it->second)
        << dn;
  }
}

TEST(MemberTableTest, AnEntryCanBePointedAtAnEqualDn) {
  std::string first = "uid=bob,ou=people";
  const std::string second = first;
  MemberTable table;
  table.Reserve(100);
  table.FindOrAdd(first);
  table.Find(first)->member = second;
  first = "gone";
  const MemberTable::Entry* entry = table.Find("uid=bob,ou=people");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->member.data(), second.data());
  table.Clear();
  EXPECT_EQ(table.Find("uid=bob,ou=people"), nullptr);
  EXPECT_EQ(table.size(), 0u);
}

}  // namespace
}  // namespace pmbridge
