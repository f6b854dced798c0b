// The rule proposer's precision and recall per fact family on the labelled
// passages: each proposed rule's leaves against the labelled leaves of the
// same passage.
//
//   jiwon_propose_quality SENTENCES.jsonl LABELS.jsonl [--show]
//
// --show prints, passage by passage, what was missed and what was extra.
// Exits 1 when a label names a passage that is not there or cannot be read:
// the figures are reported, never asserted.

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/facts/fact_table.h"
#include "engine/feeds/propose.h"
#include "engine/vocabulary.h"
#include "server/feed_json.h"
#include "tests/testing.h"

namespace jiwon {
namespace {

using engine::Condition;
using engine::Fact;
using engine::Op;
using engine::Predicate;
using engine::RuleKind;

std::string KindId(RuleKind k) {
  switch (k) {
    case RuleKind::kRequire:
      return "require";
    case RuleKind::kExclude:
      return "exclude";
    case RuleKind::kBonus:
      return "bonus";
    case RuleKind::kCap:
      return "cap";
  }
  return "?";
}

template <typename E>
std::string TermIds(std::span<const engine::Term> terms,
                    const std::vector<E>& values) {
  std::vector<std::string> ids;
  for (E v : values) {
    const engine::Term* t = engine::FindTerm(terms, static_cast<int>(v));
    ids.push_back(t == nullptr ? "?" : t->id);
  }
  std::sort(ids.begin(), ids.end());
  return absl::StrJoin(ids, ",");
}

// "require revenue_latest_won <12000000000", "exclude tax_arrears true",
// "require head_office_region in 47,@충청권", "require ceo_birth_date
// >=19870101" (a question by what it asks).
std::string LeafText(RuleKind kind, const Predicate& p) {
  std::string fact = engine::Info(p.fact).id;
  if (p.fact == Fact::kQuestion) {
    fact = absl::StrContains(p.question, "birth-date") ? "ceo_birth_date"
                                                       : "participation";
  }
  std::string spec;
  switch (p.op) {
    case Op::kRange: {
      std::vector<std::string> parts;
      if (p.min)
        parts.push_back(absl::StrCat(p.min_exclusive ? ">" : ">=", *p.min));
      if (p.max)
        parts.push_back(absl::StrCat(p.max_exclusive ? "<" : "<=", *p.max));
      spec = absl::StrJoin(parts, " ");
      break;
    }
    case Op::kIsTrue:
      spec = "true";
      break;
    case Op::kIsFalse:
      spec = "false";
      break;
    default: {
      std::vector<std::string> codes = p.codes;
      for (const std::string& g : p.region_groups) codes.push_back("@" + g);
      std::sort(codes.begin(), codes.end());
      std::string list = absl::StrJoin(codes, ",");
      if (!p.size_classes.empty()) {
        list = TermIds(engine::SizeClassTerms(), p.size_classes);
      }
      if (!p.certifications.empty()) {
        list = TermIds(engine::CertificationTerms(), p.certifications);
      }
      if (!p.legal_forms.empty()) {
        list = TermIds(engine::LegalFormTerms(), p.legal_forms);
      }
      spec = absl::StrCat(p.op == Op::kNotIn ? "not_in " : "in ", list);
      break;
    }
  }
  return absl::StrCat(KindId(kind), " ", fact, " ", spec);
}

void Leaves(RuleKind kind, const Condition& c, std::vector<std::string>* out) {
  if (c.kind == Condition::Kind::kPredicate) {
    out->push_back(LeafText(kind, c.predicate));
    return;
  }
  for (const Condition& child : c.children) Leaves(kind, child, out);
}

// The family a leaf text counts under: the fact's, by the fact id.
std::string FamilyOfLeaf(const std::string& leaf) {
  std::vector<std::string> words = absl::StrSplit(leaf, ' ');
  if (words.size() < 2) return "?";
  if (words[1] == "ceo_birth_date" || words[1] == "participation") {
    return "question";
  }
  for (const engine::FactInfo& info : engine::AllFacts()) {
    if (words[1] == info.id) return engine::FamilyId(info.family);
  }
  return "";
}

std::string Field(const engine::feeds::FeedRecord& r, const char* name) {
  auto it = r.find(name);
  return it == r.end() ? "" : it->second;
}

int Run(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: jiwon_propose_quality SENTENCES.jsonl LABELS.jsonl "
                 "[--show]\n";
    return 2;
  }
  const bool show = argc > 3 && std::string(argv[3]) == "--show";
  std::map<std::string, engine::feeds::FeedRecord> sentences;
  {
    std::ifstream in(argv[1]);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      auto r = server::FeedRecordFromJson(line);
      if (!r.ok()) {
        std::cerr << argv[1] << ": " << r.status() << "\n";
        return 1;
      }
      sentences[Field(*r, "id")] = *r;
    }
  }
  const engine::feeds::RuleProposer proposer(testing::Reference());
  struct Counts {
    int labelled = 0;
    int proposed = 0;
    int correct = 0;
  };
  // By labelled set ("development", "held-out"), then family.
  std::map<std::string, std::map<std::string, Counts>> by_set;
  std::map<std::string, int> passages;
  int bad = 0;
  std::ifstream in(argv[2]);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    auto label = server::FeedRecordFromJson(line);
    if (!label.ok()) {
      std::cerr << argv[2] << ":" << line_no << ": " << label.status() << "\n";
      ++bad;
      continue;
    }
    const std::string id = Field(*label, "id");
    auto it = sentences.find(id);
    if (it == sentences.end()) {
      std::cerr << argv[2] << ":" << line_no << ": no passage " << id << "\n";
      ++bad;
      continue;
    }
    std::multiset<std::string> want;
    for (absl::string_view leaf :
         absl::StrSplit(Field(*label, "leaves"), ';', absl::SkipWhitespace())) {
      std::string l(absl::StripAsciiWhitespace(leaf));
      if (FamilyOfLeaf(l).empty()) {
        std::cerr << argv[2] << ":" << line_no << ": unknown fact in '" << l
                  << "'\n";
        ++bad;
      }
      want.insert(l);
    }
    engine::feeds::ProposeOptions options;
    options.program_id = "this-program";
    for (absl::string_view code :
         absl::StrSplit(Field(*label, "issuer"), ',', absl::SkipEmpty())) {
      options.issuer_regions.emplace_back(code);
    }
    const std::string text = Field(it->second, "text");
    const auto proposals = proposer.Propose(
        text, engine::feeds::SectionOfLabel(Field(it->second, "section")),
        options);
    std::multiset<std::string> got;
    std::map<std::string, std::string> evidence;
    for (const auto& r : proposals.rules) {
      std::vector<std::string> leaves;
      Leaves(r.rule.kind, r.rule.condition, &leaves);
      got.insert(leaves.begin(), leaves.end());
      for (const std::string& l : leaves) evidence[l] = r.rule.evidence;
    }
    const std::string set = Field(*label, "set");
    std::map<std::string, Counts>& by_family = by_set[set];
    ++passages[set];
    std::multiset<std::string> missing = want;
    std::vector<std::string> extra;
    for (const std::string& g : got) {
      by_family[FamilyOfLeaf(g)].proposed++;
      auto m = missing.find(g);
      if (m != missing.end()) {
        by_family[FamilyOfLeaf(g)].correct++;
        missing.erase(m);
      } else {
        extra.push_back(g);
      }
    }
    for (const std::string& w : want) by_family[FamilyOfLeaf(w)].labelled++;
    if (show && (!missing.empty() || !extra.empty())) {
      std::cout << id << " (" << set << ")\n";
      for (const std::string& m : missing)
        std::cout << "  missed " << m << "\n";
      for (const std::string& e : extra) {
        std::cout << "  extra  " << e << "   ← " << evidence[e] << "\n";
      }
    }
  }
  auto pct = [](int n, int d) {
    return d == 0 ? std::string("–")
                  : absl::StrCat(static_cast<int>(100.0 * n / d + 0.5), "%");
  };
  for (const auto& [set, by_family] : by_set) {
    std::cout << "\n"
              << set << "\n\n"
              << "| family | labelled | proposed | correct | precision | "
                 "recall |\n|---|---:|---:|---:|---:|---:|\n";
    Counts total;
    for (const auto& [family, c] : by_family) {
      std::cout << "| " << family << " | " << c.labelled << " | " << c.proposed
                << " | " << c.correct << " | " << pct(c.correct, c.proposed)
                << " | " << pct(c.correct, c.labelled) << " |\n";
      total.labelled += c.labelled;
      total.proposed += c.proposed;
      total.correct += c.correct;
    }
    std::cout << "| all (" << passages[set] << " passages) | " << total.labelled
              << " | " << total.proposed << " | " << total.correct << " | "
              << pct(total.correct, total.proposed) << " | "
              << pct(total.correct, total.labelled) << " |\n";
  }
  return bad == 0 ? 0 : 1;
}

}  // namespace
}  // namespace jiwon

int main(int argc, char** argv) { return jiwon::Run(argc, argv); }
