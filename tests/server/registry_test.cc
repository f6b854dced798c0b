#include "server/app/registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "tests/testing.h"

namespace jiwon::app {
namespace {

template <typename M>
M FromJson(const std::string& json) {
  M m;
  auto s = google::protobuf::util::JsonStringToMessage(json, &m);
  EXPECT_TRUE(s.ok()) << s.message();
  return m;
}

v1::Company Company(const std::string& id,
                    const std::string& region = "41610") {
  return FromJson<v1::Company>(
      R"({"id":")" + id +
      R"(","name":"테스트","business_number":"220-81-62517",
      "head_office_region":")" +
      region + R"(","primary_industry":"25929",
      "founded_on":"2016-05-16","independent":true,"total_assets_won":"1000000000",
      "regular_employees":12,
      "fiscal_years":[{"year":2025,"revenue_won":"3000000000"}],
      "tax_arrears":{"value":false}})");
}

v1::Program Program(const std::string& id, const std::string& region = "41") {
  return FromJson<v1::Program>(R"({"id":")" + id + R"(","title":"지원사업",
      "category":"CATEGORY_TECHNOLOGY","window":{"kind":"WINDOW_KIND_ROLLING"},
      "rules":[{"id":"region","kind":"RULE_KIND_REQUIRE","label":"지역",
        "condition":{"predicate":{"fact":"FACT_HEAD_OFFICE_REGION",
          "op":"OPERATOR_IN","codes":[")" +
                               region + R"("]}}},
       {"id":"arrears","kind":"RULE_KIND_EXCLUDE","label":"체납 제외",
        "condition":{"predicate":{"fact":"FACT_TAX_ARREARS","op":"OPERATOR_IS_TRUE"}}}]})");
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::OpenRocksDbStore(dir_.path());
    JIWON_ASSERT_OK(store);
    store_ = *std::move(store);
    Reopen();
  }

  void Reopen() {
    registry_.reset();
    auto r = Registry::Open(store_.get(), &testing::Reference());
    JIWON_ASSERT_OK(r);
    registry_ = *std::move(r);
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Registry> registry_;
};

google::protobuf::FieldMask Mask(std::vector<std::string> paths) {
  google::protobuf::FieldMask m;
  for (std::string& p : paths) m.add_paths(std::move(p));
  return m;
}

// A name and an employee count sent for a profile of many facts change
// those two and nothing else; a named field left out becomes unknown.
TEST_F(RegistryTest, AnUpdateChangesTheNamedFieldsOnly) {
  v1::Company c = Company("C1");
  JIWON_ASSERT_OK(registry_->UpsertCompany(&c));
  const v1::Company before = *registry_->GetCompany("C1");
  v1::Company patch;
  patch.set_id("C1");
  patch.set_name("(주)새이름");
  patch.set_regular_employees(40);
  v1::Company stored;
  auto w = registry_->UpdateCompany(patch, Mask({"name", "regular_employees"}),
                                    std::nullopt, nullptr, &stored);
  JIWON_ASSERT_OK(w);
  EXPECT_FALSE(w->unchanged);
  auto got = registry_->GetCompany("C1");
  JIWON_ASSERT_OK(got);
  EXPECT_EQ(got->name(), "(주)새이름");
  EXPECT_EQ(got->regular_employees(), 40);
  EXPECT_EQ(got->version(), 2);
  v1::Company rest = *got;
  rest.set_name(before.name());
  rest.set_regular_employees(before.regular_employees());
  rest.set_version(before.version());
  EXPECT_EQ(rest.SerializeAsString(), before.SerializeAsString())
      << rest.ShortDebugString() << "\n"
      << before.ShortDebugString();
  EXPECT_EQ(stored.SerializeAsString(), got->SerializeAsString());
  // The domain view follows: the matcher sees 40 employees.
  auto domain = registry_->LoadCompany("C1");
  JIWON_ASSERT_OK(domain);
  EXPECT_EQ(domain->regular_employees, 40);

  // A masked field absent from the patch is cleared, on purpose.
  v1::Company clear;
  clear.set_id("C1");
  JIWON_ASSERT_OK(registry_->UpdateCompany(clear, Mask({"fiscal_years"}),
                                           std::nullopt, nullptr, &stored));
  got = registry_->GetCompany("C1");
  EXPECT_EQ(got->fiscal_years_size(), 0);
  EXPECT_EQ(got->name(), "(주)새이름");
  EXPECT_EQ(got->version(), 3);

  // No mask: the fields the patch sets.
  v1::Company implied;
  implied.set_id("C1");
  implied.set_regular_employees(41);
  JIWON_ASSERT_OK(registry_->UpdateCompany(implied, Mask({}), std::nullopt,
                                           nullptr, &stored));
  got = registry_->GetCompany("C1");
  EXPECT_EQ(got->regular_employees(), 41);
  EXPECT_EQ(got->name(), "(주)새이름");

  // The same values again: nothing is written, the version stays.
  auto same = registry_->UpdateCompany(implied, Mask({"regular_employees"}),
                                       std::nullopt, nullptr, &stored);
  JIWON_ASSERT_OK(same);
  EXPECT_TRUE(same->unchanged);
  EXPECT_EQ(registry_->GetCompany("C1")->version(), 4);
}

