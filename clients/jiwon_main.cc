// jiwon: the caseworker's command line client. It talks to jiwond over gRPC
// only.

#include <curl/curl.h>
#include <grpcpp/grpcpp.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <type_traits>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "build_info.h"
#include "clients/feed_fetch.h"
#include "clients/feed_file.h"
#include "clients/rpc_util.h"
#include "clients/table.h"
#include "clients/terminal.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "jiwon/v1/admin_service.grpc.pb.h"
#include "jiwon/v1/company_service.grpc.pb.h"
#include "jiwon/v1/feedback_service.grpc.pb.h"
#include "jiwon/v1/match_service.grpc.pb.h"
#include "jiwon/v1/program_service.grpc.pb.h"
#include "jiwon/v1/rescore_service.grpc.pb.h"
#include "jiwon/v1/vocabulary_service.grpc.pb.h"

ABSL_FLAG(std::string, addr, "",
          "jiwond address (default: $JIWON_ADDR, else 127.0.0.1:50051)");
ABSL_FLAG(bool, json, false, "print JSON (one message per line) for scripts");
ABSL_FLAG(double, timeout, 10, "deadline of each call, in seconds");
ABSL_FLAG(std::string, fields, "",
          "company|program update: the top-level fields to change, "
          "comma-separated (name,regular_employees); a named field the "
          "record lacks is cleared; empty: the fields the record sets");
ABSL_FLAG(int64_t, expected_version, -1,
          "put, update, delete: write only if the stored record is at this "
          "version (0: only if none is stored); -1: whatever it is");
ABSL_FLAG(std::string, as_of, "", "evaluation date YYYY-MM-DD (default today)");
ABSL_FLAG(int, limit, 0,
          "how many: recommend (0: 20, or every program with --all), "
          "questions (0: 10), program search (0: 20), results (0: all)");
ABSL_FLAG(bool, open, false, "recommend: only programs open for application");
ABSL_FLAG(bool, all, false, "recommend: also list ineligible programs");
ABSL_FLAG(std::string, eligible_for, "",
          "program search: only the programs this company is eligible for or "
          "may be");
ABSL_FLAG(bool, near, true,
          "recommend: also list near misses — ineligible programs one or two "
          "changeable facts away — with what would change the answer "
          "(--nonear to leave them out)");
ABSL_FLAG(bool, closed, false,
          "recommend: also list programs whose window has closed");
ABSL_FLAG(bool, eligible_only, false, "recommend: leave out undetermined ones");
ABSL_FLAG(std::string, category, "",
          "comma-separated categories: finance, technology, manpower, export, "
          "domestic, startup, management, other");
ABSL_FLAG(std::string, status, "", "program list: open, upcoming or closed");
ABSL_FLAG(std::string, region, "",
          "program list: programs whose area admits this region code");
ABSL_FLAG(std::string, note, "", "feedback: a note to keep with the decision");
ABSL_FLAG(bool, undetermined, false,
          "who-qualifies: also list companies whose outcome is undetermined");
ABSL_FLAG(std::string, after, "",
          "alerts: start after this alert id (the resume token; default: "
          "from the first)");
ABSL_FLAG(std::string, company, "", "alerts: only this company's");
ABSL_FLAG(bool, follow, false,
          "alerts: keep reading, printing new alerts as they are made");
ABSL_FLAG(int64_t, max, 0, "alerts: stop after this many (0: no limit)");
ABSL_FLAG(std::string, scope, "",
          "admin token new: limit the caller to companies of these regions, "
          "e.g. region:41 or region:41,region:11");
ABSL_FLAG(std::string, section, "",
          "propose: eligibility, exclusion, bonus or scoring (default: read "
          "from --label, else eligibility)");
ABSL_FLAG(std::string, label, "",
          "propose: the passage's own label, e.g. 신청제외 or 우대사항");
ABSL_FLAG(std::string, issuer, "",
          "propose: the issuer's region codes for 도내 and 관내, e.g. 47");
ABSL_FLAG(int, fetch_page_size, 500,
          "feed import URL: records asked for per page");
ABSL_FLAG(double, fetch_interval, 1.5,
          "feed import URL: seconds between calls (the feeds refuse bursts); "
          "retries wait this doubled each time");
ABSL_FLAG(int, fetch_retries, 4,
          "feed import URL: retries of a page on a rate limit, a server "
          "error or a lost connection");
ABSL_FLAG(int, fetch_max_pages, 1000, "feed import URL: pages at most");
ABSL_FLAG(bool, list, false,
          "program review: list the drafts waiting for review");
ABSL_FLAG(int, width, 0,
          "columns to lay output out for (default: the terminal's width; 80 "
          "when output is not a terminal)");
ABSL_FLAG(bool, ambiguous_wide, false,
          "count East Asian ambiguous-width characters (· … ①) as two "
          "columns, as terminals set up for CJK text show them (default: "
          "from the locale, wide for ko, ja and zh)");
ABSL_FLAG(std::string, color, "auto",
          "colour ✓ ✗ ?: auto (on a terminal, unless NO_COLOR is set), "
          "always or never");
ABSL_FLAG(int, reasons, 3,
          "recommend: the reasons of the first N programs after the table");
ABSL_FLAG(bool, pager, true,
          "page output taller than the screen through $PAGER (less); "
          "--nopager never does");
ABSL_FLAG(std::string, since, "",
          "admin access-log: records from this day (YYYY-MM-DD) or time "
          "(RFC 3339, UTC) on");

namespace jiwon::cli {
namespace {

using google::protobuf::util::JsonParseOptions;
using google::protobuf::util::JsonPrintOptions;

constexpr const char* kUsage =
    R"(look up companies and programs and see what matches, and why.

  jiwon company put FILE|-         store one company (JSON)
  jiwon company update FILE|- [--fields=name,regular_employees]
                                   change only those fields of a stored company (JSON with its id)
  jiwon company get ID
  jiwon company list
  jiwon company import FILE|-      load JSON Lines; bad lines are reported by number
  jiwon company delete ID
  jiwon program put|update|get|list|import|delete ...   the same for programs
  jiwon program search WORDS [--open] [--category=…] [--eligible_for=COMPANY]
                                   programs by words ("스마트 공장"), title matches first
                                   (put, update, delete: --expected_version=N writes only at N)
  jiwon recommend COMPANY          programs for a company, best first, with reasons
  jiwon explain COMPANY PROGRAM    every rule, what it asks and what the company has
  jiwon who-qualifies PROGRAM      companies that qualify for a program
  jiwon questions COMPANY          facts to ask the company next, by how many programs they settle
  jiwon feedback COMPANY [PROGRAM dismissed|saved|applied|undo]
                                   record what the company decided; dismissed programs are not recommended again
  jiwon results COMPANY            what the last rescore computed for a company, and when
  jiwon alerts [--after ID] [--company ID] [--follow]
                                   the alert feed as JSON Lines, in order; resume with --after the last id
  jiwon feed import bizinfo|kstartup FILE|URL
                                   a saved 기업마당 or K-Startup response (JSON or XML), or the feed
                                   itself fetched page by page from URL with the key in
                                   JIWON_BIZINFO_KEY / JIWON_KSTARTUP_KEY: each record becomes a draft
                                   program with proposed rules (re-importing changes nothing)
  jiwon program review ID          review a draft: accept (a), edit in $EDITOR (e) or reject (r)
                                   each proposed rule beside its evidence, add rules, publish
  jiwon program review --list      the drafts waiting for review (new, or changed since published)
  jiwon draft list                 imported announcements awaiting review
  jiwon draft show ID              one draft: its prose, proposed rules and their evidence
  jiwon propose FILE|- [--section=exclusion] [--label=신청제외] [--issuer=47]
                                   rules proposed from a passage of prose, each with its evidence
                                   marked in the text, and the clauses no rule was read from
  jiwon admin token new NAME ROLE [--scope=region:41]
                                   a fresh token and its line for jiwond's --auth_tokens file
                                   (ROLE: portal, caseworker, catalog, batch, admin)
  jiwon admin access-log [--company ID] [--since YYYY-MM-DD]
                                   who read which company's personal data, and when (admin only)
  jiwon health [SERVICE]           SERVING or not (exit 0 or 1): for probes and scripts
  jiwon admin backup DIR           a consistent backup of the whole database, taken while jiwond
                                   serves, into DIR under jiwond's --backup_root (only what changed
                                   since the last backup in DIR is copied); waits for it (admin only)
  jiwon admin backups DIR          the backups in DIR: id, time, size, companies, catalog version

Flags: --addr (or JIWON_ADDR), --json, --timeout, --as_of, --width,
--color, --nopager; see --help.
TLS: --tls_ca, --tls_cert, --tls_key (or JIWON_TLS_CA, JIWON_TLS_CERT,
JIWON_TLS_KEY). Token: JIWON_TOKEN, or a file in --token_file (or
JIWON_TOKEN_FILE).)";

std::string Address() { return ResolveAddress(absl::GetFlag(FLAGS_addr)); }

// --fields as an update mask.
void SetMask(google::protobuf::FieldMask* mask) {
  for (absl::string_view f :
       absl::StrSplit(absl::GetFlag(FLAGS_fields), ',', absl::SkipEmpty())) {
    mask->add_paths(std::string(absl::StripAsciiWhitespace(f)));
  }
}

struct UsageError {
  std::string message;
};

int FailRpc(const grpc::Status& s) {
  return ReportRpcError("jiwon", s, Address(), absl::GetFlag(FLAGS_timeout));
}

void SetDeadline(grpc::ClientContext* ctx, double seconds) {
  ctx->set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000)));
}

std::string ToJson(const google::protobuf::Message& m) {
  std::string out;
  JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  return out;
}

std::string ReadInput(const std::string& path) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError{absl::StrCat("cannot read ", path)};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

template <typename Message>
Message ParseOne(const std::string& text, const std::string& what) {
  Message m;
  google::protobuf::util::Status s =
      google::protobuf::util::JsonStringToMessage(text, &m, JsonParseOptions());
  if (!s.ok()) {
    throw UsageError{
        absl::StrCat("bad ", what, " JSON: ", s.message().ToString())};
  }
  return m;
}

// ------------------------------------------------------------- rendering

// How output is laid out: the columns it fits (--width, the terminal's, or
// 80) and whether marks are coloured.
struct Screen {
  int width = 80;
  bool colour = false;
};
Screen screen;

// Lays output out from --width, --ambiguous_wide (the locale's choice
// unless `ambiguous_given`) and --color; what is wrong with them, if
// anything.
std::optional<std::string> SetUpScreen(bool ambiguous_given) {
  const int width = absl::GetFlag(FLAGS_width);
  if (width != 0 && (width < 20 || width > 1000)) {
    return absl::StrCat("--width=", width,
                        ": 20 to 1000 columns, or 0 for the terminal's");
  }
  const std::string colour = absl::GetFlag(FLAGS_color);
  if (colour != "auto" && colour != "always" && colour != "never") {
    return absl::StrCat("--color=", colour, ": auto, always or never");
  }
  if (absl::GetFlag(FLAGS_reasons) < 0) {
    return absl::StrCat("--reasons=", absl::GetFlag(FLAGS_reasons),
                        ": a count, 0 or more");
  }
  SetAmbiguousWide(ambiguous_given ? absl::GetFlag(FLAGS_ambiguous_wide)
                                   : AmbiguousWideFromLocale());
  screen.width = OutputWidth(STDOUT_FILENO, width);
  screen.colour = UseColour(STDOUT_FILENO, colour);
  SetColoursAllowed(screen.colour);
  return std::nullopt;
}

