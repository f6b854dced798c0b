// A draft imported from a real 기업마당 record, reviewed and published into
// the catalog over a real RocksDB store.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "engine/errors.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "server/app/drafts.h"
#include "server/app/registry.h"
#include "server/storage/store.h"
#include "tests/testing.h"

namespace jiwon::app {
namespace {

namespace pb = google::protobuf;

// The raw JSON of the 기업마당 sample whose pblancId is `id`.
std::string BizinfoRecord(const std::string& id) {
  std::ifstream in(std::string(JIWON_TEST_DATA_DIR) +
                   "/feeds/bizinfo_samples.json");
  std::stringstream text;
  text << in.rdbuf();
  pb::Struct samples;
  EXPECT_TRUE(pb::util::JsonStringToMessage(text.str(), &samples).ok());
  for (const pb::Value& v :
       samples.fields().at("records").list_value().values()) {
    const pb::Struct& raw = v.struct_value().fields().at("raw").struct_value();
    if (raw.fields().at("pblancId").string_value() == id) {
      std::string json;
      EXPECT_TRUE(pb::util::MessageToJsonString(raw, &json).ok());
      return json;
    }
  }
  ADD_FAILURE() << "no sample " << id;
  return "";
}

constexpr char kId[] = "bizinfo-PBLN_000000000120818";

class PublishTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::OpenRocksDbStore(dir_.path());
    JIWON_ASSERT_OK(store);
    store_ = *std::move(store);
    auto r = Registry::Open(store_.get(), &testing::Reference());
    JIWON_ASSERT_OK(r);
    registry_ = *std::move(r);
    drafts_ = std::make_unique<Drafts>(store_.get(), &testing::Reference());
    record_ = BizinfoRecord("PBLN_000000000120818");
    JIWON_ASSERT_OK(drafts_->Import(v1::FEED_BIZINFO, record_, 1000));
    auto d = drafts_->Get(kId);
    JIWON_ASSERT_OK(d);
    draft_ = *d;
  }

  // Every proposal decided by `action`, but for the ones in `overrides`.
  v1::PublishDraftRequest AllDecided(v1::ReviewAction action) {
    v1::PublishDraftRequest req;
    req.set_program_id(kId);
    req.set_draft_version(draft_.version());
    for (const v1::ProposedRule& p : draft_.proposals()) {
      v1::RuleReview* r = req.add_reviews();
      r->set_rule_id(p.rule().id());
      r->set_action(action);
    }
    return req;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Drafts> drafts_;
  std::string record_;
  v1::Draft draft_;
};

TEST_F(PublishTest, TheDraftProposesRulesFromItsProse) {
  // The structured region and four read from the prose.
  ASSERT_GE(draft_.proposals_size(), 4);
  bool revenue = false;
  for (const v1::ProposedRule& p : draft_.proposals()) {
    if (p.field() != "eligibility_text") continue;
    EXPECT_EQ(draft_.eligibility_text().substr(
                  p.evidence_begin(), p.evidence_end() - p.evidence_begin()),
              p.evidence());
    revenue |=
        p.rule().condition().predicate().fact() == v1::FACT_REVENUE_LATEST_WON;
  }
  EXPECT_TRUE(revenue);
  EXPECT_EQ(registry_->catalog()->Find(kId), nullptr);
}

TEST_F(PublishTest, EveryProposalMustBeDecided) {
  v1::PublishDraftRequest req = AllDecided(v1::REVIEW_ACTION_ACCEPT);
  const std::string last = req.reviews().rbegin()->rule_id();
  req.mutable_reviews()->RemoveLast();
  auto w = drafts_->Publish(registry_.get(), req, "kim", 2000);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(w.status().message().find("reviews: no decision"),
            std::string::npos);
  EXPECT_NE(w.status().message().find(last), std::string::npos);
  EXPECT_EQ(registry_->catalog()->Find(kId), nullptr);
}

TEST_F(PublishTest, BadReviewsAreRefusedByField) {
  v1::PublishDraftRequest unknown = AllDecided(v1::REVIEW_ACTION_ACCEPT);
  unknown.mutable_reviews(0)->set_rule_id("no-such-rule");
  auto w = drafts_->Publish(registry_.get(), unknown, "kim", 2000);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("reviews[0].rule_id"), std::string::npos)
      << w.status();

