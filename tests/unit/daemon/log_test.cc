#include "bridge/log.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace pmbridge {
namespace {

using namespace std::chrono_literals;

class FixedClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    // 2026-11-23T08:50:51.123Z
    return std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + 8h + 50min + 51s + 123ms;
  }
};

// What the logger writes, read back from a temporary file.
class Captured {
 public:
  Captured() : file_(std::tmpfile()) {}
  ~Captured() {
    if (file_ != nullptr) std::fclose(file_);
  }
  std::FILE* file() { return file_; }
  std::string Text() {
    std::fflush(file_);
    std::rewind(file_);
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) out.append(buf, n);
    return out;
  }
  std::vector<std::string> Lines() {
    std::vector<std::string> lines;
    std::istringstream in(Text());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

 private:
  std::FILE* file_;
};

class LoggerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(out_.file(), nullptr); }
  FixedClock clock_;
  Captured out_;
};

TEST_F(LoggerTest, TextLineHasTimestampLevelEventAndFields) {
  Logger logger(LogFormat::kText, out_.file(), clock_);
  logger.Info("reconcile.applied", {{"create", 3}, {"login", "erin evans"}});
  EXPECT_EQ(out_.Text(),
            "2026-11-23T08:50:51.123Z info reconcile.applied create=3 login=\"erin evans\"\n");
}

TEST_F(LoggerTest, TextFormatsEveryValueType) {
  Logger logger(LogFormat::kText, out_.file(), clock_);
  const std::string login = "carol";
  logger.Warning("guard.held", {{"login", login},
                                {"negative", -42},
                                {"big", std::numeric_limits<std::uint64_t>::max()},
                                {"size", std::size_t{7}},
                                {"seconds", 0.25},
                                {"forced", false},
                                {"dry_run", true}});
  EXPECT_EQ(out_.Text(),
            "2026-11-23T08:50:51.123Z warning guard.held login=carol negative=-42 "
            "big=18446744073709551615 size=7 seconds=0.25 forced=false dry_run=true\n");
}

TEST_F(LoggerTest, TextQuotesAndEscapesValues) {
  Logger logger(LogFormat::kText, out_.file(), clock_);
  logger.Error("e", {{"empty", ""},
                     {"quote", "say \"hi\""},
                     {"equals", "a=b"},
                     {"backslash", "C:\\x"},
                     {"tab", "a\tb"},
                     {"control", std::string("a\x01z", 3)},
                     {"utf8", "Jos\xc3\xa9"},
                     {"dn", "cn=pm-nurses,ou=groups"}});
  EXPECT_EQ(out_.Text(),
            "2026-11-23T08:50:51.123Z error e empty=\"\" quote=\"say \\\"hi\\\"\" "
            "equals=\"a=b\" backslash=\"C:\\\\x\" tab=\"a\\tb\" control=\"a\\x01z\" "
            "utf8=Jos\xc3\xa9 dn=\"cn=pm-nurses,ou=groups\"\n");
}

TEST_F(LoggerTest, TextValueCannotForgeASecondLine) {
  Logger logger(LogFormat::kText, out_.file(), clock_);
  logger.Info("user.changed", {{"login", "mallory\n2026-11-23T08:50:51.123Z info admin.ok\r"}});
  const std::vector<std::string> lines = out_.Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "2026-11-23T08:50:51.123Z info user.changed "
            "login=\"mallory\\n2026-11-23T08:50:51.123Z info admin.ok\\r\"");
}

TEST_F(LoggerTest, EventAndKeysAreSanitisedNames) {
  Logger logger(LogFormat::kText, out_.file(), clock_);
  logger.Info("bad event\n", {{"a key=", 1}, {"", 2}});
  EXPECT_EQ(out_.Text(), "2026-11-23T08:50:51.123Z info bad_event_ a_key_=1 _=2\n");
}

TEST_F(LoggerTest, JsonLineParsesWithFieldsInOrder) {
  Logger logger(LogFormat::kJson, out_.file(), clock_);
  logger.Info("reconcile.applied", {{"create", 3}, {"login", "erin evans"}, {"ratio", 0.5}});
  EXPECT_EQ(out_.Text(),
            "{\"ts\":\"2026-11-23T08:50:51.123Z\",\"level\":\"info\","
            "\"event\":\"reconcile.applied\",\"create\":3,\"login\":\"erin evans\","
            "\"ratio\":0.5}\n");
}