// Whether the command `args` shows a screen for people to read (a table,
// an explanation), as opposed to a stream, a prompt or a one-line answer.
bool IsScreen(const std::vector<std::string>& args) {
  const std::string command = args.empty() ? "" : args[0];
  const std::string verb = args.size() > 1 ? args[1] : "";
  if (command == "recommend" || command == "explain" ||
      command == "who-qualifies" || command == "questions" ||
      command == "results" || command == "feedback") {
    return true;
  }
  if (command == "company" || command == "program") {
    return verb == "list" || verb == "search" ||
           (verb == "review" && absl::GetFlag(FLAGS_list));
  }
  if (command == "draft") return verb == "list" || verb == "show";
  if (command == "admin") return verb == "access-log" || verb == "backups";
  return false;
}

// `mark` (✓ ✗ ?) in its colour on a colour screen.
std::string Coloured(std::string_view mark) {
  if (!screen.colour) return std::string(mark);
  if (mark == "✓") return Coloured(Colour::kGreen, mark);
  if (mark == "✗") return Coloured(Colour::kRed, mark);
  if (mark == "?") return Coloured(Colour::kYellow, mark);
  return std::string(mark);
}

// `text` wrapped to the screen, first line after `first`, the rest after
// `rest`.
std::string Para(std::string_view text, std::string_view first = "",
                 std::string_view rest = "") {
  return Wrap(text, screen.width, first, rest);
}

// Names of facts and enumerations, from the server's vocabulary: asked
// for once, the first time a name is shown. A number stands in for a name
// the server did not give.
std::shared_ptr<grpc::Channel> vocabulary_channel;

const v1::Vocabulary& Vocabulary() {
  static const v1::Vocabulary* vocabulary = [] {
    auto* out = new v1::Vocabulary;
    if (vocabulary_channel != nullptr) {
      auto stub = v1::VocabularyService::NewStub(vocabulary_channel);
      grpc::ClientContext ctx;
      SetDeadline(&ctx, absl::GetFlag(FLAGS_timeout));
      if (!stub->GetVocabulary(&ctx, v1::GetVocabularyRequest(), out).ok()) {
        out->Clear();
      }
    }
    return out;
  }();
  return *vocabulary;
}

std::string NameOf(const google::protobuf::RepeatedPtrField<v1::Term>& terms,
                   int value) {
  for (const v1::Term& t : terms) {
    if (t.value() == value) return t.name_ko();
  }
  return absl::StrCat("#", value);
}

std::string CategoryName(int c) { return NameOf(Vocabulary().categories(), c); }

// "41610 경기도 광주시": a region code with its name, or the code alone when
// the server does not know it; "미상" for none.
std::string RegionText(const std::string& code) {
  if (code.empty()) return "미상";
  const auto& regions = Vocabulary().regions();
  auto it = std::lower_bound(regions.begin(), regions.end(), code,
                             [](const v1::RegionTerm& r, const std::string& c) {
                               return r.code() < c;
                             });
  if (it == regions.end() || it->code() != code) return code;
  return absl::StrCat(code, " ", it->name());
}

// "25929 그 외 기타 금속 가공업": an industry code with its name, as
// RegionText.
std::string IndustryText(const std::string& code) {
  if (code.empty()) return "미상";
  const auto& industries = Vocabulary().industries();
  auto it = std::lower_bound(industries.begin(), industries.end(), code,
                             [](const v1::IndustryTerm& t,
                                const std::string& c) { return t.code() < c; });
  if (it == industries.end() || it->code() != code) return code;
  return absl::StrCat(code, " ", it->name());
}

std::string WindowName(v1::WindowStatus s) {
  if (s == v1::WINDOW_STATUS_UNSPECIFIED) return "-";
  return NameOf(Vocabulary().window_statuses(), s);
}

std::string EligibilityName(v1::Eligibility e) {
  if (e == v1::ELIGIBILITY_UNSPECIFIED) return "-";
  return NameOf(Vocabulary().eligibilities(), e);
}

std::string FactName(int f) {
  for (const v1::FactTerm& t : Vocabulary().facts()) {
    if (t.term().value() == f) return t.term().name_ko();
  }
  return absl::StrCat("#", f);
}

std::string RuleKindName(int k) { return NameOf(Vocabulary().rule_kinds(), k); }

// ✓ passes, ✗ fails, ? unknown; for 가점: + earned, · not earned.
const char* Mark(const v1::RuleResult& r) {
  if (r.kind() == v1::RULE_KIND_BONUS) {
    return r.condition() == v1::TRUTH_TRUE      ? "+"
           : r.condition() == v1::TRUTH_UNKNOWN ? "?"
                                                : "·";
  }
  return r.passed() == v1::TRUTH_TRUE    ? "✓"
         : r.passed() == v1::TRUTH_FALSE ? "✗"
                                         : "?";
}

std::string RuleLine(const v1::RuleResult& r) {
  std::string line = absl::StrCat(Coloured(Mark(r)), " ",
                                  RuleKindName(r.kind()), " ", r.label());
  if (r.kind() == v1::RULE_KIND_BONUS && r.points() > 0) {
    absl::StrAppend(&line, " (+", r.points(), "점)");
  }
  return line;
}

// An exclude rule's checks describe what excludes; the others', what is
// required.
std::string CheckLine(const v1::RuleResult& r, const v1::Check& c) {
  const bool exclude = r.kind() == v1::RULE_KIND_EXCLUDE;
  const char* verdict =
      c.outcome() == v1::TRUTH_UNKNOWN ? "미상"
      : exclude ? (c.outcome() == v1::TRUTH_TRUE ? "해당" : "해당 없음")
                : (c.outcome() == v1::TRUTH_TRUE ? "충족" : "미충족");
  return absl::StrCat(FactName(c.fact()), " — ",
                      exclude ? "제외 조건: " : "요건: ", c.expected(),
                      " / 현황: ", c.observed(), " → ", verdict);
}

std::string Missing(const v1::ProgramMatch& m) {
  std::vector<std::string> names;
  for (int f : m.missing_facts()) {
    if (f != v1::FACT_QUESTION) names.push_back(FactName(f));
  }
  // A program's own questions, as the caseworker would ask them.
  for (const v1::MissingQuestion& q : m.missing_questions()) {
    names.push_back(absl::StrCat("「", q.text(), "」"));
  }
  return absl::StrJoin(names, ", ");
}

// The 마감 of a match: its closing date, else the kind of window in a word.
std::string Deadline(const v1::ProgramMatch& m) {
  if (!m.closes_on().empty()) return m.closes_on();
  switch (m.window_kind()) {
    case v1::WINDOW_KIND_ROLLING:
      return "상시";
    case v1::WINDOW_KIND_UNTIL_BUDGET:
      return "예산 소진시";
    case v1::WINDOW_KIND_TO_BE_ANNOUNCED:
      return "추후 공지";
    case v1::WINDOW_KIND_UNTIL_FILLED:
      return "선착순";
    case v1::WINDOW_KIND_VARIES:
      return "사업별 상이";
    case v1::WINDOW_KIND_MONTHLY:
      return "매월";
    default:
      return "-";
  }
}

// One program's verdict, rule by rule, wrapped to the screen with hanging
// indents so that each rule and check reads as a block.
void PrintMatch(int rank, const v1::ProgramMatch& m, bool evidence) {
  const std::string number = absl::StrCat(rank, ". ");
  std::cout << "\n"
            << Para(absl::StrCat("[", EligibilityName(m.eligibility()), "] ",
                                 m.title(), "  (", m.program_id(), ")"),
                    number, std::string(number.size(), ' '));
  std::string line = absl::StrCat("분야 ", CategoryName(m.category()), " · ",
                                  WindowName(m.window_status()), " · 마감 ",
                                  Deadline(m), " · 점수 ", m.score());
  if (m.bonus_points() > 0) {
    absl::StrAppend(&line, " (가점 ", m.bonus_points(), ")");
  }
  absl::StrAppend(&line, " · 기준일 ", m.reference_date());
  std::cout << Para(line, "   ", "   ");
  for (const v1::RuleResult& r : m.rules()) {
    std::cout << Para(RuleLine(r), "   ", "     ");
    for (const v1::Check& c : r.checks()) {
      std::cout << Para(CheckLine(r, c), "       ", "         ");
    }
    if (evidence && !r.evidence().empty()) {
      std::cout << Para(absl::StrCat("근거: \"", r.evidence(), "\""), "       ",
                        "         ");
    }
  }
  if (m.missing_facts_size() > 0) {
    std::cout << Para(absl::StrCat("확인할 정보: ", Missing(m)), "   ",
                      "     ");
  }
  if (m.has_near_miss()) {
    std::cout << Para(m.near_miss().result() == v1::ELIGIBILITY_ELIGIBLE
                          ? "다음을 갖추면 신청 가능:"
                          : "다음을 갖추면 자격 요건은 충족 (나머지는 확인 "
                            "필요):",
                      "   → ", "     ");
    for (const v1::SuggestedChange& c : m.near_miss().changes()) {
      std::cout << Para(c.description(), "       · ", "         ");
    }
  }
}

// The status column: near misses stand apart from the other ineligible ones.
std::string StatusLabel(const v1::ProgramMatch& m) {
  if (m.has_near_miss()) return "보완 시 가능";
  return EligibilityName(m.eligibility());
}

// ✓ eligible, ? undetermined, ✗ ineligible (near misses too).
std::string StatusMark(v1::Eligibility e) {
  return Coloured(e == v1::ELIGIBILITY_ELIGIBLE       ? "✓"
                  : e == v1::ELIGIBILITY_UNDETERMINED ? "?"
                                                      : "✗");
}

// ---------------------------------------------------------------- client

class Client {
 public:
  explicit Client(std::shared_ptr<grpc::Channel> channel)
      : companies_(v1::CompanyService::NewStub(channel)),
        programs_(v1::ProgramService::NewStub(channel)),
        matching_(v1::MatchService::NewStub(channel)),
        feedback_(v1::FeedbackService::NewStub(channel)),
        rescore_(v1::RescoreService::NewStub(channel)),
        admin_(v1::AdminService::NewStub(channel)),
        health_(grpc::health::v1::Health::NewStub(channel)) {}

  int Run(const std::vector<std::string>& args);

 private:
  int CompanyCommand(const std::vector<std::string>& args);
  int ProgramCommand(const std::vector<std::string>& args);
  int Recommend(const std::string& company);
  int Explain(const std::string& company, const std::string& program);
  int WhoQualifies(const std::string& program);
  int Questions(const std::string& company);
  int Feedback(const std::vector<std::string>& args);
  int Results(const std::string& company);
  int Alerts();
  int Admin(const std::vector<std::string>& args);
  int Health(const std::string& service);
  int Backup(const std::string& dir);
  int Backups(const std::string& dir);
  int AccessLog();
  int FeedCommand(const std::vector<std::string>& args);
  int DraftCommand(const std::vector<std::string>& args);
  int Propose(const std::string& path);
  int Review(const std::vector<std::string>& args);
  // Every draft (only those awaiting review when `awaiting`), page by page;
  // kOk, or the exit code of the call that failed.
  int ForEachDraft(bool awaiting,
                   const std::function<void(const v1::Draft&)>& fn);
  template <typename Request, typename Response, typename Record, typename Stub>
  int Import(Stub* stub, const std::string& path, const char* what);

