#include "tests/fuzz/fuzz_common.h"

#include <fstream>
#include <sstream>

#include "google/protobuf/util/json_util.h"
#include "jiwon/v1/program.pb.h"
#include "server/convert.h"
#include "server/reference_loader.h"

namespace jiwon::fuzz {

const engine::Reference& Reference() {
  static const engine::Reference* ref = [] {
    auto r = server::LoadReference(JIWON_REFERENCE_DIR);
    JIWON_FUZZ_CHECK(r.ok());
    return r->release();
  }();
  return *ref;
}

const engine::Evaluator& Evaluator() {
  static const engine::Evaluator* e = new engine::Evaluator(&Reference());
  return *e;
}

std::shared_ptr<const engine::Catalog> DemoCatalog() {
  static const std::shared_ptr<const engine::Catalog> catalog = [] {
    std::ifstream in(std::string(JIWON_DEMO_DIR) + "/programs.jsonl");
    std::vector<std::shared_ptr<const engine::Program>> programs;
    std::string line;
    while (std::getline(in, line)) {
      v1::Program p;
      JIWON_FUZZ_CHECK(
          google::protobuf::util::JsonStringToMessage(line, &p).ok());
      std::vector<engine::FieldError> errors;
      engine::Program domain = server::ProgramFromProto(p, &errors);
      JIWON_FUZZ_CHECK(errors.empty());
      Evaluator().PrepareTexts(&domain);
      programs.push_back(std::make_shared<const engine::Program>(domain));
    }
    JIWON_FUZZ_CHECK(!programs.empty());
    return engine::Catalog::Build(std::move(programs), 1);
  }();
  return catalog;
}

}  // namespace jiwon::fuzz
