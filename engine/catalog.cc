#include "engine/catalog.h"

#include <algorithm>
#include <utility>

namespace jiwon::engine {
namespace {

bool IdLess(const std::shared_ptr<const Program>& a,
            const std::shared_ptr<const Program>& b) {
  return a->id < b->id;
}

int Rank(Eligibility e) {
  switch (e) {
    case Eligibility::kEligible:
      return 0;
    case Eligibility::kUndetermined:
      return 1;
    default:
      return 2;
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
  for (const auto& program : catalog.programs()) {
    if (!options.categories.empty() &&
        std::find(options.categories.begin(), options.categories.end(),
                  program->category) == options.categories.end()) {
      continue;
    }
    const WindowStatus window = StatusOn(program->window, options.as_of);
    if (options.open_only && window != WindowStatus::kOpen) continue;
    if (!options.include_closed && window == WindowStatus::kClosed) continue;
    ProgramOutcome outcome =
        evaluator.Evaluate(program, company, options.as_of);
    switch (outcome.eligibility) {
      case Eligibility::kNotInEffect:
        continue;
      case Eligibility::kEligible:
        ++out.eligible;
        break;
      case Eligibility::kUndetermined:
        ++out.undetermined;
        if (options.eligible_only) {
          ++out.evaluated;
          continue;
        }
        break;
      case Eligibility::kIneligible:
        ++out.ineligible;
        if (!options.include_ineligible) {
          ++out.evaluated;
          continue;
        }
        break;
    }
    ++out.evaluated;
    out.matches.push_back(std::move(outcome));
  }
  std::sort(out.matches.begin(), out.matches.end(),
            [](const ProgramOutcome& a, const ProgramOutcome& b) {
              const int ra = Rank(a.eligibility);
              const int rb = Rank(b.eligibility);
              if (ra != rb) return ra < rb;
              if (a.score != b.score) return a.score > b.score;
              return a.program->id < b.program->id;
            });
  if (out.matches.size() > options.limit) out.matches.resize(options.limit);
  return out;
}

}  // namespace jiwon::engine