TEST_F(LoggerTest, JsonEscapesControlCharactersOnOneLine) {
  Logger logger(LogFormat::kJson, out_.file(), clock_);
  const std::string hostile = "a\nb\r\"c\"\\\x01";
  logger.Info("user.changed", {{"login", hostile}, {"ok", true}});
  const std::vector<std::string> lines = out_.Lines();
  ASSERT_EQ(lines.size(), 1u);
  const nlohmann::json parsed = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(parsed["login"], hostile);
  EXPECT_EQ(parsed["ok"], true);
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["event"], "user.changed");
}

TEST_F(LoggerTest, JsonReplacesInvalidUtf8InsteadOfThrowing) {
  Logger logger(LogFormat::kJson, out_.file(), clock_);
  logger.Info("user.changed", {{"login", std::string("bad\xff", 4)}});
  const nlohmann::json parsed = nlohmann::json::parse(out_.Text());
  EXPECT_EQ(parsed["login"], "bad\xef\xbf\xbd");  // U+FFFD
}

TEST_F(LoggerTest, JsonFieldsCannotOverwriteTheEnvelope) {
  Logger logger(LogFormat::kJson, out_.file(), clock_);
  logger.Info("x", {{"level", "error"}, {"ts", 1}});
  const nlohmann::json parsed = nlohmann::json::parse(out_.Text());
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["ts"], "2026-11-23T08:50:51.123Z");
  EXPECT_EQ(parsed["field.level"], "error");
  EXPECT_EQ(parsed["field.ts"], 1);
}

TEST_F(LoggerTest, EventsBelowTheMinimumLevelAreDropped) {
  Logger logger(LogFormat::kText, out_.file(), clock_);
  EXPECT_EQ(logger.min_level(), LogLevel::kInfo);
  logger.Debug("hidden");
  logger.set_min_level(LogLevel::kWarning);
  logger.Info("hidden");
  logger.Warning("shown");
  logger.Error("shown.too");
  logger.set_min_level(LogLevel::kDebug);
  logger.Debug("shown.debug");
  EXPECT_EQ(out_.Text(),
            "2026-11-23T08:50:51.123Z warning shown\n"
            "2026-11-23T08:50:51.123Z error shown.too\n"
            "2026-11-23T08:50:51.123Z debug shown.debug\n");
}

TEST_F(LoggerTest, LinesFromManyThreadsNeverInterleave) {
  Logger logger(LogFormat::kJson, out_.file(), clock_);
  constexpr int kThreads = 4;
  constexpr int kLines = 250;
  const std::string padding(300, 'x');  // long lines make a torn write likely if unlocked
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&logger, &padding, t] {
      for (int i = 0; i < kLines; ++i) {
        logger.Info("load", {{"thread", t}, {"line", i}, {"padding", padding}});
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::vector<std::string> lines = out_.Lines();
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kLines));
  std::vector<int> next(kThreads, 0);
  for (const std::string& line : lines) {
    const nlohmann::json parsed = nlohmann::json::parse(line);
    const int t = parsed["thread"];
    EXPECT_EQ(parsed["line"], next[t]++);  // each thread's lines whole and in order
    EXPECT_EQ(parsed["padding"], padding);
  }
}

TEST(LogLevelTest, ParsesNamesAndFormats) {
  EXPECT_EQ(*ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(*ParseLogLevel("info"), LogLevel::kInfo);
  EXPECT_EQ(*ParseLogLevel("warning"), LogLevel::kWarning);
  EXPECT_EQ(*ParseLogLevel("warn"), LogLevel::kWarning);
  EXPECT_EQ(*ParseLogLevel("error"), LogLevel::kError);
  EXPECT_EQ(ParseLogLevel("loud").status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(*ParseLogFormat("text"), LogFormat::kText);
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("xml").status().code(), ErrorCode::kInvalidInput);
  EXPECT_STREQ(LogLevelName(LogLevel::kWarning), "warning");
}

}  // namespace
}  // namespace pmbridge
