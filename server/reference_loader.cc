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

// `status` of reading `path`, the path leading its message.
absl::Status InFile(const std::string& path, const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrCat(path, ": ", status.message()));
}

absl::StatusOr<std::unique_ptr<engine::Reference>> LoadReference(
    const std::string& dir) {
  auto ref = std::make_unique<engine::Reference>();
  const std::string regions_path = dir + "/regions.csv";
  absl::StatusOr<std::string> regions = ReadFile(regions_path);
  if (!regions.ok()) return regions.status();
  absl::StatusOr<engine::RegionTable> r = engine::RegionTable::Parse(*regions);
  if (!r.ok()) return InFile(regions_path, r.status());
  ref->regions = *std::move(r);

  const std::string ksic_path = dir + "/ksic11.csv";
  absl::StatusOr<std::string> ksic = ReadFile(ksic_path);
  if (!ksic.ok()) return ksic.status();
  absl::StatusOr<engine::IndustryTable> k = engine::IndustryTable::Parse(*ksic);
  if (!k.ok()) return InFile(ksic_path, k.status());
  ref->industries = *std::move(k);

  absl::StatusOr<std::string> sizes =
      ReadFile(dir + "/sme_size_thresholds.csv");
  if (!sizes.ok()) return sizes.status();
  absl::StatusOr<std::string> micro =
      ReadFile(dir + "/micro_employee_limits.csv");
  if (!micro.ok()) return micro.status();
  absl::StatusOr<engine::SizeTable> s =
      engine::SizeTable::Parse(*sizes, *micro);
  // The message begins with the name of the file at fault.
  if (!s.ok()) {
    return absl::Status(s.status().code(),
                        absl::StrCat(dir, "/", s.status().message()));
  }
  ref->sizes = *std::move(s);

  const std::string groups_path = dir + "/region_groups.csv";
  absl::StatusOr<std::string> groups = ReadFile(groups_path);
  if (!groups.ok()) return groups.status();
  absl::StatusOr<engine::RegionGroups> g =
      engine::RegionGroups::Parse(*groups, ref->regions);
  if (!g.ok()) return InFile(groups_path, g.status());
  ref->region_groups = *std::move(g);
  return ref;
}

}  // namespace jiwon::server