TEST_F(RegistryTest, ABadMaskOrAStaleVersionChangesNothing) {
  v1::Company c = Company("C1");
  JIWON_ASSERT_OK(registry_->UpsertCompany(&c));
  const std::string before = registry_->GetCompany("C1")->SerializeAsString();
  v1::Company patch;
  patch.set_id("C1");
  patch.set_name("바뀜");
  v1::Company stored;
  auto bad = registry_->UpdateCompany(
      patch,
      Mask({"name", "nmae", "version", "fiscal_years.revenue_won", "name"}),
      std::nullopt, nullptr, &stored);
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  const std::vector<engine::FieldError> errors =
      engine::FieldErrorsOf(bad.status());
  ASSERT_EQ(errors.size(), 4u) << bad.status();
  EXPECT_EQ(errors[0].field, "update_mask.paths[1]");
  EXPECT_EQ(errors[1].field, "update_mask.paths[2]");
  EXPECT_EQ(errors[2].field, "update_mask.paths[3]");
  EXPECT_NE(errors[2].message.find("top-level"), std::string::npos);
  EXPECT_EQ(errors[3].field, "update_mask.paths[4]");
  for (const auto& e : errors) EXPECT_EQ(e.reason, "BAD_FIELD_MASK");
  // An invalid value through the mask is refused like any other.
  patch.set_head_office_region("99");
  auto invalid = registry_->UpdateCompany(patch, Mask({"head_office_region"}),
                                          std::nullopt, nullptr, &stored);
  EXPECT_EQ(engine::ReasonOf(invalid.status()), "UNKNOWN_REGION_CODE");
  // A stale version.
  auto stale = registry_->UpdateCompany(patch, Mask({"name"}), int64_t{7},
                                        nullptr, &stored);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(engine::ReasonOf(stale.status()), "VERSION_MISMATCH");
  v1::Company whole = Company("C1");
  whole.set_name("전체");
  auto stale_upsert = registry_->UpsertCompany(&whole, int64_t{3});
  EXPECT_EQ(stale_upsert.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(registry_->DeleteCompany("C1", int64_t{2}).code(),
            absl::StatusCode::kAborted);
  // The refusal of the admit hook (the RPC layer's scope check).
  auto refused = registry_->UpdateCompany(
      patch, Mask({"name"}), std::nullopt,
      [](const v1::Company&, const v1::Company& updated) {
        return updated.name() == "바뀜" ? absl::PermissionDeniedError("no")
                                        : absl::OkStatus();
      },
      &stored);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(registry_->GetCompany("C1")->SerializeAsString(), before);
  // Missing company.
  patch.set_id("C2");
  EXPECT_EQ(engine::ReasonOf(registry_
                                 ->UpdateCompany(patch, Mask({"name"}),
                                                 std::nullopt, nullptr, &stored)
                                 .status()),
            "COMPANY_NOT_FOUND");
  // At the version read, the write goes through.
  whole.set_name("전체");
  auto current = registry_->UpsertCompany(&whole, int64_t{1});
  JIWON_ASSERT_OK(current);
  EXPECT_EQ(whole.version(), 2);
  JIWON_ASSERT_OK(registry_->DeleteCompany("C1", int64_t{2}));
}

TEST_F(RegistryTest, ImportingTheSameCompaniesAgainWritesNothing) {
  std::vector<v1::Company> records = {Company("A"), Company("B")};
  std::vector<engine::Company> domains;
  for (v1::Company& c : records) {
    auto d = registry_->PrepareCompany(&c);
    JIWON_ASSERT_OK(d);
    domains.push_back(*std::move(d));
  }
  std::vector<v1::Company> again = records;
  auto first = registry_->StoreCompanies(records, domains);
  JIWON_ASSERT_OK(first);
  EXPECT_EQ(*first, 0);
  EXPECT_EQ(registry_->GetCompany("A")->version(), 1);
  again[1].set_name("바뀐 이름");
  auto second = registry_->StoreCompanies(again, domains);
  JIWON_ASSERT_OK(second);
  EXPECT_EQ(*second, 1);  // A as stored; B changed
  EXPECT_EQ(registry_->GetCompany("A")->version(), 1);
  EXPECT_EQ(registry_->GetCompany("B")->version(), 2);
}

TEST_F(RegistryTest, AProgramUpdateReplacesTheNamedFieldsOnce) {
  JIWON_ASSERT_OK(registry_->UpsertProgram(Program("p1")));
  const int64_t catalog = registry_->catalog()->version();
  v1::Program patch;
  patch.set_id("p1");
  patch.set_title("새 제목");
  auto w = registry_->UpdateProgram(patch, Mask({"title"}));
  JIWON_ASSERT_OK(w);
  EXPECT_EQ(w->program.title(), "새 제목");
  EXPECT_EQ(w->program.rules_size(), 2);  // not named: kept
  EXPECT_EQ(w->catalog_version, catalog + 1);
  auto same = registry_->UpdateProgram(patch, Mask({"title"}));
  JIWON_ASSERT_OK(same);
  EXPECT_TRUE(same->unchanged);
  EXPECT_EQ(registry_->catalog()->version(), catalog + 1);
  EXPECT_EQ(registry_->UpdateProgram(patch, Mask({"title"}), int64_t{1})
                .status()
                .code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(engine::ReasonOf(
                registry_->UpdateProgram(patch, Mask({"rules.id"})).status()),
            "BAD_FIELD_MASK");
  patch.set_id("nope");
  EXPECT_EQ(engine::ReasonOf(
                registry_->UpdateProgram(patch, Mask({"title"})).status()),
            "PROGRAM_NOT_FOUND");
}

TEST_F(RegistryTest, UpsertReportsCreationAndNormalises) {
  v1::Company c = Company("C1");
  auto created = registry_->UpsertCompany(&c);
  JIWON_ASSERT_OK(created);
  EXPECT_TRUE(created->created);
  EXPECT_FALSE(created->unchanged);
  EXPECT_EQ(c.business_number(), "2208162517");
  EXPECT_EQ(c.version(), 1);
  auto again = registry_->UpsertCompany(&c);
  JIWON_ASSERT_OK(again);
  EXPECT_FALSE(again->created);
  EXPECT_TRUE(again->unchanged);
  EXPECT_EQ(c.version(), 1);
  auto got = registry_->GetCompany("C1");
  JIWON_ASSERT_OK(got);
  EXPECT_EQ(got->business_number(), "2208162517");
}

TEST_F(RegistryTest, RejectedRecordChangesNothing) {
  v1::Company good = Company("C1");
  JIWON_ASSERT_OK(registry_->UpsertCompany(&good));
  v1::Company bad = Company("C1", "99999");
  bad.set_name("changed");
  auto s = registry_->UpsertCompany(&bad);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("company.head_office_region"),
            absl::string_view::npos);
  EXPECT_EQ(registry_->GetCompany("C1")->name(), "테스트");

  v1::Company new_bad = Company("C2");
  new_bad.set_founded_on("2021-02-30");
  s = registry_->UpsertCompany(&new_bad);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("company.founded_on"),
            absl::string_view::npos);
  EXPECT_EQ(registry_->GetCompany("C2").status().code(),
            absl::StatusCode::kNotFound);

  v1::Program p = Program("p1");
  p.mutable_window()->set_kind(v1::WINDOW_KIND_FIXED);
  p.mutable_window()->set_opens_on("2026-05-01");
  p.mutable_window()->set_closes_on("2026-04-01");
  auto w = registry_->UpsertProgram(p);
  EXPECT_EQ(w.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(w.status().message().find("program.window.closes_on"),
            absl::string_view::npos);
  EXPECT_EQ(registry_->catalog()->programs().size(), 0u);
  EXPECT_EQ(registry_->catalog()->version(), 0);
}

TEST_F(RegistryTest, MissingRecordsAreNotFound) {
  EXPECT_EQ(registry_->GetCompany("nope").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(registry_->DeleteCompany("nope").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(registry_->DeleteProgram("nope").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(registry_->GetCompany("").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RegistryTest, CatalogVersionsAndReloads) {
  auto w1 = registry_->UpsertProgram(Program("p1"));
  JIWON_ASSERT_OK(w1);
  EXPECT_TRUE(w1->created);
  EXPECT_EQ(w1->catalog_version, 1);
  EXPECT_EQ(w1->program.version(), 1);
  auto w2 = registry_->UpsertProgram(Program("p1", "11"));
  JIWON_ASSERT_OK(w2);
  EXPECT_FALSE(w2->created);
  EXPECT_EQ(w2->program.version(), 2);
  // The same content again changes nothing, whatever version it carries.
  v1::Program same = Program("p1", "11");
  same.set_version(1);
  auto w3 = registry_->UpsertProgram(same);
  JIWON_ASSERT_OK(w3);
  EXPECT_TRUE(w3->unchanged);
  EXPECT_FALSE(w3->created);
  EXPECT_EQ(w3->program.version(), 2);
  EXPECT_EQ(w3->catalog_version, 2);
  EXPECT_EQ(registry_->catalog()->version(), 2);
  // A write that read an older version is refused and changes nothing.
  auto stale = registry_->UpsertProgram(Program("p1", "26"), int64_t{1});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_NE(stale.status().message().find("at version 2"), std::string::npos)
      << stale.status();
  EXPECT_EQ(registry_->catalog()->version(), 2);
  auto kept = registry_->GetProgram("p1");
  JIWON_ASSERT_OK(kept);
  EXPECT_EQ(kept->version(), 2);
  // 0: only if none is stored.
  EXPECT_EQ(
      registry_->UpsertProgram(Program("p1", "26"), int64_t{0}).status().code(),
      absl::StatusCode::kAborted);
  auto fresh = registry_->UpsertProgram(Program("p3"), int64_t{0});
  JIWON_ASSERT_OK(fresh);
  EXPECT_TRUE(fresh->created);
  auto current = registry_->UpsertProgram(Program("p1", "26"), int64_t{2});
  JIWON_ASSERT_OK(current);
  EXPECT_EQ(current->program.version(), 4);
  EXPECT_EQ(registry_->DeleteProgram("p3", int64_t{1}).status().code(),
            absl::StatusCode::kAborted);
  JIWON_ASSERT_OK(registry_->DeleteProgram("p3", int64_t{3}));
  JIWON_ASSERT_OK(registry_->UpsertProgram(Program("p2")));
  auto before = registry_->catalog();
  auto deleted = registry_->DeleteProgram("p2");
  JIWON_ASSERT_OK(deleted);
  EXPECT_EQ(*deleted, 7);
  EXPECT_EQ(before->programs().size(), 2u);  // an old snapshot stays whole
  Reopen();
  EXPECT_EQ(registry_->catalog()->version(), 7);
  ASSERT_EQ(registry_->catalog()->programs().size(), 1u);
  EXPECT_EQ(registry_->catalog()->Find("p1")->version, 4);
}

TEST_F(RegistryTest, ListsCompaniesInPages) {
  for (int i = 0; i < 5; ++i) {
    v1::Company c = Company(absl::StrCat("C", i));
    JIWON_ASSERT_OK(registry_->UpsertCompany(&c));
  }
  auto page = registry_->ListCompanies(2, "");
  JIWON_ASSERT_OK(page);
  ASSERT_EQ(page->companies.size(), 2u);
  EXPECT_FALSE(page->next_page_token.empty());
  std::vector<std::string> ids;
  std::string token;
  do {
    auto p = registry_->ListCompanies(2, token);
    JIWON_ASSERT_OK(p);
    for (const auto& c : p->companies) ids.push_back(c.id());
    token = p->next_page_token;
  } while (!token.empty());
  EXPECT_EQ(ids, (std::vector<std::string>{"C0", "C1", "C2", "C3", "C4"}));
  EXPECT_EQ(registry_->ListCompanies(5000, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine::ReasonOf(registry_->ListCompanies(-1, "").status()),
            "BAD_PAGE_SIZE");
  // A token is opaque and the list's own: made-up ones, a bare id, one
  // changed by a byte or one of another list are refused.
  for (const std::string& bad :
       {std::string("C1"), std::string("!!!"), std::string(600, 'A'),
        page->next_page_token + "A", page->next_page_token.substr(1)}) {
    EXPECT_EQ(engine::ReasonOf(registry_->ListCompanies(2, bad).status()),
              "BAD_PAGE_TOKEN")
        << bad;
  }
  EXPECT_EQ(engine::ReasonOf(
                registry_->ListPrograms(2, page->next_page_token, {}).status()),
            "BAD_PAGE_TOKEN");
}

// The programs' pages go with their filters: a token made under one filter
// is refused under another, and paging under one lists each match once.
TEST_F(RegistryTest, ProgramPagesGoWithTheirFilters) {
  for (int i = 0; i < 5; ++i) {
    JIWON_ASSERT_OK(registry_->UpsertProgram(
        Program(absl::StrCat("p", i), i % 2 == 0 ? "41" : "11")));
  }
  Registry::ProgramFilter gyeonggi;
  gyeonggi.as_of = *engine::Date::Parse("2026-12-01");
  gyeonggi.region = "41610";
  std::vector<std::string> ids;
  std::string token;
  do {
    auto p = registry_->ListPrograms(1, token, gyeonggi);
    JIWON_ASSERT_OK(p);
    for (const auto& [program, status] : p->programs) {
      ids.push_back(program.id());
    }
    token = p->next_page_token;
    if (!token.empty()) {
      Registry::ProgramFilter seoul = gyeonggi;
      seoul.region = "11110";
      EXPECT_EQ(
          engine::ReasonOf(registry_->ListPrograms(1, token, seoul).status()),
          "BAD_PAGE_TOKEN");
    }
  } while (!token.empty());
  EXPECT_EQ(ids, (std::vector<std::string>{"p0", "p2", "p4"}));
}

TEST_F(RegistryTest, ListsProgramsAdmittingARegion) {
  JIWON_ASSERT_OK(registry_->UpsertProgram(Program("gyeonggi", "41")));
  JIWON_ASSERT_OK(registry_->UpsertProgram(Program("gwangju", "41610")));
  JIWON_ASSERT_OK(registry_->UpsertProgram(Program("seoul", "11")));
  Registry::ProgramFilter filter;
  filter.as_of = testing::D("2026-06-01");
  filter.region = "41610";
  auto page = registry_->ListPrograms(0, "", filter);
  JIWON_ASSERT_OK(page);
  std::vector<std::string> ids;
  for (const auto& [p, status] : page->programs) ids.push_back(p.id());
  EXPECT_EQ(ids, (std::vector<std::string>{"gwangju", "gyeonggi"}));
  filter.region =
      "41";  // 광주시 program: unknown for a company known as 경기도
  page = registry_->ListPrograms(0, "", filter);
  JIWON_ASSERT_OK(page);
  EXPECT_EQ(page->programs.size(), 2u);
  filter.region = "12345";
  EXPECT_EQ(registry_->ListPrograms(0, "", filter).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// A listing reads one moment of the catalog: programs deleted and added
// while it runs change neither whether it succeeds nor what one page holds.
TEST_F(RegistryTest, ListingDuringDeletesReadsOneSnapshot) {
  for (int i = 0; i < 60; ++i) {
    JIWON_ASSERT_OK(registry_->UpsertProgram(Program(absl::StrCat("P", i))));
  }
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int round = 0; !stop.load(); ++round) {
      for (int i = 0; i < 60 && !stop.load(); i += 2) {
        const std::string id = absl::StrCat("P", i);
        if (round % 2 == 0) {
          EXPECT_TRUE(registry_->DeleteProgram(id).ok());
        } else {
          EXPECT_TRUE(registry_->UpsertProgram(Program(id)).ok());
        }
      }
    }
  });
  Registry::ProgramFilter filter;
  filter.as_of = testing::D("2026-06-01");
  int lists = 0;
  for (; lists < 300; ++lists) {
    auto page = registry_->ListPrograms(1000, "", filter);
    ASSERT_TRUE(page.ok()) << page.status();
    // Odd ids are never touched; even ones come and go in whole rounds.
    int odd = 0;
    for (const auto& [p, status] : page->programs) {
      odd += (std::stoi(p.id().substr(1)) % 2 == 1);
    }
    EXPECT_EQ(odd, 30);
  }
  stop.store(true);
  writer.join();
  EXPECT_EQ(lists, 300);
}

// A record with fields the schema does not define is refused, by path,
// rather than stored with bytes nobody reads.
TEST_F(RegistryTest, UnknownFieldsAreRefusedByPath) {
  v1::Company c = Company("C1");
  v1::Ceo* ceo = c.add_ceos();
  ceo->set_birth_date("1980-01-01");
  ceo->GetReflection()->MutableUnknownFields(ceo)->AddVarint(99, 7);
  auto r = registry_->UpsertCompany(&c);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("company.ceos[0]: has field number 99"),
            std::string::npos)
      << r.status();
  EXPECT_EQ(registry_->GetCompany("C1").status().code(),
            absl::StatusCode::kNotFound);
  v1::Program p = Program("P1");
  p.GetReflection()->MutableUnknownFields(&p)->AddLengthDelimited(4000, "x");
  EXPECT_EQ(registry_->UpsertProgram(p).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RegistryTest, WhoQualifiesCountsAndStreams) {
  JIWON_ASSERT_OK(registry_->UpsertProgram(Program("gyeonggi", "41")));
  for (const auto& [id, region] :
       std::vector<std::pair<std::string, std::string>>{
           {"A", "41610"}, {"B", "41110"}, {"C", "11110"}}) {
    v1::Company c = Company(id, region);
    JIWON_ASSERT_OK(registry_->UpsertCompany(&c));
  }
  v1::Company unknown = Company("D", "41450");
  unknown.clear_tax_arrears();
  JIWON_ASSERT_OK(registry_->UpsertCompany(&unknown));
  std::vector<std::string> seen;
  auto counts = registry_->WhoQualifies(
      "gyeonggi", testing::D("2026-06-01"), true,
      [&](const v1::Company& c, const engine::Company&,
          const engine::ProgramOutcome&) { seen.push_back(c.id()); });
  JIWON_ASSERT_OK(counts);
  EXPECT_EQ(counts->companies, 4);
  EXPECT_EQ(counts->eligible, 2);
  EXPECT_EQ(counts->undetermined, 1);
  EXPECT_EQ(seen, (std::vector<std::string>{"A", "B", "D"}));
  EXPECT_EQ(registry_
                ->WhoQualifies("nope", testing::D("2026-06-01"), false,
                               [](auto&, auto&, auto&) {})
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RegistryTest, RecommendsAndExplains) {
  JIWON_ASSERT_OK(registry_->UpsertProgram(Program("gyeonggi", "41")));
  JIWON_ASSERT_OK(registry_->UpsertProgram(Program("seoul", "11")));
  v1::Company c = Company("A");
  JIWON_ASSERT_OK(registry_->UpsertCompany(&c));
  auto company = registry_->LoadCompany("A");
  JIWON_ASSERT_OK(company);
  engine::RecommendOptions options;
  options.as_of = testing::D("2026-06-01");
  engine::Recommendation r = registry_->Recommend(*company, options);
  ASSERT_EQ(r.matches.size(), 1u);
  EXPECT_EQ(r.matches[0].program->id, "gyeonggi");
  auto e = registry_->Explain(*company, "seoul", options.as_of);
  JIWON_ASSERT_OK(e);
  EXPECT_EQ(e->outcome.eligibility, engine::Eligibility::kIneligible);
  EXPECT_EQ(e->outcome.rules[0].passed, engine::Truth::kFalse);
  EXPECT_FALSE(e->derived.empty());
}

}  // namespace
}  // namespace jiwon::app

namespace jiwon::app {
namespace {

TEST(ScoringWeightsTest, ParsesADeploymentsWeights) {
  auto w = ParseScoringWeights("need=10,benefit_cap=7");
  JIWON_ASSERT_OK(w);
  EXPECT_EQ(w->per_matching_need, 10);
  EXPECT_EQ(w->benefit_cap, 7);
  EXPECT_EQ(w->per_bonus_point, engine::ScoringWeights().per_bonus_point);
  EXPECT_TRUE(ParseScoringWeights("").ok());
  EXPECT_EQ(ParseScoringWeights("speed=3").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseScoringWeights("need=-1").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseScoringWeights("need").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace jiwon::app

namespace jiwon::app {
namespace {

TEST_F(RegistryTest, RecommendsThroughTheMatcherOnceBuilt) {
  JIWON_ASSERT_OK(registry_->UpsertProgram(Program("gyeonggi", "41")));
  JIWON_ASSERT_OK(registry_->UpsertProgram(Program("gwangju", "41610")));
  registry_->WaitForMatcher();
  auto matcher = registry_->CurrentMatcher();
  ASSERT_NE(matcher, nullptr);
  EXPECT_EQ(matcher->catalog().version(), 2);
  // A change makes the matcher stale until it is rebuilt.
  JIWON_ASSERT_OK(registry_->UpsertProgram(Program("seoul", "11")));
  registry_->WaitForMatcher();
  EXPECT_EQ(registry_->CurrentMatcher()->catalog().version(), 3);
  v1::Company c = Company("A");
  JIWON_ASSERT_OK(registry_->UpsertCompany(&c));
  auto company = registry_->LoadCompany("A");
  JIWON_ASSERT_OK(company);
  engine::RecommendOptions options;
  options.as_of = testing::D("2026-06-01");
  int64_t version = 0;
  engine::Recommendation r = registry_->Recommend(*company, options, &version);
  EXPECT_EQ(version, 3);
  std::vector<std::string> ids;
  for (const auto& o : r.matches) ids.push_back(o.program->id);
  EXPECT_EQ(ids, (std::vector<std::string>{"gwangju", "gyeonggi"}));
  EXPECT_EQ(r.ineligible, 1);
}

}  // namespace
}  // namespace jiwon::app

namespace jiwon::app {
namespace {

TEST_F(RegistryTest, CompanyColumnsFollowWritesAndReopening) {
  JIWON_ASSERT_OK(registry_->UpsertProgram(Program("gyeonggi", "41")));
  for (const char* id : {"A", "B", "C"}) {
    v1::Company c = Company(id);
    JIWON_ASSERT_OK(registry_->UpsertCompany(&c));
  }
  auto who = [&] {
    std::vector<std::string> ids;
    auto counts = registry_->WhoQualifies(
        "gyeonggi", testing::D("2026-06-01"), false,
        [&](const v1::Company& c, const engine::Company&,
            const engine::ProgramOutcome& o) {
          EXPECT_EQ(o.eligibility, engine::Eligibility::kEligible);
          ids.push_back(c.id());
        });
    EXPECT_TRUE(counts.ok());
    return ids;
  };
  EXPECT_EQ(who(), (std::vector<std::string>{"A", "B", "C"}));
  v1::Company moved = Company("B", "11110");
  JIWON_ASSERT_OK(registry_->UpsertCompany(&moved));
  JIWON_ASSERT_OK(registry_->DeleteCompany("C"));
  EXPECT_EQ(who(), (std::vector<std::string>{"A"}));
  Reopen();
  EXPECT_EQ(who(), (std::vector<std::string>{"A"}));
}

}  // namespace
}  // namespace jiwon::app

namespace jiwon::app {
namespace {

TEST_F(RegistryTest, FeedbackIsRecordedListedAndUndone) {
  JIWON_ASSERT_OK(registry_->UpsertProgram(Program("p1")));
  JIWON_ASSERT_OK(registry_->UpsertProgram(Program("p2")));
  v1::Company c = Company("A");
  JIWON_ASSERT_OK(registry_->UpsertCompany(&c));
  v1::Feedback f;
  f.set_company_id("A");
  f.set_program_id("p2");
  f.set_kind(v1::FEEDBACK_KIND_DISMISSED);
  f.set_note("관심 없음");
  auto stored = registry_->RecordFeedback(f);
  JIWON_ASSERT_OK(stored);
  EXPECT_FALSE(stored->recorded_at().empty());
  f.set_program_id("p1");
  f.set_kind(v1::FEEDBACK_KIND_SAVED);
  JIWON_ASSERT_OK(registry_->RecordFeedback(f));
  auto all = registry_->ListFeedback("A");
  JIWON_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].program_id(), "p1");
  EXPECT_EQ((*all)[1].note(), "관심 없음");
  EXPECT_EQ(registry_->DismissedPrograms("A"), std::vector<std::string>{"p2"});
  // Another company's feedback stays apart ("A" is a prefix of "AB").
  v1::Company other = Company("AB");
  JIWON_ASSERT_OK(registry_->UpsertCompany(&other));
  f.set_company_id("AB");
  JIWON_ASSERT_OK(registry_->RecordFeedback(f));
  EXPECT_EQ(registry_->ListFeedback("A")->size(), 2u);

  JIWON_ASSERT_OK(registry_->DeleteFeedback("A", "p2"));
  EXPECT_TRUE(registry_->DismissedPrograms("A").empty());
  EXPECT_EQ(registry_->DeleteFeedback("A", "p2").code(),
            absl::StatusCode::kNotFound);

  // Deleting a company deletes its feedback with it.
  JIWON_ASSERT_OK(registry_->DeleteCompany("AB"));
  EXPECT_TRUE(registry_->ListFeedback("AB")->empty());

  f.set_program_id("nope");
  EXPECT_EQ(registry_->RecordFeedback(f).status().code(),
            absl::StatusCode::kNotFound);
  f.set_program_id("p1");
  f.set_company_id("nobody");
  EXPECT_EQ(registry_->RecordFeedback(f).status().code(),
            absl::StatusCode::kNotFound);
  f.set_company_id("A");
  f.set_kind(v1::FEEDBACK_KIND_UNSPECIFIED);
  EXPECT_EQ(registry_->RecordFeedback(f).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// The dismissals Recommend reads from memory follow every write, and come
// back the same from the store after a restart.
TEST_F(RegistryTest, DismissalsInMemoryFollowTheStore) {
  const std::vector<std::string> companies = {"A", "AB", "B"};
  const std::vector<std::string> programs = {"p1", "p2", "p3", "p4"};
  for (const std::string& p : programs) {
    JIWON_ASSERT_OK(registry_->UpsertProgram(Program(p)));
  }
  for (const std::string& id : companies) {
    v1::Company c = Company(id);
    JIWON_ASSERT_OK(registry_->UpsertCompany(&c));
  }
  auto from_store = [&](const std::string& company) {
    std::vector<std::string> out;
    auto all = registry_->ListFeedback(company);
    EXPECT_TRUE(all.ok());
    for (const v1::Feedback& f : *all) {
      if (f.kind() == v1::FEEDBACK_KIND_DISMISSED)
        out.push_back(f.program_id());
    }
    return out;
  };
  auto expect_in_step = [&](int step) {
    for (const std::string& c : companies) {
      ASSERT_EQ(registry_->DismissedPrograms(c), from_store(c))
          << "company " << c << " after step " << step;
    }
  };
  std::mt19937 rng(5);
  auto pick = [&](const std::vector<std::string>& v) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
  };
  int dismissed_seen = 0;
  for (int step = 0; step < 300; ++step) {
    const std::string company = pick(companies);
    const std::string program = pick(programs);
    switch (std::uniform_int_distribution<int>(0, 9)(rng)) {
      case 0: {  // the company goes, and comes back without its feedback
        JIWON_ASSERT_OK(registry_->DeleteCompany(company));
        v1::Company c = Company(company);
        JIWON_ASSERT_OK(registry_->UpsertCompany(&c));
        break;
      }
      case 1:
      case 2: {
        absl::Status s = registry_->DeleteFeedback(company, program);
        EXPECT_TRUE(s.ok() || s.code() == absl::StatusCode::kNotFound) << s;
        break;
      }
      default: {
        v1::Feedback f;
        f.set_company_id(company);
        f.set_program_id(program);
        f.set_kind(static_cast<v1::FeedbackKind>(
            std::uniform_int_distribution<int>(1, 3)(rng)));
        JIWON_ASSERT_OK(registry_->RecordFeedback(f));
        break;
      }
    }
    ASSERT_NO_FATAL_FAILURE(expect_in_step(step));
    for (const std::string& c : companies) {
      dismissed_seen +=
          static_cast<int>(registry_->DismissedPrograms(c).size());
    }
  }
  EXPECT_GT(dismissed_seen, 300);  // the lists were not always empty
  // A write the store refuses changes nothing in memory either.
  v1::Feedback bad;
  bad.set_company_id("A");
  bad.set_program_id("gone");
  bad.set_kind(v1::FEEDBACK_KIND_DISMISSED);
  EXPECT_FALSE(registry_->RecordFeedback(bad).ok());
  ASSERT_NO_FATAL_FAILURE(expect_in_step(-1));
  std::map<std::string, std::vector<std::string>> before;
  for (const std::string& c : companies) {
    before[c] = registry_->DismissedPrograms(c);
  }
  Reopen();
  for (const std::string& c : companies) {
    EXPECT_EQ(registry_->DismissedPrograms(c), before[c]) << c;
  }
}

}  // namespace
}  // namespace jiwon::app
