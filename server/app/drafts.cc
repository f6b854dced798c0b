#include "server/app/drafts.h"

#include <openssl/sha.h>

#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/errors.h"
#include "engine/feeds/announcement.h"
#include "engine/feeds/duplicates.h"
#include "engine/validate.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "server/app/page_token.h"
#include "server/app/registry.h"
#include "server/convert.h"
#include "server/feed_json.h"

namespace jiwon::app {
namespace {

using storage::Table;

constexpr size_t kMaxRecordBytes = 1 << 20;

std::string Deterministic(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

v1::Draft ToDraft(const engine::feeds::Announcement& a, v1::Feed feed,
                  std::string_view record_json) {
  v1::Draft d;
  v1::Program& p = *d.mutable_program();
  p = server::ProgramToProto(engine::feeds::DraftProgram(a));
  p.set_source(engine::feeds::FeedName(a.feed));
  p.set_source_id(a.source_id);
  p.set_operator_(a.operator_name);
  p.set_subcategory(a.subcategory);
  p.set_summary(a.summary);
  p.set_url(a.url);
  p.set_contact(a.contact);
  p.mutable_window()->set_note(a.window_note);
  p.set_version(0);
  for (const engine::feeds::ProposedRule& r : a.proposals) {
    v1::ProposedRule* o = d.add_proposals();
    *o->mutable_rule() = p.rules(d.proposals_size() - 1);
    o->set_field(r.field);
    o->set_evidence(r.evidence);
    o->set_confidence(r.confidence);
  }
  d.set_eligibility_text(a.eligibility_text);
  d.set_exclusion_text(a.exclusion_text);
  for (const std::string& n : a.notes) d.add_notes(n);
  v1::AnnouncementSource* s = d.add_sources();
  s->set_feed(feed);
  s->set_source_id(a.source_id);
  s->set_record_json(std::string(record_json));
  return d;
}

// The proposals of one passage, into a draft's or a response's lists.
// `program` holds the rules read so far; each prose rule is checked alone
// against it, and what would stop it being published is its problem.
void ProseToProto(
    const engine::feeds::ProseProposals& prose, std::string_view field,
    const engine::Program& program, const engine::Reference& reference,
    google::protobuf::RepeatedPtrField<v1::ProposedRule>* rules,
    google::protobuf::RepeatedPtrField<v1::UnparsedClause>* unparsed,
    google::protobuf::RepeatedPtrField<v1::ProgramQuestion>* questions) {
  for (const engine::feeds::ProseRule& r : prose.rules) {
    engine::Program one = program;
    one.rules.push_back(r.rule);
    if (r.question && engine::FindQuestion(one, r.question->id) == nullptr) {
      one.questions.push_back(*r.question);
    }
    std::vector<engine::FieldError> invalid;
    engine::ValidateProgram(one, reference, &invalid);
    const v1::Program as_proto = server::ProgramToProto(one);
    v1::ProposedRule* o = rules->Add();
    *o->mutable_rule() = as_proto.rules(as_proto.rules_size() - 1);
    o->set_field(std::string(field));
    o->set_evidence(r.rule.evidence);
    o->set_confidence(r.confidence);
    o->set_evidence_begin(static_cast<int32_t>(r.begin));
    o->set_evidence_end(static_cast<int32_t>(r.end));
    o->set_reading(r.reading);
    o->set_reference(r.reference);
    if (absl::Status v = engine::ErrorsToStatus(invalid); !v.ok()) {
      o->set_problem(std::string(v.message()));
    }
    if (r.question) {
      bool known = false;
      for (const v1::ProgramQuestion& q : *questions) {
        known |= q.id() == r.question->id;
      }
      if (!known) {
        *questions->Add() = as_proto.questions(as_proto.questions_size() - 1);
      }
    }
  }
  for (const engine::feeds::UnparsedClause& u : prose.unparsed) {
    v1::UnparsedClause* o = unparsed->Add();
    o->set_field(std::string(field));
    o->set_begin(static_cast<int32_t>(u.begin));
    o->set_end(static_cast<int32_t>(u.end));
    o->set_text(u.text);
    o->set_why(u.why);
  }
}

// The 시도 of an issuer named "경상북도 / 경상북도경제진흥원"; else the
// announcement's own regions.
std::vector<std::string> IssuerRegions(const engine::feeds::Announcement& a) {
  const std::string first = a.agency.substr(0, a.agency.find_first_of(" /"));
  std::vector<std::string> codes = engine::feeds::SidoCodes(first);
  return codes.empty() ? a.regions : codes;
}

}  // namespace

std::string DraftContentHash(const v1::Draft& draft) {
  v1::Draft content = draft;
  content.clear_version();
  content.clear_updated_at();
  content.clear_same_program_as();
  content.clear_published_program_id();
  content.clear_published_draft_version();
  content.clear_published_by();
  content.clear_published_at();
  content.clear_rejected_rules();
  for (v1::AnnouncementSource& s : *content.mutable_sources()) {
    s.clear_record_json();
    s.clear_content_sha256();
  }
  const std::string bytes = Deterministic(content);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

absl::StatusOr<v1::Draft> Drafts::Normalize(
    v1::Feed feed, std::string_view record_json) const {
  if (record_json.size() > kMaxRecordBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("record_json: ", record_json.size(),
                     " bytes; a record is at most ", kMaxRecordBytes));
  }
  if (feed != v1::FEED_BIZINFO && feed != v1::FEED_KSTARTUP) {
    return absl::InvalidArgumentError(
        "feed: must be FEED_BIZINFO or FEED_KSTARTUP");
  }
  absl::StatusOr<engine::feeds::FeedRecord> record =
      server::FeedRecordFromJson(record_json);
  if (!record.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("record_json: ", record.status().message()));
  }
  std::vector<engine::feeds::RecordError> errors;
  std::optional<engine::feeds::Announcement> a =
      feed == v1::FEED_BIZINFO
          ? engine::feeds::NormalizeBizinfo(*record, *reference_, &errors)
          : engine::feeds::NormalizeKstartup(*record, *reference_, &errors);
  if (!a) {
    std::vector<std::string> parts;
    for (const engine::feeds::RecordError& e : errors) {
      parts.push_back(absl::StrCat(e.field, ": ", e.message));
    }
    return absl::InvalidArgumentError(absl::StrJoin(parts, "; "));
  }
  v1::Draft d = ToDraft(*a, feed, record_json);
  // What the structured fields propose must be a program the catalog would
  // take.
  std::vector<engine::FieldError> invalid;
  engine::Program program = server::ProgramFromProto(d.program(), &invalid);
  if (invalid.empty()) engine::ValidateProgram(program, *reference_, &invalid);
  if (absl::Status v = engine::ErrorsToStatus(invalid); !v.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the draft the record makes is not a valid program: ", v.message()));
  }
  // Then the prose: each rule checked on its own, kept with its problem.
  engine::feeds::ProposeOptions options;
  options.issuer_regions = IssuerRegions(*a);
  options.program_id = a->program_id;
  const std::pair<const std::string*, engine::feeds::Section> passages[] = {
      {&a->eligibility_text, engine::feeds::Section::kEligibility},
      {&a->exclusion_text, engine::feeds::Section::kExclusion}};
  for (const auto& [text, section] : passages) {
    if (text->empty()) continue;
    options.id_prefix = "prose";
    const engine::feeds::ProseProposals prose =
        proposer_.Propose(*text, section, options);
    ProseToProto(
        prose,
        section == engine::feeds::Section::kEligibility ? "eligibility_text"
                                                        : "exclusion_text",
        program, *reference_, d.mutable_proposals(), d.mutable_unparsed(),
        d.mutable_program()->mutable_questions());
  }
  // The draft's rules are its proposals', in their order.
  d.mutable_program()->clear_rules();
  for (const v1::ProposedRule& r : d.proposals()) {
    *d.mutable_program()->add_rules() = r.rule();
  }
  d.mutable_sources(0)->set_content_sha256(DraftContentHash(d));
  return d;
}

absl::StatusOr<Drafts::Imported> Drafts::Import(v1::Feed feed,
                                                std::string_view record_json,
                                                int64_t now_unix) {
  absl::StatusOr<v1::Draft> draft = Normalize(feed, record_json);
  if (!draft.ok()) return draft.status();
  const std::string& id = draft->program().id();
  std::lock_guard lock(write_mu_);
  absl::StatusOr<std::optional<std::string>> stored =
      store_->Get(Table::kDrafts, id);
  if (!stored.ok()) return stored.status();
  Imported out;
  out.program_id = id;
  int64_t version = 1;
  if (stored->has_value()) {
    v1::Draft before;
    if (!before.ParseFromString(**stored)) {
      return absl::DataLossError(
          absl::StrCat("stored draft \"", id, "\" unreadable"));
    }
    if (DraftContentHash(before) == DraftContentHash(*draft)) {
      out.change = Change::kUnchanged;
      out.version = before.version();
      return out;
    }
    version = before.version() + 1;
    out.change = Change::kUpdated;
    // What was published stays known: the new version awaits review.
    draft->set_published_program_id(before.published_program_id());
    draft->set_published_draft_version(before.published_draft_version());
    draft->set_published_by(before.published_by());
    draft->set_published_at(before.published_at());
    *draft->mutable_same_program_as() = before.same_program_as();
  } else {
    out.change = Change::kCreated;
  }
  draft->set_version(version);
  draft->set_updated_at(Rfc3339(now_unix));
  out.version = version;
  storage::WriteBatch batch;
  batch.Put(Table::kDrafts, id, Deterministic(*draft));
  if (absl::Status s = store_->Write(batch); !s.ok()) return s;
  return out;
}

absl::StatusOr<int> Drafts::LinkSamePrograms() {
  std::lock_guard lock(write_mu_);
  std::vector<v1::Draft> all;
  absl::Status bad;
  absl::Status s = store_->Scan(
      Table::kDrafts, "", [&](std::string_view key, std::string_view value) {
        v1::Draft& d = all.emplace_back();
        if (!d.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          bad = absl::DataLossError(absl::StrCat(
              "stored draft \"", std::string(key), "\" unreadable"));
          return false;
        }
        return true;
      });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;
  std::vector<size_t> ks, biz;
  std::vector<std::string> ks_titles, biz_titles;
  for (size_t i = 0; i < all.size(); ++i) {
    const v1::Program& p = all[i].program();
    if (p.source() == engine::feeds::FeedName(engine::feeds::Feed::kKstartup)) {
      ks.push_back(i);
      ks_titles.push_back(p.title());
    } else if (p.source() ==
               engine::feeds::FeedName(engine::feeds::Feed::kBizinfo)) {
      biz.push_back(i);
      biz_titles.push_back(p.title());
    }
  }
  std::vector<std::vector<std::string>> links(all.size());
  const auto pairs = engine::feeds::SamePrograms(ks_titles, biz_titles);
  for (auto [i, j] : pairs) {
    links[ks[i]].push_back(all[biz[j]].program().id());
    links[biz[j]].push_back(all[ks[i]].program().id());
  }
  storage::WriteBatch batch;
  for (size_t i = 0; i < all.size(); ++i) {
    const auto& now = all[i].same_program_as();
    if (std::vector<std::string>(now.begin(), now.end()) == links[i]) continue;
    all[i].clear_same_program_as();
    for (std::string& id : links[i]) all[i].add_same_program_as(std::move(id));
    batch.Put(Table::kDrafts, all[i].program().id(), Deterministic(all[i]));
  }
  if (!batch.empty()) {
    if (absl::Status w = store_->Write(batch); !w.ok()) return w;
  }
  return static_cast<int>(pairs.size());
}

absl::StatusOr<v1::ProposeRulesResponse> Drafts::ProposeRules(
    const v1::ProposeRulesRequest& request) const {
  if (request.text().size() > kMaxRecordBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("text: ", request.text().size(),
                     " bytes; a passage is at most ", kMaxRecordBytes));
  }
  engine::feeds::Section section;
  switch (request.section()) {
    case v1::PROSE_SECTION_UNSPECIFIED:
      section = engine::feeds::SectionOfLabel(request.section_label());
      break;
    case v1::PROSE_SECTION_ELIGIBILITY:
    case v1::PROSE_SECTION_EXCLUSION:
    case v1::PROSE_SECTION_BONUS:
    case v1::PROSE_SECTION_SCORING:
      section = static_cast<engine::feeds::Section>(request.section());
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("section: ", request.section(), " is no ProseSection"));
  }
  engine::feeds::ProposeOptions options;
  for (int i = 0; i < request.issuer_regions_size(); ++i) {
    const std::string& code = request.issuer_regions(i);
    if (reference_->regions.Find(code) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "issuer_regions[", i, "]: ", absl::CHexEscape(code.substr(0, 64)),
          " is no region code"));
    }
    options.issuer_regions.push_back(code);
  }
  if (!request.program_id().empty()) {
    if (!engine::IsValidId(request.program_id())) {
      return absl::InvalidArgumentError(
          "program_id: must be 1-64 characters of [A-Za-z0-9._:-]");
    }
    options.program_id = request.program_id();
  }
  const engine::feeds::ProseProposals prose =
      proposer_.Propose(request.text(), section, options);
  v1::ProposeRulesResponse out;
  engine::Program program;
  program.id = options.program_id.empty() ? "proposed" : options.program_id;
  program.title = "proposed";
  ProseToProto(prose, "text", program, *reference_, out.mutable_proposals(),
               out.mutable_unparsed(), out.mutable_questions());
  out.set_bonus_cap(prose.bonus_cap);
  out.set_section(static_cast<v1::ProseSection>(section));
  return out;
}