  std::unique_ptr<v1::CompanyService::StubInterface> companies_;
  std::unique_ptr<v1::ProgramService::StubInterface> programs_;
  std::unique_ptr<v1::MatchService::StubInterface> matching_;
  std::unique_ptr<v1::FeedbackService::StubInterface> feedback_;
  std::unique_ptr<v1::RescoreService::StubInterface> rescore_;
  std::unique_ptr<v1::AdminService::StubInterface> admin_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

std::string Arg(const std::vector<std::string>& args, size_t i,
                const char* what) {
  if (i >= args.size()) throw UsageError{absl::StrCat("missing ", what)};
  return args[i];
}

// What the 마감 column shows for a window that is not a plain closing
// date: the kind in words, with the closing date when there is one.
std::string ClosesText(const v1::ApplicationWindow& w, std::string closes) {
  const std::string until =
      w.has_closes_on() ? absl::StrCat(" (~", closes, ")") : std::string();
  switch (w.kind()) {
    case v1::WINDOW_KIND_ROLLING:
      return "상시" + until;
    case v1::WINDOW_KIND_UNTIL_BUDGET:
      return "예산 소진시" + until;
    case v1::WINDOW_KIND_TO_BE_ANNOUNCED:
      return "추후 공지";
    case v1::WINDOW_KIND_UNTIL_FILLED:
      return "선착순·모집 완료시" + until;
    case v1::WINDOW_KIND_VARIES:
      return "세부사업별 상이" + until;
    case v1::WINDOW_KIND_MONTHLY:
      return absl::StrCat("매월 ", w.monthly_from_day(), "일~",
                          w.monthly_to_day(), "일", until);
    default:  // a proto enum: values added later print as a date
      return closes;
  }
}

// Programs one a row: on a wide screen the id, title, field, window
// status and closing in columns of their own; on a narrow one the id with
// the title wrapped under it, so that neither is cut and the title has
// room. `ranked` numbers the rows; `extra` names one more column (the
// agency, a company's verdict) after the others.
class ProgramTable {
 public:
  explicit ProgramTable(bool ranked, std::string extra = "소관")
      : ranked_(ranked), wide_(screen.width >= 120) {
    using Fit = Table::Fit;
    std::vector<Table::Column> columns;
    if (ranked_) columns.push_back({"#", true});
    if (wide_) {
      columns.insert(columns.end(), {{"ID"}, {"제목", false, Fit::kWrap}});
    } else {
      columns.push_back({"ID · 제목", false, Fit::kWrap});
    }
    columns.insert(columns.end(),
                   {{"분야"}, {"접수"}, {"마감", false, Fit::kWrap}});
    if (!extra.empty()) columns.push_back({extra, false, Fit::kWrap});
    table_ = std::make_unique<Table>(std::move(columns), screen.width);
  }

  void Add(const v1::Program& p, v1::WindowStatus status,
           std::vector<std::string> extra) {
    const v1::ApplicationWindow& w = p.window();
    std::vector<std::string> row;
    if (ranked_) row.push_back(absl::StrCat(++rank_));
    if (wide_) {
      row.insert(row.end(), {p.id(), p.title()});
    } else {
      row.push_back(absl::StrCat(p.id(), "\n", p.title()));
      // The stacked column never gets narrower than an id.
      min_id_ = std::max(min_id_, DisplayWidth(p.id()));
    }
    row.insert(row.end(),
               {CategoryName(p.category()), WindowName(status),
                ClosesText(w, w.has_closes_on() ? w.closes_on() : "-")});
    for (std::string& e : extra) row.push_back(std::move(e));
    table_->AddRow(std::move(row));
  }

  std::string Render() {
    if (!wide_) table_->SetMinWidth(ranked_ ? 1 : 0, min_id_);
    return table_->Render();
  }

 private:
  bool ranked_, wide_;
  int rank_ = 0, min_id_ = 0;
  std::unique_ptr<Table> table_;
};

// --category=finance,export: the lower-case names of the API's categories,
// read from the proto's own enum so that no list is kept here.
std::vector<int> ParseCategories() {
  const google::protobuf::EnumDescriptor* d = v1::Category_descriptor();
  std::vector<int> out;
  const std::string flag = absl::GetFlag(FLAGS_category);
  if (flag.empty()) return out;
  for (absl::string_view name : absl::StrSplit(flag, ',')) {
    const google::protobuf::EnumValueDescriptor* v =
        name.empty() ? nullptr
                     : d->FindValueByName(absl::StrCat(
                           "CATEGORY_", absl::AsciiStrToUpper(name)));
    if (v == nullptr || v->number() == 0) {
      std::vector<std::string> names;
      for (int i = 0; i < d->value_count(); ++i) {
        if (d->value(i)->number() == 0) continue;
        names.push_back(absl::AsciiStrToLower(
            absl::StripPrefix(d->value(i)->name(), "CATEGORY_")));
      }
      throw UsageError{absl::StrCat("--category: unknown category \"",
                                    std::string(name), "\" (one of ",
                                    absl::StrJoin(names, ", "), ")")};
    }
    out.push_back(v->number());
  }
  return out;
}

int Client::Run(const std::vector<std::string>& args) {
  const std::string command = Arg(args, 0, "command");
  if (command == "company") return CompanyCommand(args);
  if (command == "program") return ProgramCommand(args);
  if (command == "recommend") return Recommend(Arg(args, 1, "COMPANY id"));
  if (command == "explain") {
    return Explain(Arg(args, 1, "COMPANY id"), Arg(args, 2, "PROGRAM id"));
  }
  if (command == "who-qualifies") {
    return WhoQualifies(Arg(args, 1, "PROGRAM id"));
  }
  if (command == "questions") return Questions(Arg(args, 1, "COMPANY id"));
  if (command == "feedback") return Feedback(args);
  if (command == "results") return Results(Arg(args, 1, "COMPANY id"));
  if (command == "alerts") return Alerts();
  if (command == "health") return Health(args.size() > 1 ? args[1] : "");
  if (command == "admin") return Admin(args);
  if (command == "feed") return FeedCommand(args);
  if (command == "draft") return DraftCommand(args);
  if (command == "propose") return Propose(Arg(args, 1, "FILE or -"));
  throw UsageError{absl::StrCat("unknown command \"", command, "\"")};
}

// The largest record jiwond takes (its kMaxRecordBytes), and the longest
// line worth parsing as one.
constexpr size_t kMaxRecordBytes = 1 << 20;
constexpr size_t kMaxLineBytes = 4 * kMaxRecordBytes;

template <typename Request, typename Response, typename Record, typename Stub>
int Client::Import(Stub* stub, const std::string& path, const char* what) {
  const std::string text = ReadInput(path);
  absl::string_view body = text;
  // Editors on Windows start UTF-8 files with a byte-order mark.
  if (absl::StartsWith(body, "\xEF\xBB\xBF")) body.remove_prefix(3);
  // Every line refused, here or by the server, by its line in the file.
  struct BadLine {
    int line = 0;
    std::string id;
    std::string message;
  };
  std::vector<BadLine> bad;
  std::vector<int> line_of;  // stream position -> line number
  std::vector<Record> records;
  int lines = 0;  // not blank
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == absl::string_view::npos) continue;
    ++lines;
    if (line.size() > kMaxLineBytes) {
      bad.push_back({line_no, "",
                     absl::StrCat("not a ", what, ": the line is ", line.size(),
                                  " bytes; a record may be at most ",
                                  kMaxRecordBytes, " bytes")});
      continue;
    }
    Record r;
    google::protobuf::util::Status s =
        google::protobuf::util::JsonStringToMessage(std::string(line), &r,
                                                    JsonParseOptions());
    if constexpr (std::is_same_v<Record, v1::Program>) {
      // A line of `jiwon program list --json`: the program beside its
      // output-only window status.
      v1::ProgramSummary summary;
      if (!s.ok() &&
          google::protobuf::util::JsonStringToMessage(
              std::string(line), &summary, JsonParseOptions())
              .ok() &&
          summary.has_program()) {
        r = summary.program();
        s = google::protobuf::util::Status();
      }
    }
    if (!s.ok()) {
      bad.push_back(
          {line_no, "",
           absl::StrCat("not a ", what, ": ", s.message().ToString())});
      continue;
    }
    if (const size_t size = r.ByteSizeLong(); size > kMaxRecordBytes) {
      bad.push_back({line_no, r.id(),
                     absl::StrCat("the record is ", size, " bytes; at most ",
                                  kMaxRecordBytes, " allowed")});
      continue;
    }
    records.push_back(std::move(r));
    line_of.push_back(line_no);
  }
  grpc::ClientContext ctx;
  // One call for the whole file: allow a millisecond a record on top.
  SetDeadline(&ctx, absl::GetFlag(FLAGS_timeout) + records.size() / 1000.0);
  Response response;
  auto writer = [&] {
    if constexpr (std::is_same_v<Record, v1::Company>) {
      return stub->ImportCompanies(&ctx, &response);
    } else {
      return stub->ImportPrograms(&ctx, &response);
    }
  }();
  size_t sent = 0;
  for (; sent < records.size(); ++sent) {
    Request req;
    if constexpr (std::is_same_v<Record, v1::Company>) {
      *req.mutable_company() = std::move(records[sent]);
    } else {
      *req.mutable_program() = std::move(records[sent]);
    }
    if (!writer->Write(req)) break;
  }
  if (sent == records.size()) writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) {
    if (sent < records.size()) {
      std::cerr << path << ": the server stopped the import at line "
                << line_of[sent] << "; it and the " << records.size() - sent - 1
                << " record(s) after it were not sent, and what came before "
                   "may or may not be stored\n";
    }
    return FailRpc(status);
  }
  for (const v1::ImportError& e : response.errors()) {
    const int at =
        e.index() >= 0 && static_cast<size_t>(e.index()) < line_of.size()
            ? line_of[e.index()]
            : 0;
    bad.push_back({at, e.id(), e.message()});
  }
  std::stable_sort(
      bad.begin(), bad.end(),
      [](const BadLine& a, const BadLine& b) { return a.line < b.line; });
  int unchanged = 0;
  if constexpr (requires { response.unchanged(); }) {
    unchanged = response.unchanged();
  }
  if (absl::GetFlag(FLAGS_json)) {
    // One object: what was read and stored, and every line refused with
    // its line number in the file (the server numbers records by their
    // place in the stream, and protobuf's JSON would leave out a 0).
    google::protobuf::Struct out;
    auto& f = *out.mutable_fields();
    f["file"].set_string_value(path);
    f["lines"].set_number_value(lines);
    f["accepted"].set_number_value(response.accepted());
    f["unchanged"].set_number_value(unchanged);
    f["rejected"].set_number_value(static_cast<double>(bad.size()));
    if constexpr (requires { response.catalog_version(); }) {
      f["catalog_version"].set_number_value(
          static_cast<double>(response.catalog_version()));
    }
    google::protobuf::ListValue* errors = f["errors"].mutable_list_value();
    for (const BadLine& b : bad) {
      auto& e = *errors->add_values()->mutable_struct_value()->mutable_fields();
      e["line"].set_number_value(b.line);
      if (!b.id.empty()) e["id"].set_string_value(b.id);
      e["message"].set_string_value(b.message);
    }
    std::cout << ToJson(out) << "\n";
  } else {
    for (const BadLine& b : bad) {
      // "not a company: ..." for a line that is no record, else the record
      // named and why it was refused.
      std::cerr << path << ":" << b.line << ": "
                << (absl::StartsWith(b.message, "not a ")
                        ? b.message
                        : absl::StrCat(what, " \"", b.id,
                                       "\" rejected: ", b.message))
                << "\n";
    }
    std::cout << "imported " << response.accepted() << " of " << lines << " "
              << what << " records from " << path;
    if (unchanged > 0) std::cout << " (" << unchanged << " unchanged)";
    if (!bad.empty()) {
      std::cout << "; " << bad.size() << " line(s) rejected (see above)";
    }
    std::cout << "\n";
  }
  return bad.empty() ? kOk : kFailed;
}

