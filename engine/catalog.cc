#include "engine/catalog.h"

#include <algorithm>
#include <utility>

namespace jiwon::engine {
namespace {

bool IdLess(const std::shared_ptr<const Program>& a,
            const std::shared_ptr<const Program>& b) {
  return a->id < b->id;
}

int Rank(const ProgramOutcome& o) {
  switch (o.eligibility) {
    case Eligibility::kEligible:
      return 0;
    case Eligibility::kUndetermined:
      return 1;
    case Eligibility::kIneligible:
    case Eligibility::kNotInEffect:
      return o.near_miss ? 2 : 3;
  }
  return 3;
}

// Programs a company could apply to on `as_of`, or will be able to.
template <typename Fn>
void ForEachCandidate(const Catalog& catalog, const RecommendOptions& options,
                      Fn fn) {
  for (const auto& program : catalog.programs()) {
    if (!options.categories.empty() &&
        std::find(options.categories.begin(), options.categories.end(),
                  program->category) == options.categories.end()) {
      continue;
    }
    if (std::binary_search(options.excluded_programs.begin(),
                           options.excluded_programs.end(), program->id)) {
      continue;
    }
    const WindowStatus window = StatusOn(program->window, options.as_of);
    if (options.open_only && window != WindowStatus::kOpen) continue;
    if (!options.include_closed && window == WindowStatus::kClosed) continue;
    fn(program);
  }
}

}  // namespace

std::shared_ptr<const Catalog> Catalog::Build(
    std::vector<std::shared_ptr<const Program>> programs, int64_t version) {
  std::sort(programs.begin(), programs.end(), IdLess);
  return std::shared_ptr<const Catalog>(
      new Catalog(std::move(programs), version));
}

std::shared_ptr<const Catalog> Catalog::With(
    std::shared_ptr<const Program> program, int64_t version) const {
  std::vector<std::shared_ptr<const Program>> programs = programs_;
  auto it = std::lower_bound(programs.begin(), programs.end(), program, IdLess);
  if (it != programs.end() && (*it)->id == program->id) {
    *it = std::move(program);
  } else {
    programs.insert(it, std::move(program));
  }
  return std::shared_ptr<const Catalog>(
      new Catalog(std::move(programs), version));
}

std::shared_ptr<const Catalog> Catalog::Without(std::string_view id,
                                                int64_t version) const {
  std::vector<std::shared_ptr<const Program>> programs;
  programs.reserve(programs_.size());
  for (const auto& p : programs_) {
    if (p->id != id) programs.push_back(p);
  }
  return std::shared_ptr<const Catalog>(
      new Catalog(std::move(programs), version));
}

std::shared_ptr<const Program> Catalog::Find(std::string_view id) const {
  auto it = std::lower_bound(programs_.begin(), programs_.end(), id,
                             [](const std::shared_ptr<const Program>& p,
                                std::string_view key) { return p->id < key; });
  if (it == programs_.end() || (*it)->id != id) return nullptr;
  return *it;
}

Recommendation Recommend(const Catalog& catalog, const Evaluator& evaluator,
                         const Company& company,
                         const RecommendOptions& options) {
  Recommendation out;
  ForEachCandidate(catalog, options, [&](const auto& program) {
    // Outcomes first; the text only for the programs listed, below.
    ProgramOutcome outcome = evaluator.Evaluate(
        program, company, options.as_of, Evaluator::Detail::kOutcomeOnly);
    bool keep = true;
    switch (outcome.eligibility) {
      case Eligibility::kNotInEffect:
        return;
      case Eligibility::kEligible:
        ++out.eligible;
        break;
      case Eligibility::kUndetermined:
        ++out.undetermined;
        keep = !options.eligible_only;
        break;
      case Eligibility::kIneligible:
        ++out.ineligible;
        if (options.include_near_misses) {
          outcome.near_miss =
              FindNearMiss(evaluator, outcome, company, options.as_of);
          if (outcome.near_miss) ++out.near_misses;
        }
        keep = options.include_ineligible || outcome.near_miss.has_value();
        break;
    }
    ++out.evaluated;
    if (keep) out.matches.push_back(std::move(outcome));
  });
  std::sort(
      out.matches.begin(), out.matches.end(),
      [](const ProgramOutcome& a, const ProgramOutcome& b) {
        const int ra = Rank(a);
        const int rb = Rank(b);
        if (ra != rb) return ra < rb;
        if (a.near_miss && b.near_miss) {
          if (a.near_miss->changes.size() != b.near_miss->changes.size()) {
            return a.near_miss->changes.size() < b.near_miss->changes.size();
          }
          if (a.near_miss->gap_permille != b.near_miss->gap_permille) {
            return a.near_miss->gap_permille < b.near_miss->gap_permille;
          }
        }
        if (a.score != b.score) return a.score > b.score;
        return a.program->id < b.program->id;
      });
  if (out.matches.size() > options.limit) out.matches.resize(options.limit);
  for (ProgramOutcome& m : out.matches) {
    ProgramOutcome full = evaluator.Evaluate(m.program, company, options.as_of);
    full.near_miss.swap(m.near_miss);
    m = std::move(full);
  }
  return out;
}

std::vector<Question> AskNext(const Catalog& catalog,
                              const Evaluator& evaluator,
                              const Company& company, Date as_of) {
  RecommendOptions options;
  options.as_of = as_of;
  std::vector<ProgramOutcome> outcomes;
  ForEachCandidate(catalog, options, [&](const auto& program) {
    outcomes.push_back(evaluator.Evaluate(program, company, as_of,
                                          Evaluator::Detail::kOutcomeOnly));
  });
  return NextQuestions(outcomes);
}

}  // namespace jiwon::engine