absl::StatusOr<v1::Draft> Drafts::Get(std::string_view program_id) const {
  absl::StatusOr<std::optional<std::string>> stored =
      store_->Get(Table::kDrafts, program_id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return engine::WithReason(
        absl::NotFoundError(absl::StrCat(
            "no draft \"", std::string(program_id).substr(0, 64), "\"")),
        engine::reason::kDraftNotFound);
  }
  v1::Draft d;
  if (!d.ParseFromString(**stored)) {
    return absl::DataLossError(absl::StrCat(
        "stored draft \"", std::string(program_id), "\" unreadable"));
  }
  return d;
}

absl::StatusOr<Drafts::Page> Drafts::List(int page_size,
                                          std::string_view page_token,
                                          bool awaiting_review) const {
  absl::StatusOr<int> size =
      PageSize(page_size, kDefaultPageSize, kMaxPageSize);
  if (!size.ok()) return size.status();
  const size_t want = static_cast<size_t>(*size);
  const std::string filters = awaiting_review ? "awaiting review" : "";
  absl::StatusOr<std::string> after =
      ReadPageToken("drafts", filters, page_token);
  if (!after.ok()) return after.status();
  Page page;
  absl::Status bad;
  std::string last;
  absl::Status s = store_->Scan(
      Table::kDrafts, *after,
      [&](std::string_view key, std::string_view value) {
        if (page.drafts.size() == want) {
          page.next_page_token = MakePageToken("drafts", filters, last);
          return false;
        }
        v1::Draft& d = page.drafts.emplace_back();
        if (!d.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          bad = absl::DataLossError(absl::StrCat(
              "stored draft \"", std::string(key), "\" unreadable"));
          return false;
        }
        last = std::string(key);
        if (awaiting_review && !d.published_program_id().empty() &&
            d.published_draft_version() == d.version()) {
          page.drafts.pop_back();
        }
        return true;
      });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;
  return page;
}

