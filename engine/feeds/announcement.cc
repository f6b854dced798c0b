#include "engine/feeds/announcement.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/feeds/period.h"
#include "engine/feeds/text.h"

namespace jiwon::engine::feeds {
namespace {

constexpr double kStructuredConfidence = 0.9;  // a field meant for it
constexpr double kTagConfidence = 0.7;         // a title's region tag
constexpr double kHashtagConfidence = 0.5;     // free keywords

// The 17 시도 as the feeds name them, short and full.
struct Sido {
  std::string_view code;
  std::string_view names[4];
};
constexpr Sido kSidos[] = {
    {"11", {"서울", "서울시", "서울특별시", ""}},
    {"26", {"부산", "부산시", "부산광역시", ""}},
    {"27", {"대구", "대구시", "대구광역시", ""}},
    {"28", {"인천", "인천시", "인천광역시", ""}},
    {"29", {"광주", "광주시", "광주광역시", ""}},
    {"30", {"대전", "대전시", "대전광역시", ""}},
    {"31", {"울산", "울산시", "울산광역시", ""}},
    {"36", {"세종", "세종시", "세종특별자치시", ""}},
    {"41", {"경기", "경기도", "", ""}},
    {"51", {"강원", "강원도", "강원특별자치도", ""}},
    {"43", {"충북", "충청북도", "", ""}},
    {"44", {"충남", "충청남도", "", ""}},
    {"52", {"전북", "전라북도", "전북특별자치도", ""}},
    {"46", {"전남", "전라남도", "", ""}},
    {"47", {"경북", "경상북도", "", ""}},
    {"48", {"경남", "경상남도", "", ""}},
    {"50", {"제주", "제주도", "제주특별자치도", ""}},
};
constexpr size_t kSidoCount = std::size(kSidos);

const std::string* Field(const FeedRecord& r, std::string_view name) {
  auto it = r.find(name);
  if (it == r.end()) return nullptr;
  return &it->second;
}

// The first present of several names (기업마당's JSON and RSS names).
const std::string* FieldOf(const FeedRecord& r,
                           std::initializer_list<std::string_view> names,
                           std::string_view* which = nullptr) {
  for (std::string_view n : names) {
    if (const std::string* v = Field(r, n);
        v != nullptr && !TrimSpaces(*v).empty()) {
      if (which != nullptr) *which = n;
      return v;
    }
  }
  return nullptr;
}

std::string Clean(std::string_view s) { return UnifyMiddleDots(OneLine(s)); }

// Splits a list of region names on the separators titles and fields use.
std::vector<std::string> RegionParts(std::string_view text) {
  std::string t = UnifyMiddleDots(text);
  std::vector<std::string> out;
  for (std::string_view part : Split(t, {",", "/", " "})) {
    for (std::string_view p : Split(part, {"ㆍ"})) {
      out.emplace_back(TrimSpaces(p));
    }
  }
  return out;
}

// Codes for a name, the region groups of the reference included (수도권,
// 충청권); false when the name is no region.
bool CodesOf(std::string_view name, const Reference& ref,
             std::set<std::string>* out, bool* nationwide) {
  if (name == "전국") {
    *nationwide = true;
    return true;
  }
  const std::vector<std::string> codes = SidoCodes(name);
  if (!codes.empty()) {
    out->insert(codes.begin(), codes.end());
    return true;
  }
  if (const auto* group = ref.region_groups.Find(name)) {
    out->insert(group->begin(), group->end());
    return true;
  }
  return false;
}

// "[경기]", "[서울ㆍ경기ㆍ인천ㆍ강원]" at the start of a title: the codes,
// and the title without the tag; nothing when the brackets hold no region
// ("[재공고]").
bool TitleTag(const std::string& title, const Reference& ref,
              std::set<std::string>* codes, std::string* rest,
              std::string* tag) {
  if (!std::string_view(title).starts_with("[")) return false;
  const size_t close = title.find(']');
  if (close == std::string::npos) return false;
  const std::string inside = title.substr(1, close - 1);
  std::set<std::string> found;
  bool nationwide = false;
  const std::vector<std::string> parts = RegionParts(inside);
  if (parts.empty()) return false;
  for (const std::string& p : parts) {
    if (!CodesOf(p, ref, &found, &nationwide)) return false;
  }
  *codes = std::move(found);
  *tag = title.substr(0, close + 1);
  *rest = std::string(TrimSpaces(std::string_view(title).substr(close + 1)));
  return true;
}

// Cuts `s` to at most `max` bytes, at a code point boundary (the catalog
// takes titles of at most 400 bytes).
void CutAtCodePoint(std::string* s, size_t max) {
  if (s->size() <= max) return;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>((*s)[n]) & 0xC0) == 0x80) --n;
  s->resize(n);
}