  v1::PublishDraftRequest twice = AllDecided(v1::REVIEW_ACTION_ACCEPT);
  *twice.add_reviews() = twice.reviews(0);
  w = drafts_->Publish(registry_.get(), twice, "kim", 2000);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("decided twice"), std::string::npos);

  v1::PublishDraftRequest bare_edit = AllDecided(v1::REVIEW_ACTION_ACCEPT);
  bare_edit.mutable_reviews(1)->set_action(v1::REVIEW_ACTION_EDIT);
  w = drafts_->Publish(registry_.get(), bare_edit, "kim", 2000);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("reviews[1].edited"), std::string::npos);

  v1::PublishDraftRequest no_action = AllDecided(v1::REVIEW_ACTION_UNSPECIFIED);
  w = drafts_->Publish(registry_.get(), no_action, "kim", 2000);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("reviews[0].action"), std::string::npos);

  // An edited rule the catalog would not take: its field is named.
  v1::PublishDraftRequest bad_rule = AllDecided(v1::REVIEW_ACTION_ACCEPT);
  v1::Rule broken = draft_.proposals(1).rule();
  broken.mutable_condition()->mutable_predicate()->set_max(-5);
  broken.mutable_condition()->mutable_predicate()->set_min(10);
  bad_rule.mutable_reviews(1)->set_action(v1::REVIEW_ACTION_EDIT);
  *bad_rule.mutable_reviews(1)->mutable_edited() = broken;
  w = drafts_->Publish(registry_.get(), bad_rule, "kim", 2000);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("rules[1]"), std::string::npos)
      << w.status();
  EXPECT_EQ(registry_->catalog()->Find(kId), nullptr);
}

TEST_F(PublishTest, AStaleReviewIsRefused) {
  v1::PublishDraftRequest req = AllDecided(v1::REVIEW_ACTION_ACCEPT);
  req.set_draft_version(draft_.version() + 1);
  auto w = drafts_->Publish(registry_.get(), req, "kim", 2000);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(w.status().message().find("review it again"), std::string::npos);
}