int Client::CompanyCommand(const std::vector<std::string>& args) {
  const std::string verb =
      Arg(args, 1, "company verb (put|update|get|list|import|delete)");
  const bool json = absl::GetFlag(FLAGS_json);
  const double timeout = absl::GetFlag(FLAGS_timeout);
  if (verb == "put") {
    v1::UpsertCompanyRequest req;
    *req.mutable_company() =
        ParseOne<v1::Company>(ReadInput(Arg(args, 2, "FILE")), "company");
    if (absl::GetFlag(FLAGS_expected_version) >= 0) {
      req.set_expected_version(absl::GetFlag(FLAGS_expected_version));
    }
    v1::UpsertCompanyResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, timeout);
    grpc::Status s = companies_->UpsertCompany(&ctx, req, &resp);
    if (!s.ok()) return FailRpc(s);
    if (json) {
      std::cout << ToJson(resp) << "\n";
    } else {
      std::cout << (resp.created()     ? "created"
                    : resp.unchanged() ? "unchanged"
                                       : "updated")
                << " company " << resp.company().id() << " (version "
                << resp.company().version() << ")\n";
    }
    return kOk;
  }
  if (verb == "update") {
    v1::UpdateCompanyRequest req;
    *req.mutable_company() =
        ParseOne<v1::Company>(ReadInput(Arg(args, 2, "FILE")), "company");
    SetMask(req.mutable_update_mask());
    if (absl::GetFlag(FLAGS_expected_version) >= 0) {
      req.set_expected_version(absl::GetFlag(FLAGS_expected_version));
    }
    v1::UpdateCompanyResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, timeout);
    grpc::Status s = companies_->UpdateCompany(&ctx, req, &resp);
    if (!s.ok()) return FailRpc(s);
    if (json) {
      std::cout << ToJson(resp) << "\n";
    } else {
      std::cout << (resp.unchanged() ? "unchanged" : "updated") << " company "
                << resp.company().id() << " (version "
                << resp.company().version() << ")\n";
    }
    return kOk;
  }
  if (verb == "get") {
    v1::GetCompanyRequest req;
    req.set_company_id(Arg(args, 2, "company ID"));
    v1::GetCompanyResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, timeout);
    grpc::Status s = companies_->GetCompany(&ctx, req, &resp);
    if (!s.ok()) return FailRpc(s);
    std::cout << ToJson(resp.company()) << "\n";
    return kOk;
  }
  if (verb == "delete") {
    v1::DeleteCompanyRequest req;
    req.set_company_id(Arg(args, 2, "company ID"));
    if (absl::GetFlag(FLAGS_expected_version) >= 0) {
      req.set_expected_version(absl::GetFlag(FLAGS_expected_version));
    }
    v1::DeleteCompanyResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, timeout);
    grpc::Status s = companies_->DeleteCompany(&ctx, req, &resp);
    if (!s.ok()) return FailRpc(s);
    if (!json) std::cout << "deleted company " << req.company_id() << "\n";
    return kOk;
  }
  if (verb == "list") {
    Table table({{"ID"},
                 {"상호", false, Table::Fit::kWrap},
                 {"본사", false, Table::Fit::kWrap},
                 {"주업종", false, Table::Fit::kWrap},
                 {"개업일"}},
                screen.width);
    std::string token;
    int count = 0;
    do {
      v1::ListCompaniesRequest req;
      req.set_page_size(1000);
      req.set_page_token(token);
      v1::ListCompaniesResponse resp;
      grpc::ClientContext ctx;
      SetDeadline(&ctx, timeout);
      grpc::Status s = companies_->ListCompanies(&ctx, req, &resp);
      if (!s.ok()) return FailRpc(s);
      for (const v1::Company& c : resp.companies()) {
        ++count;
        if (json) {
          std::cout << ToJson(c) << "\n";
        } else {
          table.AddRow({c.id(), c.name(), RegionText(c.head_office_region()),
                        IndustryText(c.primary_industry()),
                        c.has_founded_on()        ? c.founded_on()
                        : c.prospective_founder() ? "예비창업자"
                                                  : "-"});
        }
      }
      token = resp.next_page_token();
    } while (!token.empty());
    if (!json) std::cout << table.Render() << count << " companies\n";
    return kOk;
  }
  if (verb == "import") {
    return Import<v1::ImportCompaniesRequest, v1::ImportCompaniesResponse,
                  v1::Company>(companies_.get(), Arg(args, 2, "FILE"),
                               "company");
  }
  throw UsageError{absl::StrCat("unknown company verb \"", verb, "\"")};
}

int Client::ProgramCommand(const std::vector<std::string>& args) {
  const std::string verb =
      Arg(args, 1,
          "program verb (put|update|get|list|import|delete|review|search)");
  const bool json = absl::GetFlag(FLAGS_json);
  const double timeout = absl::GetFlag(FLAGS_timeout);
  if (verb == "review") return Review(args);
  if (verb == "put") {
    v1::UpsertProgramRequest req;
    *req.mutable_program() =
        ParseOne<v1::Program>(ReadInput(Arg(args, 2, "FILE")), "program");
    if (absl::GetFlag(FLAGS_expected_version) >= 0) {
      req.set_expected_version(absl::GetFlag(FLAGS_expected_version));
    }
    v1::UpsertProgramResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, timeout);
    grpc::Status s = programs_->UpsertProgram(&ctx, req, &resp);
    if (!s.ok()) return FailRpc(s);
    if (json) {
      std::cout << ToJson(resp) << "\n";
    } else {
      std::cout << (resp.created()     ? "created"
                    : resp.unchanged() ? "unchanged"
                                       : "updated")
                << " program " << resp.program().id() << " (version "
                << resp.program().version() << ")\n";
    }
    return kOk;
  }
  if (verb == "update") {
    v1::UpdateProgramRequest req;
    *req.mutable_program() =
        ParseOne<v1::Program>(ReadInput(Arg(args, 2, "FILE")), "program");
    SetMask(req.mutable_update_mask());
    if (absl::GetFlag(FLAGS_expected_version) >= 0) {
      req.set_expected_version(absl::GetFlag(FLAGS_expected_version));
    }
    v1::UpdateProgramResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, timeout);
    grpc::Status s = programs_->UpdateProgram(&ctx, req, &resp);
    if (!s.ok()) return FailRpc(s);
    if (json) {
      std::cout << ToJson(resp) << "\n";
    } else {
      std::cout << (resp.unchanged() ? "unchanged" : "updated") << " program "
                << resp.program().id() << " (version "
                << resp.program().version() << ")\n";
    }
    return kOk;
  }
  if (verb == "get") {
    v1::GetProgramRequest req;
    req.set_program_id(Arg(args, 2, "program ID"));
    v1::GetProgramResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, timeout);
    grpc::Status s = programs_->GetProgram(&ctx, req, &resp);
    if (!s.ok()) return FailRpc(s);
    std::cout << ToJson(
                     json ? static_cast<const google::protobuf::Message&>(resp)
                          : resp.program())
              << "\n";
    return kOk;
  }
  if (verb == "delete") {
    v1::DeleteProgramRequest req;
    req.set_program_id(Arg(args, 2, "program ID"));
    if (absl::GetFlag(FLAGS_expected_version) >= 0) {
      req.set_expected_version(absl::GetFlag(FLAGS_expected_version));
    }
    v1::DeleteProgramResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, timeout);
    grpc::Status s = programs_->DeleteProgram(&ctx, req, &resp);
    if (!s.ok()) return FailRpc(s);
    if (!json) std::cout << "deleted program " << req.program_id() << "\n";
    return kOk;
  }
  if (verb == "list") {
    ProgramTable table(/*ranked=*/false);
    std::string token;
    int count = 0;
    const std::string status = absl::GetFlag(FLAGS_status);
    v1::WindowStatus want = v1::WINDOW_STATUS_UNSPECIFIED;
    if (status == "open")
      want = v1::WINDOW_STATUS_OPEN;
    else if (status == "upcoming")
      want = v1::WINDOW_STATUS_UPCOMING;
    else if (status == "closed")
      want = v1::WINDOW_STATUS_CLOSED;
    else if (!status.empty()) {
      throw UsageError{"--status: open, upcoming or closed"};
    }
    do {
      v1::ListProgramsRequest req;
      req.set_page_size(1000);
      req.set_page_token(token);
      for (int c : ParseCategories()) {
        req.add_categories(static_cast<v1::Category>(c));
      }
      req.set_window_status(want);
      req.set_as_of(absl::GetFlag(FLAGS_as_of));
      req.set_region(absl::GetFlag(FLAGS_region));
      v1::ListProgramsResponse resp;
      grpc::ClientContext ctx;
      SetDeadline(&ctx, timeout);
      grpc::Status s = programs_->ListPrograms(&ctx, req, &resp);
      if (!s.ok()) return FailRpc(s);
      for (const v1::ProgramSummary& p : resp.programs()) {
        ++count;
        if (json) {
          std::cout << ToJson(p) << "\n";
          continue;
        }
        table.Add(p.program(), p.window_status(), {p.program().agency()});
      }
      token = resp.next_page_token();
    } while (!token.empty());
    if (!json) std::cout << table.Render() << count << " programs\n";
    return kOk;
  }
  if (verb == "import") {
    return Import<v1::ImportProgramsRequest, v1::ImportProgramsResponse,
                  v1::Program>(programs_.get(), Arg(args, 2, "FILE"),
                               "program");
  }
  if (verb == "search") {
    if (args.size() < 3) throw UsageError{"program search: WORDS missing"};
    v1::SearchProgramsRequest req;
    req.set_query(absl::StrJoin(args.begin() + 2, args.end(), " "));
    req.set_page_size(absl::GetFlag(FLAGS_limit));  // 0: the server's 20
    for (int c : ParseCategories()) {
      req.add_categories(static_cast<v1::Category>(c));
    }
    req.set_open_only(absl::GetFlag(FLAGS_open));
    req.set_as_of(absl::GetFlag(FLAGS_as_of));
    req.set_eligible_for(absl::GetFlag(FLAGS_eligible_for));
    v1::SearchProgramsResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, timeout);
    grpc::Status s = programs_->SearchPrograms(&ctx, req, &resp);
    if (!s.ok()) return FailRpc(s);
    if (json) {
      for (const v1::ProgramSearchResult& r : resp.results()) {
        std::cout << ToJson(r) << "\n";
      }
      return kOk;
    }
    if (resp.results_size() == 0) {
      std::cout << "\"" << req.query() << "\": no program found\n";
      return kOk;
    }
    const bool with_company = !req.eligible_for().empty();
    ProgramTable table(/*ranked=*/true,
                       with_company ? req.eligible_for() : std::string());
    for (const v1::ProgramSearchResult& r : resp.results()) {
      std::vector<std::string> extra;
      if (with_company) extra.push_back(r.eligible() ? "대상" : "확인 필요");
      table.Add(r.program(), r.window_status(), std::move(extra));
    }
    std::cout << table.Render() << resp.results_size() << " of " << resp.total()
              << " programs matching \"" << req.query() << "\"\n";
    return kOk;
  }
  throw UsageError{absl::StrCat("unknown program verb \"", verb, "\"")};
}