Predicate Pred(Fact fact, Op op) {
  Predicate p;
  p.fact = fact;
  p.op = op;
  return p;
}

Condition Leaf(Predicate p) {
  Condition c;
  c.kind = Condition::Kind::kPredicate;
  c.predicate = std::move(p);
  return c;
}

Condition AnyOf(std::vector<Condition> items) {
  if (items.size() == 1) return std::move(items[0]);
  Condition c;
  c.kind = Condition::Kind::kAny;
  c.children = std::move(items);
  return c;
}

Rule Require(std::string id, Condition c) {
  Rule r;
  r.id = std::move(id);
  r.kind = RuleKind::kRequire;
  r.condition = std::move(c);
  return r;
}

void ProposeRegion(Announcement* a, double confidence, std::string field) {
  if (a->regions.empty()) return;
  Predicate p = Pred(Fact::kSiteRegion, Op::kIn);
  p.codes = a->regions;
  ProposedRule pr;
  pr.rule = Require("region", Leaf(std::move(p)));
  pr.rule.label = "소재지 (본사 또는 사업장)";
  pr.field = std::move(field);
  pr.evidence = a->region_evidence;
  pr.confidence = confidence;
  a->proposals.push_back(std::move(pr));
}

std::optional<Category> CategoryOfBizinfo(std::string_view name) {
  static constexpr std::pair<std::string_view, Category> kNames[] = {
      {"금융", Category::kFinance},    {"기술", Category::kTechnology},
      {"인력", Category::kManpower},   {"수출", Category::kExport},
      {"내수", Category::kDomestic},   {"창업", Category::kStartup},
      {"경영", Category::kManagement}, {"기타", Category::kOther}};
  for (const auto& [n, c] : kNames) {
    if (name == n) return c;
  }
  return std::nullopt;
}

std::optional<Category> CategoryOfKstartup(std::string_view name) {
  static constexpr std::pair<std::string_view, Category> kNames[] = {
      {"사업화", Category::kStartup},
      {"멘토링ㆍ컨설팅ㆍ교육", Category::kManagement},
      {"시설ㆍ공간ㆍ보육", Category::kStartup},
      {"행사ㆍ네트워크", Category::kOther},
      {"창업교육", Category::kStartup},
      {"글로벌", Category::kExport},
      {"판로ㆍ해외진출", Category::kExport},
      {"기술개발(R&D)", Category::kTechnology},
      {"인력", Category::kManpower},
      {"정책자금", Category::kFinance},
      {"융자ㆍ보증", Category::kFinance}};
  for (const auto& [n, c] : kNames) {
    if (name == n) return c;
  }
  return std::nullopt;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isdigit(c);
  });
}

// The lines of the 지원대상 block of a 기업마당 summary: from the first line
// starting with ☞ (or naming 지원대상) to the next ☞ line.
std::string EligibilityBlock(const std::string& text) {
  std::vector<std::string_view> lines = Split(text, {"\n"});
  std::vector<std::string> block;
  bool in = false;
  for (std::string_view line : lines) {
    const bool mark = std::string_view(line).starts_with("☞");
    if (mark && in) break;
    if (mark || Contains(line, "지원대상")) in = true;
    if (in) block.emplace_back(line);
  }
  return absl::StrJoin(block, "\n");
}

}  // namespace

