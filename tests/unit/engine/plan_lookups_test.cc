// The planner's lookups over the current state: accounts by user_id, the first holder of a
// folded login, a link by anchor. Each answers exactly what a plain search would, in
// whatever order the rows come and the questions are asked.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "bridge/accounts_by_id.h"
#include "bridge/link_finder.h"
#include "bridge/login_holders.h"
#include "bridge/resolver.h"

namespace pmbridge {
namespace {

PmAccount AccountWith(std::int64_t user_id, const std::string& login) {
  PmAccount a;
  a.user_id = user_id;
  a.fields.login = login;
  return a;
}

// Logins "u000" .. with some repeated and some differing only in case.
std::vector<PmAccount> Accounts(int count, std::mt19937& random) {
  std::vector<PmAccount> accounts;
  for (int i = 0; i < count; ++i) {
    std::string login = "u" + std::to_string(1000 + random() % (count * 2));
    if (random() % 7 == 0) login[0] = 'U';
    accounts.push_back(AccountWith(static_cast<std::int64_t>(random() % (count * 3)), login));
  }
  return accounts;
}

TEST(PlanLookupsTest, AccountsByIdFindTheFirstAccountOfAnId) {
  std::mt19937 random(7);
  const std::vector<PmAccount> accounts = Accounts(500, random);
  const AccountsById by_id(accounts);
  for (std::int64_t id = -1; id < 1600; ++id) {
    auto first = std::find_if(accounts.begin(), accounts.end(),
                              [id](const PmAccount& a) { return a.user_id == id; });
    EXPECT_EQ(by_id.Find(id), first == accounts.end() ? nullptr : &*first) << id;
  }
}

// Ids asked in ascending order (links read in user_id order) gallop from the last answer;
// in descending or shuffled order FindFrom still answers as Find does.
TEST(PlanLookupsTest, AccountsByIdFindFromAnswersAsFindInAnyOrder) {
  std::mt19937 random(11);
  const std::vector<PmAccount> accounts = Accounts(500, random);
  const AccountsById by_id(accounts);
  std::vector<std::int64_t> ids;
  for (std::int64_t id = -1; id < 1600; id += 1 + static_cast<std::int64_t>(random() % 5)) {
    ids.push_back(id);
  }
  std::vector<std::int64_t> descending(ids.rbegin(), ids.rend());
  std::vector<std::int64_t> shuffled = ids;
  std::shuffle(shuffled.begin(), shuffled.end(), random);
  for (const std::vector<std::int64_t>* order : {&ids, &descending, &shuffled}) {
    std::size_t cursor = 0;
    for (std::int64_t id : *order) EXPECT_EQ(by_id.FindFrom(id, cursor), by_id.Find(id)) << id;
  }
}

TEST(PlanLookupsTest, LoginHoldersAnswerLikeAScanInAnyOrderOfQuestions) {
  std::mt19937 random(11);
  for (bool sorted : {true, false}) {
    std::vector<PmAccount> accounts = Accounts(400, random);
    if (sorted) {
      std::stable_sort(accounts.begin(), accounts.end(), [](const auto& a, const auto& b) {
        return FoldLogin(a.fields.login) < FoldLogin(b.fields.login);
      });
    }
    std::vector<std::string> questions;
    for (int i = 900; i < 1900; ++i) questions.push_back("u" + std::to_string(i));
    questions.push_back("");
    questions.push_back("zzz");
    // Ascending (the planner's order), then shuffled.
    for (bool shuffled : {false, true}) {
      if (shuffled) std::shuffle(questions.begin(), questions.end(), random);
      LoginHolders holders(accounts);
      for (const std::string& login : questions) {
        auto first = std::find_if(accounts.begin(), accounts.end(), [&](const PmAccount& a) {
          return FoldLogin(a.fields.login) == login;
        });
        EXPECT_EQ(holders.FirstHolder(login), first == accounts.end() ? nullptr : &*first)
            << login << (sorted ? " sorted" : " unsorted") << (shuffled ? " shuffled" : "");
      }
    }
  }
}

TEST(PlanLookupsTest, LinkFinderFindsEveryAnchorInAnyOrder) {
  std::vector<AccountLink> links;
  for (int i = 0; i < 300; ++i) links.push_back({i, "anchor-" + std::to_string(i), "dn"});
  std::vector<std::string> questions;
  for (int i = -5; i < 305; ++i) questions.push_back("anchor-" + std::to_string(i));
  std::mt19937 random(3);
  for (bool shuffled : {false, true}) {
    if (shuffled) std::shuffle(questions.begin(), questions.end(), random);
    LinkFinder finder(links);
    for (const std::string& anchor : questions) {
      const int i = std::stoi(anchor.substr(7));
      std::optional<std::size_t> found = finder.Find(anchor);
      if (i < 0 || i >= 300) {
        EXPECT_FALSE(found) << anchor;
      } else {
        ASSERT_TRUE(found) << anchor;
        EXPECT_EQ(*found, static_cast<std::size_t>(i));
      }
    }
  }
}

}  // namespace
}  // namespace pmbridge