// jiwon feed import bizinfo|kstartup FILE: a saved response of the feed
// (any of its envelopes), each record sent as it is; jiwond normalises it
// into a draft.
int Client::FeedCommand(const std::vector<std::string>& args) {
  const std::string verb = Arg(args, 1, "feed verb (import)");
  if (verb != "import") {
    throw UsageError{absl::StrCat("unknown feed verb \"", verb, "\"")};
  }
  const std::string name = Arg(args, 2, "feed (bizinfo|kstartup)");
  v1::Feed feed;
  if (name == "bizinfo") {
    feed = v1::FEED_BIZINFO;
  } else if (name == "kstartup" || name == "k-startup") {
    feed = v1::FEED_KSTARTUP;
  } else {
    throw UsageError{
        absl::StrCat("unknown feed \"", name, "\" (bizinfo or kstartup)")};
  }
  const std::string path = Arg(args, 3, "FILE or URL");
  int64_t total = 0;
  absl::StatusOr<std::vector<std::string>> records;
  if (path.starts_with("http://") || path.starts_with("https://")) {
    const char* env =
        feed == v1::FEED_BIZINFO ? "JIWON_BIZINFO_KEY" : "JIWON_KSTARTUP_KEY";
    const char* key = std::getenv(env);
    if (key == nullptr || *key == '\0') {
      throw UsageError{absl::StrCat("fetching ", name, " needs its key in ",
                                    env, " (as issued, not URL-encoded)")};
    }
    clients::FetchOptions options;
    options.url = path;
    options.key = key;
    options.page_size = absl::GetFlag(FLAGS_fetch_page_size);
    options.interval_seconds = absl::GetFlag(FLAGS_fetch_interval);
    options.retries = absl::GetFlag(FLAGS_fetch_retries);
    options.max_pages = absl::GetFlag(FLAGS_fetch_max_pages);
    options.timeout_seconds = std::max(absl::GetFlag(FLAGS_timeout), 30.0);
    options.progress = [&](const std::string& line) {
      std::cerr << name << ": " << line << "\n";
    };
    absl::StatusOr<clients::Fetched> fetched = clients::FetchFeed(
        feed == v1::FEED_BIZINFO ? clients::FeedApi::kBizinfo
                                 : clients::FeedApi::kKstartup,
        options);
    if (!fetched.ok()) {
      std::cerr << name << ": fetching stopped, nothing imported: "
                << fetched.status().message() << "\n";
      return kFailed;
    }
    total = fetched->total;
    records = std::move(fetched->records);
  } else {
    const std::string text = ReadInput(path);
    const size_t start = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    records = start != std::string::npos && text[start] == '<'
                  ? clients::RecordsOfXml(text, &total)
                  : clients::RecordsOfResponse(text, &total);
    if (!records.ok()) {
      std::cerr << path << ": not a saved " << name
                << " response: " << records.status().message() << "\n";
      return kFailed;
    }
  }
  grpc::ClientContext ctx;
  SetDeadline(&ctx, absl::GetFlag(FLAGS_timeout) + records->size() / 100.0);
  v1::ImportAnnouncementsResponse response;
  auto writer = programs_->ImportAnnouncements(&ctx, &response);
  // The same bar as jiwon-rescore's, on a terminal.
  std::optional<ProgressBar> bar;
  if (IsTerminal(STDERR_FILENO) && !absl::GetFlag(FLAGS_json)) {
    bar.emplace(STDERR_FILENO);
  }
  const int64_t to_send = static_cast<int64_t>(records->size());
  size_t sent = 0;
  for (; sent < records->size(); ++sent) {
    v1::ImportAnnouncementsRequest req;
    req.set_feed(feed);
    req.set_record_json(std::move((*records)[sent]));
    if (!writer->Write(req)) break;
    if (bar) {
      bar->Show(
          static_cast<int64_t>(sent + 1), to_send,
          absl::StrCat(sent + 1, "/", to_send, " ", feed, " records sent"));
    }
  }
  if (sent == records->size()) writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (bar) bar->Finish();
  if (!status.ok()) {
    if (sent < records->size()) {
      std::cerr << path << ": the server stopped the import at record "
                << sent + 1 << " of " << records->size() << "\n";
    }
    return FailRpc(status);
  }
  for (const v1::ImportError& e : response.errors()) {
    std::cerr << path << ": record " << e.index() + 1
              << " rejected: " << e.message() << "\n";
  }
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << ToJson(response) << "\n";
  } else {
    std::cout << "read " << response.received() << " " << name
              << " records from " << path;
    if (total > 0) std::cout << " (the feed counts " << total << ")";
    std::cout << ": " << response.created() << " new drafts, "
              << response.updated() << " changed, " << response.unchanged()
              << " unchanged";
    if (response.same_program_pairs() > 0) {
      std::cout << "; " << response.same_program_pairs()
                << " programs announced in both feeds";
    }
    if (response.errors_size() > 0) {
      std::cout << "; " << response.errors_size() << " rejected (see above)";
    }
    std::cout << "\n";
  }
  return response.errors_size() > 0 ? kFailed : kOk;
}

// The line of `text` holding [begin, end), with the span marked 【…】; the
// evidence alone when the offsets do not fit the text.
std::string Marked(const std::string& text, int begin, int end,
                   const std::string& evidence) {
  if (begin < 0 || end < begin || static_cast<size_t>(end) > text.size()) {
    return absl::StrCat("\"", evidence, "\"");
  }
  const size_t b = static_cast<size_t>(begin);
  const size_t e = static_cast<size_t>(end);
  const size_t from = text.rfind('\n', b == 0 ? 0 : b - 1);
  const size_t line_begin = from == std::string::npos || b == 0 ? 0 : from + 1;
  size_t line_end = text.find('\n', e);
  if (line_end == std::string::npos) line_end = text.size();
  return absl::StrCat(text.substr(line_begin, b - line_begin), "【",
                      text.substr(b, e - b), "】",
                      text.substr(e, line_end - e));
}

// Proposed rules beside their evidence, then what was not read.
void PrintProposals(
    const google::protobuf::RepeatedPtrField<v1::ProposedRule>& rules,
    const google::protobuf::RepeatedPtrField<v1::UnparsedClause>& unparsed,
    const std::map<std::string, std::string>& texts) {
  for (const v1::ProposedRule& r : rules) {
    auto it = texts.find(r.field());
    std::cout << Para(
        absl::StrCat(r.rule().id(), " ", v1::RuleKind_Name(r.rule().kind()),
                     ": ", r.rule().label(), " (confidence ", r.confidence(),
                     r.reference().empty() ? "" : ", 기준 " + r.reference(),
                     ")"),
        "- ", "  ");
    std::cout << Para(
        it == texts.end()
            ? absl::StrCat("from ", r.field(), " \"", r.evidence(), "\"")
            : Marked(it->second, r.evidence_begin(), r.evidence_end(),
                     r.evidence()),
        "    ", "    ");
    if (!r.problem().empty()) {
      std::cout << Para(absl::StrCat("! before publishing: ", r.problem()),
                        "    ", "      ");
    }
  }
  if (unparsed.empty()) return;
  std::cout << "\n[읽지 못한 문장] " << unparsed.size() << "\n";
  for (const v1::UnparsedClause& u : unparsed) {
    std::cout << Para(u.text(), "? ", "  ");
    if (!u.why().empty()) {
      std::cout << Para(absl::StrCat("(", u.why(), ")"), "    ", "     ");
    }
  }
}

// jiwon propose FILE|-: rules proposed from a passage of prose.
int Client::Propose(const std::string& path) {
  v1::ProposeRulesRequest req;
  req.set_text(ReadInput(path));
  const std::string section = absl::GetFlag(FLAGS_section);
  if (!section.empty()) {
    v1::ProseSection value;
    if (!v1::ProseSection_Parse(
            absl::StrCat("PROSE_SECTION_", absl::AsciiStrToUpper(section)),
            &value)) {
      throw UsageError{
          absl::StrCat("--section: \"", section,
                       "\" is none of eligibility, exclusion, bonus, scoring")};
    }
    req.set_section(value);
  }
  req.set_section_label(absl::GetFlag(FLAGS_label));
  for (absl::string_view code :
       absl::StrSplit(absl::GetFlag(FLAGS_issuer), ',', absl::SkipEmpty())) {
    req.add_issuer_regions(std::string(code));
  }
  v1::ProposeRulesResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, absl::GetFlag(FLAGS_timeout));
  grpc::Status s = programs_->ProposeRules(&ctx, req, &resp);
  if (!s.ok()) return FailRpc(s);
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << ToJson(resp) << "\n";
    return kOk;
  }
  std::cout << "[제안 규칙] " << resp.proposals_size() << " ("
            << v1::ProseSection_Name(resp.section()) << ")\n";
  PrintProposals(resp.proposals(), resp.unparsed(), {{"text", req.text()}});
  if (resp.bonus_cap() > 0) {
    std::cout << "가점 상한 " << resp.bonus_cap() << "점\n";
  }
  return kOk;
}

// One answer from the terminal (or a script on stdin), lower-cased and
// trimmed; nullopt at the end of the input.
std::optional<std::string> Ask(const std::string& prompt) {
  std::cout << prompt << std::flush;
  std::string line;
  if (!std::getline(std::cin, line)) {
    std::cout << "\n";
    return std::nullopt;
  }
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(line));
}

// `initial` (JSON) opened in $VISUAL or $EDITOR (vi if neither is set), and
// what the reviewer saved, parsed as a Message; the parse error otherwise.
template <typename Message>
absl::StatusOr<Message> EditAsJson(const google::protobuf::Message& initial) {
  char path[] = "/tmp/jiwon-review-XXXXXX.json";
  const int fd = mkstemps(path, 5);
  if (fd < 0) return absl::InternalError("cannot make a temporary file");
  {
    std::string text;
    JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    options.add_whitespace = true;
    (void)google::protobuf::util::MessageToJsonString(initial, &text, options);
    const ssize_t n = write(fd, text.data(), text.size());
    close(fd);
    if (n != static_cast<ssize_t>(text.size())) {
      unlink(path);
      return absl::InternalError(absl::StrCat("cannot write ", path));
    }
  }
  const char* editor = std::getenv("VISUAL");
  if (editor == nullptr || *editor == '\0') editor = std::getenv("EDITOR");
  if (editor == nullptr || *editor == '\0') editor = "vi";
  const int rc = std::system(absl::StrCat(editor, " ", path).c_str());
  std::ifstream in(path, std::ios::binary);
  std::ostringstream saved;
  saved << in.rdbuf();
  unlink(path);
  if (rc != 0) {
    return absl::AbortedError(
        absl::StrCat("the editor (", editor, ") exited with status ", rc));
  }
  Message m;
  google::protobuf::util::Status st =
      google::protobuf::util::JsonStringToMessage(saved.str(), &m,
                                                  JsonParseOptions());
  if (!st.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a rule as JSON: ", st.message().ToString()));
  }
  return m;
}