const char* FeedName(Feed feed) {
  switch (feed) {
    case Feed::kBizinfo:
      return "bizinfo";
    case Feed::kKstartup:
      return "k-startup";
  }
  return "?";
}

Program DraftProgram(const Announcement& a) {
  Program p;
  p.id = a.program_id;
  p.title = a.title;
  p.agency = a.agency;
  p.category = a.category;
  p.announced_on = a.announced_on;
  p.window = a.window;
  for (const ProposedRule& r : a.proposals) p.rules.push_back(r.rule);
  return p;
}

std::vector<std::string> SidoCodes(std::string_view name) {
  name = TrimSpaces(name);
  if (name.empty()) return {};
  // 전남광주 (after the 2026-07 merger): both former 시도.
  if (name == "전남광주" || name == "광주전남") return {"29", "46"};
  for (const Sido& s : kSidos) {
    for (std::string_view n : s.names) {
      if (!n.empty() && n == name) return {std::string(s.code)};
    }
  }
  return {};
}

std::optional<Condition> BusinessAgeCondition(std::string_view buckets,
                                              std::string* error,
                                              std::string* reading) {
  // The buckets in order, each with its lower edge in months: 1년미만
  // [0, 12), 2년미만 [12, 24), 3년미만 [24, 36), 5년미만 [36, 60), 7년미만
  // [60, 84), 10년미만 [84, 120).
  static constexpr std::pair<int, int> kBounds[] = {{1, 0},  {2, 12}, {3, 24},
                                                    {5, 36}, {7, 60}, {10, 84}};
  bool prospective = false;
  std::set<size_t> ticked;
  for (std::string_view raw : Split(buckets, {","})) {
    std::string b;
    for (char c : TrimSpaces(raw)) {
      if (c != ' ') b.push_back(c);
    }
    if (b.empty()) continue;
    if (b == "예비창업자") {
      prospective = true;
      continue;
    }
    int years = 0;
    std::string_view v = b;
    const bool shaped = ConsumeSuffix(&v, "년미만") && ParseInt(v, &years);
    const auto* bound =
        std::find_if(std::begin(kBounds), std::end(kBounds),
                     [&](const auto& k) { return k.first == years; });
    if (!shaped || bound == std::end(kBounds)) {
      *error = absl::StrCat("\"", b,
                            "\" is not a bucket (예비창업자, 1년미만, 2년미만, "
                            "3년미만, 5년미만, 7년미만, 10년미만)");
      return std::nullopt;
    }
    ticked.insert(static_cast<size_t>(bound - std::begin(kBounds)));
  }
  if (!prospective && ticked.empty()) {
    *error = "names no bucket";
    return std::nullopt;
  }
  std::vector<Condition> any;
  if (prospective) {
    any.push_back(Leaf(Pred(Fact::kProspectiveFounder, Op::kIsTrue)));
  }
  if (!ticked.empty()) {
    // Publishers tick either every bucket up to the limit ("1년미만,2년미만,
    // 3년미만" for 창업 3년 이내) or the limit's bucket alone ("7년미만" for
    // 창업 7년 미만, "3년미만" for 창업 3년 이내): one bucket alone is read as
    // "under N years". Several buckets span from the lowest one's lower
    // edge ("2년미만,…,10년미만" beside "1년 이상 사업을 영위"), and a gap
    // between them is read across.
    const size_t low = *ticked.begin(), high = *ticked.rbegin();
    Predicate p = Pred(Fact::kBusinessAgeMonths, Op::kRange);
    if (ticked.size() > 1 && kBounds[low].second > 0) {
      p.min = kBounds[low].second;
    }
    p.max = int64_t{kBounds[high].first} * 12;
    p.max_exclusive = true;
    any.push_back(Leaf(std::move(p)));
    if (ticked.size() == 1) {
      *reading = absl::StrCat("the bucket ", kBounds[high].first,
                              "년미만 alone, read as 업력 ",
                              kBounds[high].first, "년 미만");
    } else if (high - low + 1 != ticked.size()) {
      *reading = "buckets with a gap, read as one span";
    }
  }
  return AnyOf(std::move(any));
}

