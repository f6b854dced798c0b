#ifndef JIWON_SERVER_REFERENCE_LOADER_H_
#define JIWON_SERVER_REFERENCE_LOADER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/reference.h"

namespace jiwon::server {

// Reads regions.csv, ksic11.csv, sme_size_thresholds.csv,
// micro_employee_limits.csv and region_groups.csv from `dir`.
absl::StatusOr<std::unique_ptr<engine::Reference>> LoadReference(
    const std::string& dir);

}  // namespace jiwon::server

#endif  // JIWON_SERVER_REFERENCE_LOADER_H_
