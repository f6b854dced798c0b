// Writes the fuzzers' seed corpora from the demo data:
//   jiwon_fuzz_seeds OUT_DIR
// makes OUT_DIR/{company,program,import_json,decoders,date,feeds}/.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "google/protobuf/util/json_util.h"
#include "jiwon/v1/company.pb.h"
#include "jiwon/v1/program.pb.h"
#include "server/app/results.h"
#include "server/storage/key_codec.h"

namespace {

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

void Put(const std::filesystem::path& dir, int n, const std::string& bytes) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / std::to_string(n), std::ios::binary) << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: jiwon_fuzz_seeds OUT_DIR\n";
    return 2;
  }
  const std::filesystem::path out = argv[1];
  const std::string demo = JIWON_DEMO_DIR;
  int n = 0;
  for (const std::string& line : Lines(demo + "/companies.jsonl")) {
    jiwon::v1::Company c;
    if (!google::protobuf::util::JsonStringToMessage(line, &c).ok()) return 1;
    Put(out / "company", n,
        std::string(1, static_cast<char>(n % 4 * 64)) + c.SerializeAsString());
    if (n % 8 == 0) Put(out / "import_json", n, line + "\n");
    ++n;
  }
  for (const std::string& line : Lines(demo + "/programs.jsonl")) {
    jiwon::v1::Program p;
    if (!google::protobuf::util::JsonStringToMessage(line, &p).ok()) return 1;
    Put(out / "program", n, p.SerializeAsString());
    Put(out / "import_json", n, line + "\n");
    ++n;
  }
  jiwon::app::StoredResults r;
  r.catalog_version = 12;
  r.computed_at = 1780000000;
  r.as_of = *jiwon::engine::Date::Parse("2026-12-01");
  r.run_id = "20261201T000000Z-0of1-3";
  r.entries = {{3, jiwon::engine::Eligibility::kEligible, 120},
               {9, jiwon::engine::Eligibility::kUndetermined, 40}};
  r.reminders = {{3, *jiwon::engine::Date::Parse("2026-12-05")}};
  Put(out / "decoders", 0, jiwon::app::EncodeResults(r));
  Put(out / "decoders", 1, jiwon::storage::EncodeUint64(123456789));
  Put(out / "decoders", 2, jiwon::app::EncodeProgramList({"p1", "p2", "gbsa"}));
  jiwon::app::RunState state;
  state.run_id = r.run_id;
  state.catalog_version = 12;
  state.as_of = r.as_of;
  state.companies = 320;
  state.last_company = "C0320";
  Put(out / "decoders", 3, jiwon::app::EncodeRunState(state));
  int d = 0;
  for (const char* date : {"2026-02-28", "2024-02-29", "1900-01-01",
                           "2199-12-31", "0001-01-01", "9999-12-31"}) {
    Put(out / "date", d, std::string("\x01\x05", 2) + date);
    Put(out / "date", d + 100, std::string("\xfe\x0b", 2) + date);
    ++d;
  }
  // Feed records: a 기업마당 item and a K-Startup row (first byte: the feed).
  Put(out / "feeds", 0,
      std::string("\x01") +
          R"j({"pblancId":"PBLN_000000000120526","pblancNm":"[대구] 2026년 )j"
          R"j(콘텐츠기업 지원 사업 공고","jrsdInsttNm":"대구광역시",)j"
          R"j("pldirSportRealmLclasCodeNm":"경영","bsnsSumryCn":"<p>☞ 대구 )j"
          R"j(소재(본사)&nbsp;기업</p>","reqstBeginEndDe":"2026-04-13 ~ )j"
          R"j(2026-04-28","hashtags":"경영,대구"})j");
  Put(out / "feeds", 1,
      std::string("\x02") +
          R"j({"pbanc_sn":178845,"biz_pbanc_nm":"2026년 웰컴 투 팁스",)j"
          R"j("supt_biz_clsfc":"기술개발(R&amp;D)","supt_regin":"충남",)j"
          R"j("biz_enyy":"예비창업자,1년미만,3년미만","biz_trgt_age":"만 20세 )j"
          R"j(이상 ~ 만 39세 이하","aply_trgt_ctnt":"창업 후 3년 미만\r\n기업",)j"
          R"j("pbanc_rcpt_bgng_dt":"20260807","pbanc_rcpt_end_dt":"20260818"})j");
  Put(out / "feeds", 2,
      std::string("\x01") + R"j({"reqstBeginEndDe":"매월 1일~20일"})j");
  std::cout << "seeds written to " << out << "\n";
  return 0;
}