std::optional<Condition> AgeCondition(std::string_view bands,
                                      std::string* error) {
  // Each band to whole years [lo, hi], hi = kOpen for no ceiling.
  constexpr int kOpen = 1000;
  std::vector<std::pair<int, int>> spans;
  for (std::string_view raw : Split(bands, {","})) {
    const std::string band = std::string(TrimSpaces(raw));
    if (band.empty()) continue;
    int lo = 0, hi = kOpen;
    bool any = false;
    for (std::string_view side : Split(band, {"~"})) {
      std::string s;
      for (char c : side) {
        if (c != ' ') s.push_back(c);
      }
      std::string_view v = s;
      ConsumePrefix(&v, "만");
      size_t n = 0;
      while (n < v.size() && absl::ascii_isdigit(v[n])) ++n;
      int age = 0;
      if (n == 0 || !ParseInt(v.substr(0, n), &age)) continue;
      v.remove_prefix(n);
      ConsumePrefix(&v, "세");
      if (v == "이상") {
        lo = std::max(lo, age);
      } else if (v == "초과") {
        lo = std::max(lo, age + 1);
      } else if (v == "이하") {
        hi = std::min(hi, age);
      } else if (v == "미만") {
        hi = std::min(hi, age - 1);
      } else {
        continue;
      }
      any = true;
    }
    if (!any || lo > hi) {
      *error = absl::StrCat("\"", band,
                            "\" is not an age band (만 N세 이상 ~ 만 M세 이하, "
                            "만 N세 미만, 만 N세 이상)");
      return std::nullopt;
    }
    spans.emplace_back(lo, hi);
  }
  if (spans.empty()) {
    *error = "names no age band";
    return std::nullopt;
  }
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<int, int>> merged;
  for (const auto& s : spans) {
    if (!merged.empty() && s.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, s.second);
    } else {
      merged.push_back(s);
    }
  }
  if (merged.size() == 1 && merged[0].first == 0 && merged[0].second == kOpen) {
    return std::nullopt;  // every age
  }
  std::vector<Condition> any;
  for (const auto& [lo, hi] : merged) {
    Predicate p = Pred(Fact::kCeoAgeYears, Op::kRange);
    if (lo > 0) p.min = lo;
    if (hi != kOpen) p.max = hi;
    any.push_back(Leaf(std::move(p)));
  }
  return AnyOf(std::move(any));
}

