#ifndef JIWON_TESTS_TESTING_H_
#define JIWON_TESTS_TESTING_H_

// Helpers shared by the tests: the real reference tables, temporary
// directories, status assertions and builders for domain records.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/date.h"
#include "engine/model.h"
#include "engine/reference.h"

#define JIWON_ASSERT_OK(expr)                                            \
  do {                                                                   \
    const absl::Status jiwon_status_ = ::jiwon::testing::AsStatus(expr); \
    ASSERT_TRUE(jiwon_status_.ok()) << jiwon_status_;                    \
  } while (0)

#define JIWON_EXPECT_OK(expr)                                            \
  do {                                                                   \
    const absl::Status jiwon_status_ = ::jiwon::testing::AsStatus(expr); \
    EXPECT_TRUE(jiwon_status_.ok()) << jiwon_status_;                    \
  } while (0)

namespace jiwon::testing {

inline absl::Status AsStatus(const absl::Status& s) { return s; }
template <typename T>
absl::Status AsStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

// The repository's reference tables (data/reference), loaded once.
const engine::Reference& Reference();

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on
// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// REQUIRES: a valid YYYY-MM-DD.
engine::Date D(const char* iso);

// The "today" validation is given in tests: fixed, after every fixture's
// dates, so that no test depends on the day it runs.
inline engine::Date Today() { return D("2030-01-01"); }

// Builders for conditions and rules.
engine::Condition Leaf(engine::Predicate p);
engine::Condition HqIn(std::vector<std::string> codes);
engine::Condition IndustryIn(std::vector<std::string> codes);
engine::Condition Range(engine::Fact fact, std::optional<int64_t> min,
                        std::optional<int64_t> max, bool min_exclusive = false,
                        bool max_exclusive = false);
engine::Condition Is(engine::Fact fact, bool value = true);
engine::Condition HasAny(std::vector<engine::Certification> certs);
engine::Condition SizeIn(std::vector<engine::SizeClass> classes);
engine::Condition AnyOf(std::vector<engine::Condition> items);
engine::Condition AllOf(std::vector<engine::Condition> items);
engine::Rule MakeRule(std::string id, engine::RuleKind kind,
                      engine::Condition condition, int points = 0);

// A rolling program with the given rules.
engine::Program MakeProgram(std::string id, std::vector<engine::Rule> rules);

// A fully known company: a metal-parts manufacturer in 경기도 광주시.
engine::Company KnownCompany();

}  // namespace jiwon::testing

#endif  // JIWON_TESTS_TESTING_H_