int Client::ForEachDraft(bool awaiting,
                         const std::function<void(const v1::Draft&)>& fn) {
  std::string token;
  do {
    v1::ListDraftsRequest req;
    req.set_page_token(token);
    req.set_awaiting_review(awaiting);
    v1::ListDraftsResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, absl::GetFlag(FLAGS_timeout));
    grpc::Status s = programs_->ListDrafts(&ctx, req, &resp);
    if (!s.ok()) return FailRpc(s);
    for (const v1::Draft& d : resp.drafts()) fn(d);
    token = resp.next_page_token();
  } while (!token.empty());
  return kOk;
}

// jiwon program review ID | --list: a caseworker's review of a draft,
// rule by rule, then its publication.
int Client::Review(const std::vector<std::string>& args) {
  const double timeout = absl::GetFlag(FLAGS_timeout);
  if (absl::GetFlag(FLAGS_list)) {
    Table table({{"ID"},
                 {"제목", false, Table::Fit::kWrap},
                 {"제안"},
                 {"판"},
                 {"게시"}},
                screen.width);
    int count = 0;
    if (int rc = ForEachDraft(
            true,
            [&](const v1::Draft& d) {
              ++count;
              table.AddRow({d.program().id(), d.program().title(),
                            absl::StrCat(d.proposals_size()),
                            absl::StrCat(d.version()),
                            d.published_program_id().empty()
                                ? "-"
                                : absl::StrCat("v", d.published_draft_version(),
                                               " 게시, 바뀜")});
            });
        rc != kOk) {
      return rc;
    }
    std::cout << table.Render() << count << " drafts waiting for review\n";
    return kOk;
  }
  v1::GetDraftRequest get;
  get.set_program_id(Arg(args, 2, "draft ID (or --list)"));
  v1::GetDraftResponse got;
  {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, timeout);
    grpc::Status s = programs_->GetDraft(&ctx, get, &got);
    if (!s.ok()) return FailRpc(s);
  }
  const v1::Draft& d = got.draft();
  std::cout << d.program().title() << "\n"
            << d.program().id() << " · version " << d.version() << " · "
            << d.proposals_size() << " proposed rules\n";
  if (!d.published_program_id().empty()) {
    std::cout << "※ published from version " << d.published_draft_version()
              << " by " << d.published_by() << " at " << d.published_at()
              << "\n";
  }
  for (const std::string& other : d.same_program_as()) {
    std::cout << "= published with draft " << other
              << " as one program (both sources)\n";
  }
  if (!d.eligibility_text().empty()) {
    std::cout << "\n[신청대상]\n" << d.eligibility_text() << "\n";
  }
  if (!d.exclusion_text().empty()) {
    std::cout << "\n[제외대상]\n" << d.exclusion_text() << "\n";
  }
  const std::map<std::string, std::string> texts = {
      {"eligibility_text", d.eligibility_text()},
      {"exclusion_text", d.exclusion_text()}};
  v1::PublishDraftRequest req;
  req.set_program_id(d.program().id());
  req.set_draft_version(d.version());
  const auto abandoned = [] {
    std::cerr << "review abandoned: nothing published\n";
    return kFailed;
  };
  for (int i = 0; i < d.proposals_size(); ++i) {
    const v1::ProposedRule& p = d.proposals(i);
    std::cout << "\n(" << i + 1 << "/" << d.proposals_size() << ")\n";
    google::protobuf::RepeatedPtrField<v1::ProposedRule> one;
    *one.Add() = p;
    PrintProposals(one, {}, texts);
    v1::RuleReview* review = req.add_reviews();
    review->set_rule_id(p.rule().id());
    for (;;) {
      std::optional<std::string> a = Ask("[a]ccept, [e]dit, [r]eject? ");
      if (!a) return abandoned();
      if (*a == "a" || *a == "accept") {
        review->set_action(v1::REVIEW_ACTION_ACCEPT);
      } else if (*a == "r" || *a == "reject") {
        review->set_action(v1::REVIEW_ACTION_REJECT);
      } else if (*a == "e" || *a == "edit") {
        absl::StatusOr<v1::Rule> edited = EditAsJson<v1::Rule>(p.rule());
        if (!edited.ok()) {
          std::cout << edited.status().message() << "\n";
          continue;
        }
        review->set_action(v1::REVIEW_ACTION_EDIT);
        *review->mutable_edited() = *std::move(edited);
        std::cout << "edited: " << ToJson(review->edited()) << "\n";
      } else {
        continue;
      }
      break;
    }
  }
  for (;;) {
    std::optional<std::string> a = Ask("\nadd a rule of your own? [y/N] ");
    if (!a) return abandoned();
    if (*a != "y" && *a != "yes") break;
    v1::Rule blank;
    blank.set_id(absl::StrCat("written-", req.added_rules_size() + 1));
    blank.set_kind(v1::RULE_KIND_REQUIRE);
    blank.set_label("");
    absl::StatusOr<v1::Rule> written = EditAsJson<v1::Rule>(blank);
    if (!written.ok()) {
      std::cout << written.status().message() << "\n";
      continue;
    }
    *req.add_added_rules() = *std::move(written);
  }
  int accepted = 0;
  int edited = 0;
  int rejected = 0;
  for (const v1::RuleReview& r : req.reviews()) {
    accepted += r.action() == v1::REVIEW_ACTION_ACCEPT;
    edited += r.action() == v1::REVIEW_ACTION_EDIT;
    rejected += r.action() == v1::REVIEW_ACTION_REJECT;
  }
  std::cout << "\n"
            << accepted << " accepted, " << edited << " edited, " << rejected
            << " rejected, " << req.added_rules_size() << " written\n";
  std::optional<std::string> a = Ask("publish to the catalog? [y/N] ");
  if (!a) return abandoned();
  if (*a != "y" && *a != "yes") return abandoned();
  v1::PublishDraftResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, timeout);
  grpc::Status s = programs_->PublishDraft(&ctx, req, &resp);
  if (!s.ok()) return FailRpc(s);
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << ToJson(resp) << "\n";
    return kOk;
  }
  std::cout << (resp.created() ? "published" : "republished") << " program "
            << resp.program().id() << " (version " << resp.program().version()
            << ", " << resp.program().rules_size() << " rules, from "
            << resp.program().announced_in_size() << " announcement"
            << (resp.program().announced_in_size() == 1 ? "" : "s") << ")\n";
  return kOk;
}

// jiwon draft list | show ID: imported announcements awaiting review.
int Client::DraftCommand(const std::vector<std::string>& args) {
  const std::string verb = Arg(args, 1, "draft verb (list|show)");
  const bool json = absl::GetFlag(FLAGS_json);
  const double timeout = absl::GetFlag(FLAGS_timeout);
  if (verb == "show") {
    v1::GetDraftRequest req;
    req.set_program_id(Arg(args, 2, "program ID"));
    v1::GetDraftResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, timeout);
    grpc::Status s = programs_->GetDraft(&ctx, req, &resp);
    if (!s.ok()) return FailRpc(s);
    if (json) {
      std::cout << ToJson(resp.draft()) << "\n";
      return kOk;
    }
    const v1::Draft& d = resp.draft();
    const v1::Program& p = d.program();
    std::cout << p.title() << "\n"
              << p.id() << " · " << p.source() << " " << p.source_id()
              << " · version " << d.version() << "\n"
              << "소관 " << p.agency()
              << (p.operator_().empty() ? "" : " · 수행 " + p.operator_())
              << "\n"
              << "접수 " << p.window().note() << "\n";
    if (!p.url().empty()) std::cout << p.url() << "\n";
    if (!d.eligibility_text().empty()) {
      std::cout << "\n[신청대상]\n" << d.eligibility_text() << "\n";
    }
    if (!d.exclusion_text().empty()) {
      std::cout << "\n[제외대상]\n" << d.exclusion_text() << "\n";
    }
    std::cout << "\n[제안 규칙] " << d.proposals_size() << "\n";
    const std::map<std::string, std::string> texts = {
        {"eligibility_text", d.eligibility_text()},
        {"exclusion_text", d.exclusion_text()}};
    PrintProposals(d.proposals(), d.unparsed(), texts);
    for (const std::string& other : d.same_program_as()) {
      std::cout << "= the same program as draft " << other << "\n";
    }
    for (const std::string& n : d.notes()) std::cout << "※ " << n << "\n";
    return kOk;
  }
  if (verb == "list") {
    Table table({{"ID"},
                 {"제목", false, Table::Fit::kWrap},
                 {"출처"},
                 {"제안"},
                 {"판"}},
                screen.width);
    int count = 0;
    if (int rc =
            ForEachDraft(false,
                         [&](const v1::Draft& d) {
                           ++count;
                           if (json) {
                             std::cout << ToJson(d) << "\n";
                             return;
                           }
                           table.AddRow({d.program().id(), d.program().title(),
                                         d.program().source(),
                                         absl::StrCat(d.proposals_size()),
                                         absl::StrCat(d.version())});
                         });
        rc != kOk) {
      return rc;
    }
    if (!json) std::cout << table.Render() << count << " drafts\n";
    return kOk;
  }
  throw UsageError{absl::StrCat("unknown draft verb \"", verb, "\"")};
}