std::optional<Announcement> NormalizeBizinfo(const FeedRecord& r,
                                             const Reference& ref,
                                             std::vector<RecordError>* errors) {
  const size_t errors_before = errors->size();
  auto error = [&](std::string field, std::string message) {
    errors->push_back({std::move(field), std::move(message)});
  };
  Announcement a;
  a.feed = Feed::kBizinfo;
  // The id.
  if (const std::string* id = FieldOf(r, {"pblancId", "seq"})) {
    std::string_view v = TrimSpaces(*id);
    std::string_view digits = v;
    if (!ConsumePrefix(&digits, "PBLN_") || !AllDigits(digits) ||
        digits.size() > 15) {
      error("pblancId",
            absl::StrCat("\"", std::string(v.substr(0, 40)),
                         "\" is not an announcement id (PBLN_ and up to 15 "
                         "digits)"));
    } else {
      a.source_id = std::string(v);
      a.program_id = absl::StrCat("bizinfo-", std::string(v));
    }
  } else {
    error("pblancId", "missing: every 기업마당 item has one");
  }
  // The title and its region tag.
  std::set<std::string> tag_codes;
  if (const std::string* t = FieldOf(r, {"pblancNm", "title"})) {
    const std::string title = Clean(*t);
    std::string rest, tag;
    if (TitleTag(title, ref, &tag_codes, &rest, &tag) && !rest.empty()) {
      a.title = rest;
      a.region_evidence = tag;
    } else {
      a.title = title;
    }
    CutAtCodePoint(&a.title, 400);  // validation's limit
  } else {
    error("pblancNm", "missing: the announcement has no title");
  }
  if (const std::string* v = FieldOf(r, {"jrsdInsttNm", "author"})) {
    a.agency = Clean(*v);
  }
  if (const std::string* v = FieldOf(r, {"excInsttNm"})) {
    const std::string op = Clean(*v);
    // 직접수행: the agency itself; 기초자치단체: a 시군구 it does not name.
    if (op == "기초자치단체") {
      a.notes.push_back("수행기관 (excInsttNm): 기초자치단체, not named");
    } else if (op != "직접수행" && op != a.agency) {
      a.operator_name = op;
    }
  }
  // 분야: a name, not a code.
  std::string_view category_field;
  if (const std::string* v = FieldOf(
          r, {"pldirSportRealmLclasCodeNm", "lcategory"}, &category_field)) {
    const std::string name = Clean(*v);
    a.subcategory = name;
    if (std::optional<Category> c = CategoryOfBizinfo(name)) {
      a.category = *c;
    } else {
      a.notes.push_back(absl::StrCat(std::string(category_field), " \"", name,
                                     "\" is no 기업마당 분야; taken as 기타"));
    }
  }
  if (const std::string* v = FieldOf(r, {"pblancUrl", "link"})) {
    a.url = std::string(TrimSpaces(*v));
    if (!std::string_view(a.url).starts_with("https://") &&
        !std::string_view(a.url).starts_with("http://")) {
      a.notes.push_back(absl::StrCat("pblancUrl \"", a.url.substr(0, 80),
                                     "\" is not a web address; left out"));
      a.url.clear();
    }
  }
  if (const std::string* v = FieldOf(r, {"refrncNm"})) a.contact = Clean(*v);
  if (const std::string* v = FieldOf(r, {"creatPnttm", "pubDate"})) {
    a.announced_on = ParseFeedDate(*v);
  }
  // The period.
  std::string_view period_field = "reqstBeginEndDe";
  if (const std::string* v =
          FieldOf(r, {"reqstBeginEndDe", "reqstDt"}, &period_field)) {
    a.window_note = Clean(*v);
    absl::StatusOr<Window> w = ParsePeriod(*v);
    if (w.ok()) {
      a.window = *std::move(w);
    } else {
      error(std::string(period_field), std::string(w.status().message()));
    }
  } else {
    error("reqstBeginEndDe", "missing: the application period is not given");
  }
  // The prose.
  if (const std::string* v = FieldOf(r, {"bsnsSumryCn", "description"})) {
    a.summary = UnifyMiddleDots(HtmlToText(*v));
    a.eligibility_text = EligibilityBlock(a.summary);
  }
  // Regions: the title's tag, else the hashtags' 시도 unless they name all
  // 17 (a nationwide program lists every one).
  if (!tag_codes.empty()) {
    a.regions.assign(tag_codes.begin(), tag_codes.end());
    ProposeRegion(&a, kTagConfidence, "pblancNm");
  } else if (const std::string* v = FieldOf(r, {"hashtags", "hashTags"})) {
    std::set<std::string> codes;
    std::vector<std::string> named;
    for (std::string_view tag : Split(*v, {","})) {
      const std::string t = std::string(TrimSpaces(tag));
      const std::vector<std::string> c = SidoCodes(t);
      if (c.empty()) continue;
      codes.insert(c.begin(), c.end());
      named.push_back(t);
    }
    if (!codes.empty() && codes.size() < kSidoCount) {
      a.regions.assign(codes.begin(), codes.end());
      a.region_evidence = absl::StrJoin(named, ",");
      ProposeRegion(&a, kHashtagConfidence, "hashtags");
      a.notes.push_back(absl::StrCat("the region is read from the hashtags (",
                                     a.region_evidence,
                                     "); the title names none"));
    }
  }
  if (const std::string* v = FieldOf(r, {"trgetNm"})) {
    a.notes.push_back(absl::StrCat("대상 (trgetNm): ", Clean(*v)));
  }
  if (errors->size() > errors_before) return std::nullopt;
  for (ProposedRule& p : a.proposals) p.rule.evidence = p.evidence;
  return a;
}

