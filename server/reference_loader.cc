#include "server/reference_loader.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace jiwon::server {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

absl::StatusOr<std::unique_ptr<engine::Reference>> LoadReference(
    const std::string& dir) {
  auto ref = std::make_unique<engine::Reference>();
  absl::StatusOr<std::string> regions = ReadFile(dir + "/regions.csv");
  if (!regions.ok()) return regions.status();
  absl::StatusOr<engine::RegionTable> r = engine::RegionTable::Parse(*regions);
  if (!r.ok()) return r.status();
  ref->regions = *std::move(r);

  absl::StatusOr<std::string> ksic = ReadFile(dir + "/ksic11.csv");
  if (!ksic.ok()) return ksic.status();
  absl::StatusOr<engine::IndustryTable> k = engine::IndustryTable::Parse(*ksic);
  if (!k.ok()) return k.status();
  ref->industries = *std::move(k);

  absl::StatusOr<std::string> sizes =
      ReadFile(dir + "/sme_size_thresholds.csv");
  if (!sizes.ok()) return sizes.status();
  absl::StatusOr<std::string> micro =
      ReadFile(dir + "/micro_employee_limits.csv");
  if (!micro.ok()) return micro.status();
  absl::StatusOr<engine::SizeTable> s =
      engine::SizeTable::Parse(*sizes, *micro);
  if (!s.ok()) return s.status();
  ref->sizes = *std::move(s);

  absl::StatusOr<std::string> groups = ReadFile(dir + "/region_groups.csv");
  if (!groups.ok()) return groups.status();
  absl::StatusOr<engine::RegionGroups> g =
      engine::RegionGroups::Parse(*groups, ref->regions);
  if (!g.ok()) return g.status();
  ref->region_groups = *std::move(g);
  return ref;
}

}  // namespace jiwon::server
