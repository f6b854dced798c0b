// The access records of personal data: numbered, filtered, paged, trimmed
// after the retention period, numbering kept across a restart.

#include "server/app/access_log.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "server/app/registry.h"
#include "tests/testing.h"

namespace jiwon::app {
namespace {

class AccessLogTest : public ::testing::Test {
 protected:
  void Open(int retention_days = 730) {
    log_.reset();
    store_.reset();
    auto s = storage::OpenRocksDbStore(dir_.path());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
    auto l =
        AccessLog::Open(store_.get(), retention_days, [this] { return now_; });
    ASSERT_TRUE(l.ok()) << l.status();
    log_ = *std::move(l);
  }

  void Append(std::vector<std::string> companies, std::string caller = "p") {
    v1::AccessRecord r;
    r.set_caller(std::move(caller));
    r.set_role("portal");
    r.set_method("/jiwon.v1.CompanyService/GetCompany");
    for (std::string& c : companies) r.add_company_ids(std::move(c));
    r.add_fields("business_number");
    ASSERT_TRUE(log_->Append(r).ok());
  }

  std::vector<std::string> Ids(std::string_view company, std::string_view since,
                               int page_size = 0) {
    std::vector<std::string> out;
    std::string token;
    for (;;) {
      auto page = log_->Read(company, since, page_size, token);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return out;
      for (const v1::AccessRecord& r : page->records) out.push_back(r.id());
      if (page->next_page_token.empty()) return out;
      token = page->next_page_token;
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<AccessLog> log_;
  int64_t now_ = 1'780'000'000;  // 2026-05-28T20:26:40Z
};

TEST_F(AccessLogTest, NumbersFiltersAndPages) {
  Open();
  for (int i = 0; i < 25; ++i) {
    now_ += 60;
    Append({absl::StrCat("C", i % 3), "X"});
  }
  std::vector<std::string> all = Ids("", "");
  ASSERT_EQ(all.size(), 25u);
  EXPECT_EQ(all.front(), "1");
  EXPECT_EQ(all.back(), "25");
  EXPECT_EQ(Ids("", "", 4), all);  // seven pages of four
  EXPECT_EQ(Ids("C1", ""), (std::vector<std::string>{"2", "5", "8", "11", "14",
                                                     "17", "20", "23"}));
  EXPECT_EQ(Ids("C1", "", 3).size(), 8u);
  EXPECT_EQ(Ids("X", "").size(), 25u);
  EXPECT_TRUE(Ids("nobody", "").empty());
  // From a time on: record n was made at start + 60 n.
  EXPECT_EQ(Ids("", Rfc3339(1'780'000'000 + 60 * 20)),
            (std::vector<std::string>{"20", "21", "22", "23", "24", "25"}));
  EXPECT_TRUE(Ids("", Rfc3339(now_ + 1)).empty());
  auto page = log_->Read("", "", 1, "");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->records[0].caller(), "p");
  EXPECT_EQ(page->records[0].time(), Rfc3339(1'780'000'060));
  EXPECT_FALSE(log_->Read("", "", 1001, "").ok());
  EXPECT_FALSE(log_->Read("", "", 0, "abc").ok());
}

TEST_F(AccessLogTest, OldRecordsLeaveAfterTheRetentionAndNumbersGoOn) {
  Open(/*retention_days=*/10);
  for (int day = 0; day < 20; ++day) {
    Append({absl::StrCat("D", day)});
    now_ += 86400;
  }
  // A day passes between appends, so each one trims (at most once an
  // hour) what has become older than 10 days.
  std::vector<std::string> kept = Ids("", "");
  ASSERT_FALSE(kept.empty());
  EXPECT_EQ(kept.back(), "20");
  EXPECT_EQ(kept.front(), "10");  // made 10 days before the last append
  EXPECT_EQ(log_->first_id(), 10u);
  // After a restart the numbers go on, even with every record trimmed.
  now_ += 100 * 86400;
  Open(10);
  EXPECT_TRUE(Ids("", "").empty());
  Append({"E"});
  EXPECT_EQ(Ids("", ""), std::vector<std::string>{"21"});
}

TEST_F(AccessLogTest, ZeroRetentionKeepsEverything) {
  Open(0);
  for (int day = 0; day < 5; ++day) {
    Append({"K"});
    now_ += 1000 * 86400;
  }
  Open(0);
  EXPECT_EQ(Ids("", "").size(), 5u);
}

}  // namespace
}  // namespace jiwon::app