std::optional<Announcement> NormalizeKstartup(
    const FeedRecord& r, const Reference& ref,
    std::vector<RecordError>* errors) {
  const size_t errors_before = errors->size();
  auto error = [&](std::string field, std::string message) {
    errors->push_back({std::move(field), std::move(message)});
  };
  Announcement a;
  a.feed = Feed::kKstartup;
  if (const std::string* sn = FieldOf(r, {"pbanc_sn"})) {
    const std::string_view v = TrimSpaces(*sn);
    if (!AllDigits(v) || v.size() > 12) {
      error("pbanc_sn", absl::StrCat("\"", std::string(v.substr(0, 40)),
                                     "\" is not an announcement number"));
    } else {
      a.source_id = std::string(v);
      a.program_id = absl::StrCat("kstartup-", std::string(v));
    }
  } else {
    error("pbanc_sn",
          "missing: every K-Startup row has one (\"id\" is only "
          "the row number)");
  }
  if (const std::string* t =
          FieldOf(r, {"biz_pbanc_nm", "intg_pbanc_biz_nm"})) {
    a.title = Clean(*t);
    CutAtCodePoint(&a.title, 400);
  } else {
    error("biz_pbanc_nm", "missing: the announcement has no title");
  }
  if (const std::string* v = FieldOf(r, {"pbanc_ntrp_nm"})) {
    a.agency = Clean(*v);
  }
  if (const std::string* v = FieldOf(r, {"biz_prch_dprt_nm"})) {
    a.operator_name = Clean(*v);
  }
  if (const std::string* v = FieldOf(r, {"supt_biz_clsfc"})) {
    const std::string name = Clean(*v);
    a.subcategory = name;
    if (std::optional<Category> c = CategoryOfKstartup(name)) {
      a.category = *c;
    } else {
      a.notes.push_back(
          absl::StrCat("supt_biz_clsfc \"", name,
                       "\" is no K-Startup 지원분야; taken as 기타"));
    }
  }
  if (const std::string* v = FieldOf(r, {"detl_pg_url", "biz_gdnc_url"})) {
    std::string url = std::string(TrimSpaces(*v));
    // biz_gdnc_url may lack its scheme.
    if (!std::string_view(url).starts_with("http://") &&
        !std::string_view(url).starts_with("https://")) {
      url = absl::StrCat("https://", url);
    }
    a.url = std::move(url);
  }
  if (const std::string* v = FieldOf(r, {"prch_cnpl_no"}))
    a.contact = Clean(*v);
  auto opt = [&](std::string_view name) -> std::optional<std::string_view> {
    const std::string* v = FieldOf(r, {name});
    if (v == nullptr) return std::nullopt;
    return std::string_view(*v);
  };
  absl::StatusOr<Window> w =
      WindowFromDates(opt("pbanc_rcpt_bgng_dt"), opt("pbanc_rcpt_end_dt"));
  if (w.ok()) {
    a.window = *std::move(w);
    if (a.window.kind == WindowKind::kRolling) {
      a.notes.push_back("no closing date (pbanc_rcpt_end_dt): taken as open");
    }
  } else {
    const std::string message(w.status().message());
    const std::string_view m = message;
    const size_t colon = m.find(':');
    error(std::string(m.substr(0, colon)), std::string(m.substr(colon + 2)));
  }
  // The prose: summary, who may apply, who may not.
  std::vector<std::string> parts;
  if (const std::string* v = FieldOf(r, {"pbanc_ctnt"})) {
    parts.push_back(UnifyMiddleDots(HtmlToText(*v)));
  }
  if (const std::string* v = FieldOf(r, {"aply_trgt_ctnt"})) {
    a.eligibility_text = UnifyMiddleDots(HtmlToText(*v));
    parts.push_back(absl::StrCat("신청대상\n", a.eligibility_text));
  }
  // The spec's name is misspelt (aply_exclt_…); a placeholder ("없음",
  // "공고문 참고") states no exclusion.
  if (std::string_view name;
      const std::string* v =
          FieldOf(r, {"aply_excl_trgt_ctnt", "aply_exclt_trgt_ctnt"}, &name)) {
    const std::string text = UnifyMiddleDots(HtmlToText(*v));
    std::string bare;
    for (char c : text) {
      if (c != ' ') bare.push_back(c);
    }
    if (bare == "없음" || bare == "해당없음" || bare == "-" ||
        bare == "공고문참고" || bare == "공고문참조") {
      a.notes.push_back(absl::StrCat("제외대상 (", std::string(name), "): \"",
                                     text, "\": no exclusions in the feed"));
    } else {
      a.exclusion_text = text;
      parts.push_back(absl::StrCat("제외대상\n", a.exclusion_text));
    }
  }
  if (const std::string* v = FieldOf(r, {"prfn_matr"})) {
    parts.push_back(
        absl::StrCat("우대사항\n", UnifyMiddleDots(HtmlToText(*v))));
  }
  a.summary = absl::StrJoin(parts, "\n");
  // 지원지역: short 시도 names, 전국 for none; the prose may still restrict.
  if (const std::string* v = FieldOf(r, {"supt_regin"})) {
    std::set<std::string> codes;
    bool nationwide = false;
    std::vector<std::string> unknown;
    for (const std::string& p : RegionParts(*v)) {
      if (!CodesOf(p, ref, &codes, &nationwide)) unknown.push_back(p);
    }
    if (!unknown.empty()) {
      a.notes.push_back(absl::StrCat("supt_regin names no region: ",
                                     absl::StrJoin(unknown, ", ")));
    } else if (!nationwide && !codes.empty()) {
      a.regions.assign(codes.begin(), codes.end());
      a.region_evidence = Clean(*v);
      ProposeRegion(&a, kStructuredConfidence, "supt_regin");
    }
  }
  if (const std::string* v = FieldOf(r, {"biz_enyy"})) {
    std::string why, reading;
    if (std::optional<Condition> c = BusinessAgeCondition(*v, &why, &reading)) {
      ProposedRule pr;
      pr.rule = Require("business-age", *std::move(c));
      pr.rule.label = "업력 (창업 경과기간)";
      pr.field = "biz_enyy";
      pr.evidence = std::string(TrimSpaces(*v));
      pr.confidence = reading.empty() ? kStructuredConfidence : kTagConfidence;
      if (!reading.empty()) a.notes.push_back("biz_enyy: " + reading);
      a.proposals.push_back(std::move(pr));
    } else {
      error("biz_enyy", why);
    }
  }
  if (const std::string* v = FieldOf(r, {"biz_trgt_age"})) {
    std::string why;
    if (std::optional<Condition> c = AgeCondition(*v, &why)) {
      ProposedRule pr;
      pr.rule = Require("ceo-age", *std::move(c));
      pr.rule.label = "대표자 연령";
      pr.field = "biz_trgt_age";
      pr.evidence = std::string(TrimSpaces(*v));
      pr.confidence = kStructuredConfidence;
      a.proposals.push_back(std::move(pr));
    } else if (!why.empty()) {
      error("biz_trgt_age", why);
    }
  }
  if (errors->size() > errors_before) return std::nullopt;
  for (ProposedRule& p : a.proposals) p.rule.evidence = p.evidence;
  return a;
}

}  // namespace jiwon::engine::feeds
