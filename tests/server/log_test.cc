#include "server/log.h"

#include <gtest/gtest.h>

namespace jiwon::server {
namespace {

// 2026-12-02T01:02:03.045Z
constexpr int64_t kMillis = 1796173323045;

TEST(LogTest, TextLineHasTimeLevelMessageAndFields) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, kMillis, LogLevel::kInfo,
                          "rescore finished",
                          {{"run", "r-1"},
                           {"companies", int64_t{1000}},
                           {"seconds", 1.5},
                           {"note", "two words"}}),
            "2026-12-02T01:02:03.045Z INFO rescore finished run=r-1 "
            "companies=1000 seconds=1.5 note=\"two words\"");
}

TEST(LogTest, JsonLineIsOneObject) {
  EXPECT_EQ(FormatLogLine(LogFormat::kJson, kMillis, LogLevel::kWarning,
                          "a \"quoted\" \\ message",
                          {{"companies", int64_t{7}}, {"name", "경기"}}),
            "{\"time\":\"2026-12-02T01:02:03.045Z\",\"level\":\"warning\","
            "\"message\":\"a \\\"quoted\\\" \\\\ message\",\"companies\":7,"
            "\"name\":\"경기\"}");
}

TEST(LogTest, ACallerCannotStartALineOfItsOwn) {
  const std::string hostile = "id\n2026-12-02T00:00:00.000Z ERROR forged";
  for (LogFormat f : {LogFormat::kText, LogFormat::kJson}) {
    const std::string line =
        FormatLogLine(f, kMillis, LogLevel::kInfo, hostile, {{"id", hostile}});
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    EXPECT_NE(line.find("\\n"), std::string::npos) << line;
  }
}

TEST(LogTest, JsonReplacesBytesThatAreNotUtf8) {
  const std::string line =
      FormatLogLine(LogFormat::kJson, kMillis, LogLevel::kError,
                    std::string("bad \xff\xc3 end \x01"), {});
  EXPECT_NE(line.find("bad \\ufffd\\ufffd end \\u0001"), std::string::npos)
      << line;
  // A Korean syllable cut in two is not UTF-8 either.
  const std::string cut = std::string("한").substr(0, 2);
  EXPECT_NE(FormatLogLine(LogFormat::kJson, kMillis, LogLevel::kInfo, cut, {})
                .find("\\ufffd\\ufffd"),
            std::string::npos);
}

TEST(LogTest, NumbersThatAreNotFiniteAreNull) {
  EXPECT_NE(FormatLogLine(LogFormat::kJson, kMillis, LogLevel::kInfo, "m",
                          {{"rate", 0.0 / 0.0}})
                .find("\"rate\":null"),
            std::string::npos);
}

TEST(LogTest, LevelsAndFormatsParse) {
  EXPECT_EQ(*ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(*ParseLogLevel("INFO"), LogLevel::kInfo);
  EXPECT_EQ(*ParseLogLevel("warn"), LogLevel::kWarning);
  EXPECT_EQ(*ParseLogLevel("error"), LogLevel::kError);
  EXPECT_FALSE(ParseLogLevel("verbose").ok());
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_FALSE(ParseLogFormat("xml").ok());
}

TEST(LogTest, LinesBelowTheLevelAreDropped) {
  SetLogLevel(LogLevel::kWarning);
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
  SetLogLevel(LogLevel::kDebug);
  EXPECT_TRUE(LogEnabled(LogLevel::kDebug));
  SetLogLevel(LogLevel::kInfo);
}

}  // namespace
}  // namespace jiwon::server