int Client::Recommend(const std::string& company) {
  v1::RecommendRequest req;
  req.set_company_id(company);
  req.set_as_of(absl::GetFlag(FLAGS_as_of));
  // --all lists every program: INELIGIBLE ones come after the others, so
  // the default limit would leave them out.
  const int limit = absl::GetFlag(FLAGS_limit);
  req.set_limit(limit != 0 ? limit : absl::GetFlag(FLAGS_all) ? 500 : 20);
  req.set_open_only(absl::GetFlag(FLAGS_open));
  req.set_include_ineligible(absl::GetFlag(FLAGS_all));
  req.set_eligible_only(absl::GetFlag(FLAGS_eligible_only));
  req.set_include_closed(absl::GetFlag(FLAGS_closed));
  req.set_include_near_misses(absl::GetFlag(FLAGS_near));
  for (int c : ParseCategories()) {
    req.add_categories(static_cast<v1::Category>(c));
  }
  v1::RecommendResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, absl::GetFlag(FLAGS_timeout));
  grpc::Status s = matching_->Recommend(&ctx, req, &resp);
  if (!s.ok()) return FailRpc(s);
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << ToJson(resp) << "\n";
    return kOk;
  }
  // The profile line, for the caseworker's bearings.
  v1::GetCompanyRequest get;
  get.set_company_id(company);
  v1::GetCompanyResponse profile;
  grpc::ClientContext get_ctx;
  SetDeadline(&get_ctx, absl::GetFlag(FLAGS_timeout));
  if (companies_->GetCompany(&get_ctx, get, &profile).ok()) {
    const v1::Company& c = profile.company();
    std::cout << Para(absl::StrCat(
        c.name(), " (", c.id(), ") · 본사 ", RegionText(c.head_office_region()),
        " · 주업종 ", IndustryText(c.primary_industry())));
  }
  std::string counts = absl::StrCat(
      "기준일 ", resp.as_of(), " · 카탈로그 v", resp.catalog_version(),
      " · 평가 ", resp.evaluated(), "건: 신청 가능 ", resp.eligible(),
      ", 확인 필요 ", resp.undetermined(), ", 신청 불가 ", resp.ineligible());
  if (req.include_near_misses()) {
    absl::StrAppend(&counts, " (그중 보완 시 가능 ", resp.near_misses(), ")");
  }
  if (resp.matches_size() == 0) {
    std::cout << Para(counts) << "\n추천할 프로그램이 없습니다\n";
    return kOk;
  }
  // First the ranked list, one line a program so that it fits one screen;
  // a wide screen has room for the id (whole: it is what explain takes),
  // a wider one for the field and the window's status too.
  const bool wide = screen.width >= 120, wider = screen.width >= 150;
  std::vector<Table::Column> columns = {
      {"#", true}, {"상태"}, {"프로그램", false, Table::Fit::kCut}};
  if (wide) columns.push_back({"ID"});
  if (wider) columns.insert(columns.end(), {{"분야"}, {"접수"}});
  columns.insert(columns.end(), {{"마감"}, {"점수", true}});
  Table table(columns, screen.width);
  int rank = 0;
  for (const v1::ProgramMatch& m : resp.matches()) {
    std::vector<std::string> row = {
        std::to_string(++rank),
        absl::StrCat(StatusMark(m.eligibility()), " ", StatusLabel(m)),
        m.title()};
    if (wide) row.push_back(m.program_id());
    if (wider) {
      row.insert(row.end(),
                 {CategoryName(m.category()), WindowName(m.window_status())});
    }
    row.insert(row.end(), {Deadline(m), std::to_string(m.score())});
    table.AddRow(std::move(row));
  }
  // The totals under the list: what was weighed, as of when.
  std::cout << "\n" << table.Render() << "\n" << Para(counts);
  // Then why, for the first few.
  const int reasons =
      std::min(absl::GetFlag(FLAGS_reasons), resp.matches_size());
  if (reasons > 0) {
    std::cout << "\n"
              << (reasons == resp.matches_size() ? "" : "상위 ") << reasons
              << "건의 사유\n";
  }
  rank = 0;
  for (const v1::ProgramMatch& m : resp.matches()) {
    if (rank == reasons) break;
    PrintMatch(++rank, m, false);
  }
  if (reasons < resp.matches_size()) {
    std::cout << "\n"
              << Para(absl::StrCat(
                     "나머지 ", resp.matches_size() - reasons,
                     "건의 사유: --reasons=", resp.matches_size(),
                     " · 한 건: jiwon explain ", company, " <ID>",
                     wide ? "" : " (ID는 --width=120 이상에서 표에)"));
  }
  return kOk;
}

int Client::Explain(const std::string& company, const std::string& program) {
  v1::ExplainRequest req;
  req.set_company_id(company);
  req.set_program_id(program);
  req.set_as_of(absl::GetFlag(FLAGS_as_of));
  v1::ExplainResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, absl::GetFlag(FLAGS_timeout));
  grpc::Status s = matching_->Explain(&ctx, req, &resp);
  if (!s.ok()) return FailRpc(s);
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << ToJson(resp) << "\n";
    return kOk;
  }
  std::cout << "회사 " << company << " × 프로그램 " << program << " (버전 "
            << resp.match().program_version() << ")\n";
  PrintMatch(1, resp.match(), true);
  std::cout << "\n파생 정보 (기준일 " << resp.match().reference_date() << ")\n";
  Table table({{"항목"},
               {"값", false, Table::Fit::kWrap},
               {"계산", false, Table::Fit::kWrap}},
              screen.width);
  for (const v1::DerivedFact& d : resp.derived_facts()) {
    table.AddRow({d.name(), d.value(), d.computation()});
  }
  std::cout << table.Render();
  return kOk;
}

int Client::WhoQualifies(const std::string& program) {
  v1::WhoQualifiesRequest req;
  req.set_program_id(program);
  req.set_as_of(absl::GetFlag(FLAGS_as_of));
  req.set_include_undetermined(absl::GetFlag(FLAGS_undetermined));
  grpc::ClientContext ctx;
  SetDeadline(&ctx, absl::GetFlag(FLAGS_timeout));
  std::unique_ptr<grpc::ClientReaderInterface<v1::WhoQualifiesResponse>>
      reader = matching_->WhoQualifies(&ctx, req);
  v1::WhoQualifiesResponse msg;
  const bool json = absl::GetFlag(FLAGS_json);
  Table table({{"ID"},
               {"상호", false, Table::Fit::kWrap},
               {"상태"},
               {"본사", false, Table::Fit::kWrap},
               {"확인할 정보", false, Table::Fit::kWrap}},
              screen.width);
  v1::WhoQualifiesSummary summary;
  while (reader->Read(&msg)) {
    if (json) {
      std::cout << ToJson(msg) << "\n";
    }
    if (msg.has_summary()) {
      summary = msg.summary();
      continue;
    }
    const v1::QualifyingCompany& q = msg.company();
    std::vector<std::string> missing;
    for (int f : q.missing_facts()) missing.push_back(FactName(f));
    table.AddRow({q.company_id(), q.name(), EligibilityName(q.eligibility()),
                  RegionText(q.head_office_region()),
                  absl::StrJoin(missing, ", ")});
  }
  grpc::Status s = reader->Finish();
  if (!s.ok()) return FailRpc(s);
  if (json) return kOk;
  std::cout << table.Render();
  std::cout << "\n"
            << Para(absl::StrCat("회사 ", summary.companies(),
                                 "곳 중 신청 가능 ", summary.eligible(),
                                 "곳, 확인 필요 ", summary.undetermined(),
                                 "곳"));
  // Where and how large the eligible ones are.
  for (const auto& [header, counts] :
       {std::pair{"지역", &summary.eligible_by_region()},
        std::pair{"규모", &summary.eligible_by_size()}}) {
    if (counts->empty()) continue;
    Table by({{header, false, Table::Fit::kWrap}, {"신청 가능", true}},
             screen.width);
    for (const v1::Count& c : *counts) {
      by.AddRow({c.key(), absl::StrCat(c.count())});
    }
    std::cout << "\n" << by.Render();
  }
  return kOk;
}

int Client::Results(const std::string& company) {
  v1::GetResultsRequest req;
  req.set_company_id(company);
  v1::GetResultsResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, absl::GetFlag(FLAGS_timeout));
  grpc::Status s = rescore_->GetResults(&ctx, req, &resp);
  if (!s.ok()) return FailRpc(s);
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << ToJson(resp) << "\n";
    return kOk;
  }
  std::cout << resp.company_id() << ": 일괄 재평가 " << resp.run_id() << " ("
            << resp.computed_at() << ", 기준일 " << resp.as_of()
            << ", 카탈로그 버전 " << resp.catalog_version() << ")\n";
  Table table({{"#", true},
               {"프로그램", false, Table::Fit::kWrap},
               {"상태"},
               {"점수", true}},
              screen.width);
  int rank = 0;
  const int limit = absl::GetFlag(FLAGS_limit);
  for (const v1::ProgramResult& r : resp.results()) {
    if (limit > 0 && rank >= limit) break;
    table.AddRow({absl::StrCat(++rank), r.program_id(),
                  EligibilityName(r.eligibility()), absl::StrCat(r.score())});
  }
  std::cout << table.Render();
  if (resp.results_size() > rank) {
    std::cout << "… " << resp.results_size() - rank
              << "건 더 (--limit 0 으로 모두)\n";
  }
  return kOk;
}

int Client::Alerts() {
  v1::ReadAlertsRequest req;
  req.set_after(absl::GetFlag(FLAGS_after));
  req.set_company_id(absl::GetFlag(FLAGS_company));
  req.set_follow(absl::GetFlag(FLAGS_follow));
  req.set_limit(absl::GetFlag(FLAGS_max));
  // No deadline: an export is as long as the feed, and following never
  // ends by itself.
  grpc::ClientContext ctx;
  std::unique_ptr<grpc::ClientReaderInterface<v1::ReadAlertsResponse>> reader =
      rescore_->ReadAlerts(&ctx, req);
  v1::ReadAlertsResponse msg;
  while (reader->Read(&msg)) {
    for (const v1::Alert& a : msg.alerts()) std::cout << ToJson(a) << "\n";
    std::cout.flush();
  }
  grpc::Status s = reader->Finish();
  if (!s.ok()) return FailRpc(s);
  return kOk;
}

// A fresh token and the token file's line for it; nothing is sent.
int NewToken(const std::string& name, const std::string& role) {
  static const char* kRoleNames[] = {"portal", "caseworker", "catalog", "batch",
                                     "admin"};
  if (std::find_if(std::begin(kRoleNames), std::end(kRoleNames),
                   [&](const char* r) { return role == r; }) ==
      std::end(kRoleNames)) {
    throw UsageError{absl::StrCat("\"", role,
                                  "\" is not a role (portal, caseworker, "
                                  "catalog, batch, admin)")};
  }
  if (name.empty() || name.size() > 64 ||
      name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
                             "vwxyz0123456789._@-") != std::string::npos) {
    throw UsageError{"NAME: 1-64 characters of [A-Za-z0-9._@-]"};
  }
  unsigned char random[32];
  if (RAND_bytes(random, sizeof(random)) != 1) {
    std::cerr << "jiwon: the system's random generator failed\n";
    return kFailed;
  }
  const std::string token =
      "jw_" + absl::WebSafeBase64Escape(absl::string_view(
                  reinterpret_cast<const char*>(random), sizeof(random)));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(token.data(), token.size(), digest, &size, EVP_sha256(),
                 nullptr) != 1) {
    std::cerr << "jiwon: SHA-256 failed\n";
    return kFailed;
  }
  std::string line =
      absl::StrCat(name, " ", role, " ",
                   absl::BytesToHexString(absl::string_view(
                       reinterpret_cast<const char*>(digest), size)));
  if (const std::string scope = absl::GetFlag(FLAGS_scope); !scope.empty()) {
    absl::StrAppend(&line, " scope=", scope);
  }
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << "{\"token\":\"" << token << "\",\"line\":\"" << line
              << "\"}\n";
    return kOk;
  }
  std::cout << "token (give it to " << name
            << " only; jiwon keeps no copy of it):\n  " << token
            << "\nline for jiwond's --auth_tokens file (then send jiwond "
               "SIGHUP):\n  "
            << line << "\n";
  return kOk;
}

int Client::Admin(const std::vector<std::string>& args) {
  const std::string what =
      Arg(args, 1, "admin command (token, access-log, backup, backups)");
  if (what == "token") {
    if (Arg(args, 2, "token command (new)") != "new") {
      throw UsageError{"admin token: only `new` is known"};
    }
    return NewToken(Arg(args, 3, "NAME"), Arg(args, 4, "ROLE"));
  }
  if (what == "access-log") return AccessLog();
  if (what == "backup") return Backup(Arg(args, 2, "DIR"));
  if (what == "backups") return Backups(Arg(args, 2, "DIR"));
  throw UsageError{absl::StrCat("unknown admin command \"", what, "\"")};
}

namespace {

std::string Bytes(int64_t n) {
  if (n >= int64_t{1} << 30) {
    return absl::StrFormat("%.1f GiB", static_cast<double>(n) / (1 << 30));
  }
  if (n >= 1 << 20) {
    return absl::StrFormat("%.1f MiB", static_cast<double>(n) / (1 << 20));
  }
  return absl::StrFormat("%.1f KiB", static_cast<double>(n) / 1024);
}

}  // namespace