namespace {

bool RuleUses(const v1::Condition& c, const std::string& question) {
  if (c.has_predicate()) return c.predicate().question() == question;
  for (const v1::Condition& child : c.all().items()) {
    if (RuleUses(child, question)) return true;
  }
  for (const v1::Condition& child : c.any().items()) {
    if (RuleUses(child, question)) return true;
  }
  for (const v1::Condition& child : c.none().items()) {
    if (RuleUses(child, question)) return true;
  }
  return false;
}

v1::AnnouncementRef RefOf(const v1::Draft& d) {
  v1::AnnouncementRef ref;
  if (d.sources_size() > 0) {
    ref.set_feed(d.sources(0).feed());
    ref.set_source_id(d.sources(0).source_id());
  }
  ref.set_url(d.program().url());
  ref.set_draft_id(d.program().id());
  ref.set_draft_version(d.version());
  return ref;
}

}  // namespace

absl::StatusOr<Registry::ProgramWrite> Drafts::Publish(
    Registry* registry, const v1::PublishDraftRequest& request,
    std::string_view reviewer, int64_t now_unix) {
  if (!engine::IsValidId(request.program_id())) {
    return absl::InvalidArgumentError(
        "program_id: must be 1-64 characters of [A-Za-z0-9._:-]");
  }
  std::lock_guard lock(publish_mu_);
  absl::StatusOr<v1::Draft> got = Get(request.program_id());
  if (!got.ok()) return got.status();
  v1::Draft draft = *std::move(got);
  if (request.draft_version() != draft.version()) {
    return engine::WithReason(absl::FailedPreconditionError(absl::StrCat(
                                  "draft_version: ", request.draft_version(),
                                  " was reviewed, but the draft is at version ",
                                  draft.version(), " now: review it again")),
                              engine::reason::kDraftChanged);
  }
  const std::string at = Rfc3339(now_unix);
  auto provenance = [&](v1::RuleOrigin origin) {
    v1::RuleProvenance p;
    p.set_origin(origin);
    p.set_reviewed_by(std::string(reviewer));
    p.set_reviewed_at(at);
    p.set_draft_id(draft.program().id());
    p.set_draft_version(draft.version());
    return p;
  };
  std::map<std::string, int> decided;  // rule id -> review index
  std::vector<v1::Rule> rules;
  std::vector<std::string> rejected;
  for (int i = 0; i < request.reviews_size(); ++i) {
    const v1::RuleReview& review = request.reviews(i);
    const std::string field = absl::StrCat("reviews[", i, "]");
    const v1::ProposedRule* proposal = nullptr;
    for (const v1::ProposedRule& p : draft.proposals()) {
      if (p.rule().id() == review.rule_id()) proposal = &p;
    }
    if (proposal == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".rule_id: the draft proposes no rule \"",
                       absl::CHexEscape(review.rule_id().substr(0, 64)), "\""));
    }
    if (!decided.emplace(review.rule_id(), i).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".rule_id: \"", review.rule_id(),
                       "\" is decided twice, first in reviews[",
                       decided[review.rule_id()], "]"));
    }
    v1::RuleProvenance p;
    v1::Rule rule;
    switch (review.action()) {
      case v1::REVIEW_ACTION_ACCEPT:
        rule = proposal->rule();
        p = provenance(v1::RULE_ORIGIN_PROPOSED);
        break;
      case v1::REVIEW_ACTION_EDIT:
        if (!review.has_edited()) {
          return absl::InvalidArgumentError(
              absl::StrCat(field,
                           ".edited: an edit needs the rule as it "
                           "should be"));
        }
        rule = review.edited();
        if (rule.id().empty()) rule.set_id(review.rule_id());
        p = provenance(v1::RULE_ORIGIN_EDITED);
        *p.mutable_proposed() = proposal->rule();
        break;
      case v1::REVIEW_ACTION_REJECT:
        rejected.push_back(review.rule_id());
        continue;
      default:
        return absl::InvalidArgumentError(
            absl::StrCat(field, ".action: must be ACCEPT, EDIT or REJECT"));
    }
    p.set_field(proposal->field());
    p.set_evidence(proposal->evidence());
    p.set_confidence(proposal->confidence());
    *rule.mutable_provenance() = std::move(p);
    rules.push_back(std::move(rule));
  }
  std::vector<std::string> undecided;
  for (const v1::ProposedRule& p : draft.proposals()) {
    if (decided.count(p.rule().id()) == 0) undecided.push_back(p.rule().id());
  }
  if (!undecided.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("reviews: no decision for the proposed rules ",
                     absl::StrJoin(undecided, ", ")));
  }
  for (const v1::Rule& added : request.added_rules()) {
    v1::Rule rule = added;
    *rule.mutable_provenance() = provenance(v1::RULE_ORIGIN_WRITTEN);
    rules.push_back(std::move(rule));
  }
  v1::Program program = draft.program();
  program.clear_rules();
  for (v1::Rule& r : rules) *program.add_rules() = std::move(r);
  // The draft's questions the kept rules ask, and the reviewer's.
  program.clear_questions();
  for (const v1::ProgramQuestion& q : draft.program().questions()) {
    bool used = false;
    for (const v1::Rule& r : program.rules()) {
      used |= RuleUses(r.condition(), q.id());
    }
    if (used) *program.add_questions() = q;
  }
  for (const v1::ProgramQuestion& q : request.added_questions()) {
    *program.add_questions() = q;
  }
  if (request.has_bonus_cap()) program.set_bonus_cap(request.bonus_cap());
  // One program for the announcements of both feeds.
  std::vector<v1::Draft> linked;
  program.clear_announced_in();
  *program.add_announced_in() = RefOf(draft);
  for (const std::string& other : draft.same_program_as()) {
    absl::StatusOr<v1::Draft> d = Get(other);
    if (!d.ok()) return d.status();
    *program.add_announced_in() = RefOf(*d);
    linked.push_back(*std::move(d));
  }
  program.set_version(0);
  absl::StatusOr<Registry::ProgramWrite> written =
      registry->UpsertProgram(std::move(program));
  if (!written.ok()) return written.status();
  // The drafts remember what they were published as.
  std::lock_guard write(write_mu_);
  storage::WriteBatch batch;
  linked.insert(linked.begin(), std::move(draft));
  for (size_t i = 0; i < linked.size(); ++i) {
    // Read again: an import may have moved the draft on meanwhile.
    absl::StatusOr<v1::Draft> now = Get(linked[i].program().id());
    if (!now.ok()) return now.status();
    if (now->version() != linked[i].version()) continue;
    v1::Draft& d = *now;
    d.set_published_program_id(written->program.id());
    d.set_published_draft_version(d.version());
    d.set_published_by(std::string(reviewer));
    d.set_published_at(at);
    d.clear_rejected_rules();
    if (i == 0) {
      for (const std::string& r : rejected) d.add_rejected_rules(r);
    }
    batch.Put(Table::kDrafts, d.program().id(), Deterministic(d));
  }
  if (absl::Status s = store_->Write(batch); !s.ok()) return s;
  return written;
}

}  // namespace jiwon::app