TEST_F(PublishTest, AcceptedEditedRejectedAndWrittenRulesKeepTheirProvenance) {
  v1::PublishDraftRequest req = AllDecided(v1::REVIEW_ACTION_ACCEPT);
  // Edit the revenue ceiling, reject the last proposal, add a rule.
  int revenue = -1;
  for (int i = 0; i < draft_.proposals_size(); ++i) {
    if (draft_.proposals(i).rule().condition().predicate().fact() ==
        v1::FACT_REVENUE_LATEST_WON) {
      revenue = i;
    }
  }
  ASSERT_GE(revenue, 0);
  v1::Rule edited = draft_.proposals(revenue).rule();
  edited.mutable_condition()->mutable_predicate()->set_max(10000000000);
  req.mutable_reviews(revenue)->set_action(v1::REVIEW_ACTION_EDIT);
  *req.mutable_reviews(revenue)->mutable_edited() = edited;
  const int last = draft_.proposals_size() - 1;
  ASSERT_NE(last, revenue);
  const std::string rejected = draft_.proposals(last).rule().id();
  req.mutable_reviews(last)->set_action(v1::REVIEW_ACTION_REJECT);
  v1::Rule written;
  written.set_id("arrears");
  written.set_kind(v1::RULE_KIND_EXCLUDE);
  written.set_label("국세·지방세 체납 제외");
  written.mutable_condition()->mutable_predicate()->set_fact(
      v1::FACT_TAX_ARREARS);
  written.mutable_condition()->mutable_predicate()->set_op(
      v1::OPERATOR_IS_TRUE);
  *req.add_added_rules() = written;

  auto w = drafts_->Publish(registry_.get(), req, "kim", 2000);
  JIWON_ASSERT_OK(w);
  EXPECT_TRUE(w->created);
  const v1::Program& p = w->program;
  ASSERT_EQ(p.rules_size(), draft_.proposals_size());  // -1 rejected, +1 added
  for (const v1::Rule& r : p.rules()) {
    EXPECT_NE(r.id(), rejected);
    EXPECT_EQ(r.provenance().reviewed_by(), "kim");
    EXPECT_EQ(r.provenance().draft_id(), kId);
    EXPECT_EQ(r.provenance().draft_version(), 1);
    EXPECT_FALSE(r.provenance().reviewed_at().empty());
  }
  EXPECT_EQ(p.rules(revenue).provenance().origin(), v1::RULE_ORIGIN_EDITED);
  EXPECT_EQ(p.rules(revenue).condition().predicate().max(), 10000000000);
  EXPECT_EQ(
      p.rules(revenue).provenance().proposed().condition().predicate().max(),
      12000000000);
  EXPECT_EQ(p.rules(revenue).provenance().evidence(), "매출액 120억원 미만");
  EXPECT_EQ(p.rules(0).provenance().origin(), v1::RULE_ORIGIN_PROPOSED);
  EXPECT_EQ(p.rules(p.rules_size() - 1).provenance().origin(),
            v1::RULE_ORIGIN_WRITTEN);
  ASSERT_EQ(p.announced_in_size(), 1);
  EXPECT_EQ(p.announced_in(0).source_id(), "PBLN_000000000120818");

  // In the catalog, stored with its provenance.
  ASSERT_NE(registry_->catalog()->Find(kId), nullptr);
  auto stored = registry_->GetProgram(kId);
  JIWON_ASSERT_OK(stored);
  EXPECT_EQ(stored->rules(revenue).provenance().origin(),
            v1::RULE_ORIGIN_EDITED);

  // The draft remembers it; it no longer waits for review.
  auto d = drafts_->Get(kId);
  JIWON_ASSERT_OK(d);
  EXPECT_EQ(d->published_program_id(), kId);
  EXPECT_EQ(d->published_draft_version(), 1);
  EXPECT_EQ(d->published_by(), "kim");
  ASSERT_EQ(d->rejected_rules_size(), 1);
  EXPECT_EQ(d->rejected_rules(0), rejected);
  auto waiting = drafts_->List(0, "", /*awaiting_review=*/true);
  JIWON_ASSERT_OK(waiting);
  EXPECT_TRUE(waiting->drafts.empty());

  // Importing the same record again changes nothing, publication kept.
  auto again = drafts_->Import(v1::FEED_BIZINFO, record_, 3000);
  JIWON_ASSERT_OK(again);
  EXPECT_EQ(again->change, Drafts::Change::kUnchanged);
  // A changed announcement is a new version waiting for review; the
  // published program stays as it was.
  std::string changed = record_;
  const size_t at = changed.find("120억원");
  ASSERT_NE(at, std::string::npos);
  changed.replace(at, std::string("120억원").size(), "100억원");
  auto moved = drafts_->Import(v1::FEED_BIZINFO, changed, 4000);
  JIWON_ASSERT_OK(moved);
  EXPECT_EQ(moved->change, Drafts::Change::kUpdated);
  waiting = drafts_->List(0, "", true);
  JIWON_ASSERT_OK(waiting);
  ASSERT_EQ(waiting->drafts.size(), 1u);
  EXPECT_EQ(waiting->drafts[0].version(), 2);
  EXPECT_EQ(waiting->drafts[0].published_draft_version(), 1);
  auto still = registry_->GetProgram(kId);
  JIWON_ASSERT_OK(still);
  EXPECT_EQ(still->rules(revenue).condition().predicate().max(), 10000000000);
  // The old review cannot publish over the new version.
  auto stale = drafts_->Publish(registry_.get(), req, "kim", 5000);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine::ReasonOf(stale.status()), "DRAFT_CHANGED");
}

TEST_F(PublishTest, AProposalWithAProblemCannotBeAcceptedAsIs) {
  // A 가점 item whose points the text does not give.
  v1::ProposeRulesRequest pr;
  pr.set_text("우대 가점기업 : 여성기업");
  pr.set_section(v1::PROSE_SECTION_BONUS);
  auto proposed = drafts_->ProposeRules(pr);
  JIWON_ASSERT_OK(proposed);
  ASSERT_EQ(proposed->proposals_size(), 1);
  EXPECT_NE(proposed->proposals(0).problem().find("points"), std::string::npos)
      << proposed->proposals(0).problem();
  // Added as written, with no points: the catalog refuses it.
  v1::PublishDraftRequest req = AllDecided(v1::REVIEW_ACTION_ACCEPT);
  *req.add_added_rules() = proposed->proposals(0).rule();
  auto w = drafts_->Publish(registry_.get(), req, "kim", 2000);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("points"), std::string::npos)
      << w.status();
}

}  // namespace
}  // namespace jiwon::app