// The server's health service: exit 0 when SERVING (the whole server, or
// `service`), 1 otherwise, 3 when unreachable; for probes and scripts.
int Client::Health(const std::string& service) {
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(service);
  grpc::health::v1::HealthCheckResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, absl::GetFlag(FLAGS_timeout));
  grpc::Status s = health_->Check(&ctx, req, &resp);
  if (!s.ok()) return FailRpc(s);
  const bool serving =
      resp.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  std::cout << (service.empty() ? "jiwond" : service) << ": "
            << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                   resp.status())
            << "\n";
  return serving ? kOk : kFailed;
}

int Client::Backup(const std::string& dir) {
  v1::BackupRequest req;
  req.set_dir(dir);
  v1::BackupResponse resp;
  grpc::ClientContext ctx;
  // A backup of a large database takes minutes: the call waits for it.
  SetDeadline(&ctx, std::max(absl::GetFlag(FLAGS_timeout), 6 * 3600.0));
  grpc::Status s = admin_->Backup(&ctx, req, &resp);
  if (!s.ok()) return FailRpc(s);
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << ToJson(resp) << "\n";
    return kOk;
  }
  const v1::BackupInfo& b = resp.backup();
  std::cout << absl::StrFormat(
      "backup %d in %s: %d companies, catalog version %d, %s in %d files, "
      "%.1f s\n",
      b.backup_id(), resp.dir(), b.companies(), b.catalog_version(),
      Bytes(b.size_bytes()), b.files(), resp.seconds());
  return kOk;
}

int Client::Backups(const std::string& dir) {
  v1::ListBackupsRequest req;
  req.set_dir(dir);
  v1::ListBackupsResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, absl::GetFlag(FLAGS_timeout));
  grpc::Status s = admin_->ListBackups(&ctx, req, &resp);
  if (!s.ok()) return FailRpc(s);
  if (absl::GetFlag(FLAGS_json)) {
    for (const v1::BackupInfo& b : resp.backups())
      std::cout << ToJson(b) << "\n";
    return kOk;
  }
  Table table({{"id", true},
               {"시각"},
               {"기업", true},
               {"카탈로그", true},
               {"크기", true},
               {"파일", true},
               {"jiwond"}},
              screen.width);
  for (const v1::BackupInfo& b : resp.backups()) {
    table.AddRow({absl::StrCat(b.backup_id()), b.created_at(),
                  absl::StrCat(b.companies()),
                  absl::StrCat(b.catalog_version()), Bytes(b.size_bytes()),
                  absl::StrCat(b.files()), b.jiwon_version()});
  }
  std::cout << resp.dir() << "\n" << table.Render();
  return kOk;
}

int Client::AccessLog() {
  v1::ReadAccessLogRequest req;
  req.set_company_id(absl::GetFlag(FLAGS_company));
  req.set_since(absl::GetFlag(FLAGS_since));
  req.set_page_size(1000);
  const bool json = absl::GetFlag(FLAGS_json);
  int64_t shown = 0;
  Table table({{"#", true},
               {"시각"},
               {"호출자"},
               {"역할"},
               {"메서드", false, Table::Fit::kWrap},
               {"기업", false, Table::Fit::kWrap},
               {"항목", false, Table::Fit::kWrap}},
              screen.width);
  for (;;) {
    v1::ReadAccessLogResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, absl::GetFlag(FLAGS_timeout));
    grpc::Status s = admin_->ReadAccessLog(&ctx, req, &resp);
    if (!s.ok()) return FailRpc(s);
    for (const v1::AccessRecord& r : resp.records()) {
      ++shown;
      if (json) {
        std::cout << ToJson(r) << "\n";
        continue;
      }
      const std::string method = r.method().substr(r.method().rfind('/') + 1);
      std::string companies =
          r.company_ids_size() <= 3
              ? absl::StrJoin(r.company_ids(), ", ")
              : absl::StrCat(r.company_ids(0), " 외 ", r.company_ids_size() - 1,
                             "곳");
      table.AddRow({r.id(), r.time(), r.caller(), r.role(), method,
                    std::move(companies), absl::StrJoin(r.fields(), ", ")});
    }
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  if (!json) {
    if (shown == 0) {
      std::cout << "no access records"
                << (req.company_id().empty() ? "" : " of this company") << "\n";
    } else {
      std::cout << table.Render();
    }
  }
  return kOk;
}

int Client::Questions(const std::string& company) {
  v1::NextQuestionsRequest req;
  req.set_company_id(company);
  req.set_as_of(absl::GetFlag(FLAGS_as_of));
  req.set_limit(absl::GetFlag(FLAGS_limit));  // 0: the server's 10
  v1::NextQuestionsResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, absl::GetFlag(FLAGS_timeout));
  grpc::Status s = matching_->NextQuestions(&ctx, req, &resp);
  if (!s.ok()) return FailRpc(s);
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << ToJson(resp) << "\n";
    return kOk;
  }
  std::cout << Para(absl::StrCat("확인 필요한 프로그램 ", resp.undetermined(),
                                 "건 — 다음 정보를 받으면 결론이 납니다"));
  Table table({{"#", true},
               {"정보", false, Table::Fit::kWrap},
               {"단독 결정", true},
               {"관련", true},
               {"프로그램", false, Table::Fit::kWrap}},
              screen.width);
  int rank = 0;
  for (const v1::Question& q : resp.questions()) {
    std::vector<std::string> ids(q.program_ids().begin(),
                                 q.program_ids().end());
    table.AddRow({std::to_string(++rank), q.label(),
                  std::to_string(q.settles()), std::to_string(q.involves()),
                  absl::StrJoin(ids, ", ")});
  }
  std::cout << table.Render();
  return kOk;
}

int Client::Feedback(const std::vector<std::string>& args) {
  const std::string company = Arg(args, 1, "COMPANY id");
  const double timeout = absl::GetFlag(FLAGS_timeout);
  const bool json = absl::GetFlag(FLAGS_json);
  if (args.size() == 2) {
    v1::ListFeedbackRequest req;
    req.set_company_id(company);
    Table table(
        {{"프로그램"}, {"결정"}, {"기록"}, {"메모", false, Table::Fit::kWrap}},
        screen.width);
    do {
      v1::ListFeedbackResponse resp;
      grpc::ClientContext ctx;
      SetDeadline(&ctx, timeout);
      grpc::Status s = feedback_->ListFeedback(&ctx, req, &resp);
      if (!s.ok()) return FailRpc(s);
      for (const v1::Feedback& f : resp.feedback()) {
        if (json) {
          std::cout << ToJson(f) << "\n";
          continue;
        }
        const char* kind = f.kind() == v1::FEEDBACK_KIND_DISMISSED ? "관심 없음"
                           : f.kind() == v1::FEEDBACK_KIND_SAVED ? "저장"
                                                                 : "신청함";
        table.AddRow({f.program_id(), kind, f.recorded_at(), f.note()});
      }
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty());
    if (!json) std::cout << table.Render();
    return kOk;
  }
  const std::string program = Arg(args, 2, "PROGRAM id");
  const std::string verb = Arg(args, 3, "dismissed, saved, applied or undo");
  if (verb == "undo") {
    v1::DeleteFeedbackRequest req;
    req.set_company_id(company);
    req.set_program_id(program);
    v1::DeleteFeedbackResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, timeout);
    grpc::Status s = feedback_->DeleteFeedback(&ctx, req, &resp);
    if (!s.ok()) return FailRpc(s);
    if (!json)
      std::cout << "deleted the feedback of " << company << " on " << program
                << "\n";
    return kOk;
  }
  v1::RecordFeedbackRequest req;
  v1::Feedback* f = req.mutable_feedback();
  f->set_company_id(company);
  f->set_program_id(program);
  if (verb == "dismissed") {
    f->set_kind(v1::FEEDBACK_KIND_DISMISSED);
  } else if (verb == "saved") {
    f->set_kind(v1::FEEDBACK_KIND_SAVED);
  } else if (verb == "applied") {
    f->set_kind(v1::FEEDBACK_KIND_APPLIED);
  } else {
    throw UsageError{"feedback: dismissed, saved, applied or undo"};
  }
  f->set_note(absl::GetFlag(FLAGS_note));
  v1::RecordFeedbackResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, timeout);
  grpc::Status s = feedback_->RecordFeedback(&ctx, req, &resp);
  if (!s.ok()) return FailRpc(s);
  if (json) {
    std::cout << ToJson(resp.feedback()) << "\n";
  } else {
    std::cout << "recorded: " << company << " " << verb << " " << program
              << " (" << resp.feedback().recorded_at() << ")\n";
  }
  return kOk;
}

}  // namespace
}  // namespace jiwon::cli

int main(int argc, char** argv) {
  // Text from feeds and callers reaches the terminal only as text.
  jiwon::cli::TerminalFilter out(std::cout), err(std::cerr);
  absl::SetProgramUsageMessage(jiwon::cli::kUsage);
  absl::FlagsUsageConfig config;
  config.version_string = [] {
    return jiwon::VersionText("jiwon",
                              absl::StrCat(jiwon::cli::ClientLibraries(), ", ",
                                           curl_version())) +
           "\n";
  };
  std::vector<char*> positional =
      jiwon::cli::ParseCommandLineOrExit("jiwon", config, argc, argv);
  std::vector<std::string> args(positional.begin() + 1, positional.end());
  if (args.empty()) {
    std::cerr << "jiwon: " << jiwon::cli::kUsage << "\n";
    return jiwon::cli::kUsageError;
  }
  // Whether --ambiguous_wide (or --noambiguous_wide) was given: the
  // locale decides otherwise.
  bool ambiguous_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    while (!arg.empty() && arg.front() == '-') arg.remove_prefix(1);
    arg = arg.substr(0, arg.find('='));
    ambiguous_given |= arg == "ambiguous_wide" || arg == "noambiguous_wide";
  }
  if (std::optional<std::string> bad =
          jiwon::cli::SetUpScreen(ambiguous_given)) {
    std::cerr << "jiwon: " << *bad << " (run `jiwon --help` for the flags)\n";
    return jiwon::cli::kUsageError;
  }
  try {
    absl::StatusOr<jiwon::cli::ConnectOptions> connect =
        jiwon::cli::ConnectOptions::FromFlagsAndEnvironment();
    if (!connect.ok()) {
      std::cerr << "jiwon: " << connect.status().message() << "\n";
      return jiwon::cli::kUsageError;
    }
    std::shared_ptr<grpc::Channel> channel =
        jiwon::cli::OpenChannel(jiwon::cli::Address(), *connect);
    // The names come over this channel while the command runs; it is let go
    // with the client, before gRPC and OpenSSL shut down at exit.
    struct LetGo {
      ~LetGo() { jiwon::cli::vocabulary_channel.reset(); }
    } let_go;
    jiwon::cli::vocabulary_channel = channel;
    jiwon::cli::Client client(channel);
    // What a caseworker reads goes through a pager when it is taller than
    // the screen; what scripts read, prompts and streams never do.
    jiwon::cli::Pager pager(
        absl::GetFlag(FLAGS_pager) && !absl::GetFlag(FLAGS_json) &&
        jiwon::cli::IsTerminal(STDOUT_FILENO) && jiwon::cli::IsScreen(args));
    return client.Run(args);
  } catch (const jiwon::cli::UsageError& e) {
    std::cerr << "jiwon: " << e.message << " (run `jiwon` for usage)\n";
    return jiwon::cli::kUsageError;
  }
}
