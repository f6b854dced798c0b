#!/usr/bin/env python3
"""Generates jiwon's demo catalog and companies, deterministically.

    python3 data/demo/generate.py        # rewrites programs.jsonl, companies.jsonl

Programs follow real announcements (GBSA, 중소벤처기업부, K-Startup,
소상공인시장진흥공단); details marked (예시) are plausible but illustrative.
Companies are synthetic, spread over Gyeonggi's 31 시군 and the other 시도,
with some facts left unknown on purpose. Output is protobuf canonical JSON,
one record per line, ready for `jiwon program import` / `jiwon company import`.
"""

import csv
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "reference")
SEED = 20261127
EOK = 100_000_000
MAN = 10_000


# ------------------------------------------------------------- conditions

def pred(fact, op, **kw):
    p = {"fact": "FACT_" + fact, "op": "OPERATOR_" + op}
    p.update(kw)
    return {"predicate": p}


def hq_in(*codes):
    return pred("HEAD_OFFICE_REGION", "IN", codes=list(codes))


def hq_not_in(*codes):
    return pred("HEAD_OFFICE_REGION", "NOT_IN", codes=list(codes))


def industry_in(*codes):
    return pred("PRIMARY_INDUSTRY", "IN", codes=list(codes))


def industry_not_in(*codes):
    return pred("PRIMARY_INDUSTRY", "NOT_IN", codes=list(codes))


def size_in(*classes):
    return pred("SIZE_CLASS", "IN",
                size_classes=["SIZE_CLASS_" + c for c in classes])


def rng(fact, lo=None, hi=None, lo_excl=False, hi_excl=False, **kw):
    p = pred(fact, "RANGE", **kw)
    if lo is not None:
        p["predicate"]["min"] = str(lo)
    if hi is not None:
        p["predicate"]["max"] = str(hi)
    if lo_excl:
        p["predicate"]["min_exclusive"] = True
    if hi_excl:
        p["predicate"]["max_exclusive"] = True
    return p


def certs(op, *kinds):
    return pred("CERTIFICATIONS", op,
                certifications=["CERTIFICATION_KIND_" + k for k in kinds])


def needs(*kinds):
    return pred("NEEDS", "ANY_OF", needs=["NEED_" + k for k in kinds])


def flag(fact, value=True):
    return pred(fact, "IS_TRUE" if value else "IS_FALSE")


def any_of(*items):
    return {"any": {"items": list(items)}}


def all_of(*items):
    return {"all": {"items": list(items)}}


def participated(*prefixes):
    return rng("PARTICIPATIONS_EVER", lo=1, codes=list(prefixes))


def rule(rid, kind, label, evidence, condition, points=0):
    r = {"id": rid, "kind": "RULE_KIND_" + kind, "label": label,
         "evidence": evidence, "condition": condition}
    if points:
        r["points"] = points
    return r


def require(rid, label, evidence, condition):
    return rule(rid, "REQUIRE", label, evidence, condition)


def exclude(rid, label, evidence, condition):
    return rule(rid, "EXCLUDE", label, evidence, condition)


def bonus(rid, label, evidence, condition, points):
    return rule(rid, "BONUS", label, evidence, condition, points)


def cap(rid, label, evidence, condition):
    return rule(rid, "CAP", label, evidence, condition)


# Rules many announcements share.
NO_TAX_ARREARS = exclude("no-tax-arrears", "국세·지방세 체납 기업 제외",
                         "국세 또는 지방세를 체납 중인 기업은 신청할 수 없음",
                         flag("TAX_ARREARS"))
NO_DEFAULT = exclude("no-default", "금융기관 연체·채무불이행 기업 제외",
                     "금융기관 대출금 연체 또는 신용정보관리대상자로 등록된 경우 제외",
                     flag("LOAN_DEFAULT"))
NO_BAN = exclude("no-ban", "정부사업 참여제한 기업 제외",
                 "중앙행정기관·지자체 사업 참여제한 기간 중인 기업은 제외",
                 flag("PARTICIPATION_BANNED"))
NO_CLOSURE = exclude("no-closure", "휴·폐업 기업 제외",
                     "공고일 현재 휴업 또는 폐업 중인 기업은 제외",
                     flag("SUSPENDED_OR_CLOSED"))
SME = require("sme", "중소기업", "「중소기업기본법」 제2조에 따른 중소기업",
              size_in("SME"))
GYEONGGI = require("gyeonggi", "경기도 소재", "공고일 기준 본사가 경기도에 소재한 기업",
                   hq_in("41"))
MANUFACTURER = require("manufacturer", "제조업(KSIC C)",
                       "한국표준산업분류상 제조업(C)을 주업종으로 영위하는 기업",
                       industry_in("C"))


def fixed(opens, closes, note=""):
    return {"kind": "WINDOW_KIND_FIXED", "opens_on": opens,
            "closes_on": closes, "note": note}


def rolling(note="상시 접수"):
    return {"kind": "WINDOW_KIND_ROLLING", "note": note}


def until_budget(opens, note="예산 소진시까지"):
    return {"kind": "WINDOW_KIND_UNTIL_BUDGET", "opens_on": opens,
            "note": note}


def program(pid, title, agency, category, window, rules, tags, benefit,
            source="bizinfo", source_id="", operator="", summary="",
            announced_on=None, reference="APPLICATION", bonus_cap=0,
            effective_from=None, effective_to=None, subcategory="",
            questions=None):
    p = {
        "id": pid, "source": source, "source_id": source_id or pid,
        "title": title, "agency": agency, "operator": operator or agency,
        "category": "CATEGORY_" + category, "subcategory": subcategory,
        "summary": summary or title,
        "url": "https://www.bizinfo.go.kr/" if source == "bizinfo"
        else "https://www.k-startup.go.kr/" if source == "k-startup"
        else "https://www.egbiz.or.kr/",
        "contact": agency + " 고객센터",
        "window": window, "benefit": benefit,
        "tags": ["NEED_" + t for t in tags], "rules": rules,
        "reference_date": "REFERENCE_DATE_" + reference,
    }
    if announced_on:
        p["announced_on"] = announced_on
    if bonus_cap:
        p["bonus_cap"] = bonus_cap
    if effective_from:
        p["effective_from"] = effective_from
    if effective_to:
        p["effective_to"] = effective_to
    if questions:
        p["questions"] = questions
    return p


def grant(max_won=None, cofunding=None, kind="GRANT", description=""):
    b = {"kind": "BENEFIT_KIND_" + kind, "description": description}
    if max_won is not None:
        b["max_amount_won"] = str(max_won)
    if cofunding is not None:
        b["cofunding_percent"] = cofunding
    return b


EAST = ["41610", "41450", "41500", "41830", "41670"]  # 동부권


def programs():
    out = []
    gbsa_rules = [
        GYEONGGI,
        exclude("excluded-cities", "성남·안양·안산·용인 소재 기업 제외",
                "성남시, 안양시, 안산시, 용인시 소재 기업은 해당 시 자체사업으로 지원하여 제외",
                hq_in("41130", "41170", "41270", "41460")),
        SME,
        require("revenue-cap", "연매출 120억원 이하",
                "직전년도 매출액 120억원 이하 중소기업",
                rng("REVENUE_LATEST_WON", hi=120 * EOK)),
        cap("yearly-awards", "연간 3회 이내 지원",
            "동일 기업은 연간 최대 3회까지 지원 가능",
            rng("PARTICIPATIONS_THIS_YEAR", hi=2, codes=["gbsa-dev-prod"])),
        cap("yearly-amount", "연간 지원한도 2,000만원",
            "기업당 연간 지원금 합계 2,000만원 한도",
            rng("AWARDS_THIS_YEAR_WON", hi=2000 * MAN, hi_excl=True,
                codes=["gbsa-dev-prod"])),
        NO_TAX_ARREARS, NO_CLOSURE,
    ]
    out.append(program(
        "gbsa-dev-prod-2026", "2026년 개발·생산·판로 맞춤형 지원사업",
        "경기도경제과학진흥원", "DOMESTIC",
        {"kind": "WINDOW_KIND_FIXED", "note": "분기별 접수 (1~4차)",
         "rounds": [
             {"name": "1차", "opens_on": "2026-01-15", "closes_on": "2026-02-13"},
             {"name": "2차", "opens_on": "2026-04-01", "closes_on": "2026-04-30"},
             {"name": "3차", "opens_on": "2026-07-01", "closes_on": "2026-07-31"},
             {"name": "4차", "opens_on": "2026-11-02", "closes_on": "2026-12-11"}]},
        gbsa_rules, ["MARKETING", "COMMERCIALIZATION"],
        grant(2000 * MAN, 70, description="시제품 제작·인증·판로개척 비용의 70% 이내, 최대 2,000만원"),
        source="gbsa", source_id="GBSA-2026-0112", subcategory="판로·마케팅",
        announced_on="2026-01-05"))
    east_rules = [require("east", "경기 동부권(광주·하남·이천·양평·여주) 소재",
                          "동부권 5개 시군(광주시, 하남시, 이천시, 양평군, 여주시) 소재 기업",
                          hq_in(*EAST))] + gbsa_rules[2:]
    out.append(program(
        "gbsa-dev-prod-east-2026", "2026년 개발·생산·판로 맞춤형 지원사업 (동부권 특별회차)",
        "경기도경제과학진흥원", "DOMESTIC",
        fixed("2026-11-16", "2026-12-18", "동부권 기술혁신통합지원단 특별회차"),
        east_rules, ["MARKETING", "COMMERCIALIZATION", "TECHNOLOGY"],
        grant(2000 * MAN, 70), source="gbsa", source_id="GBSA-2026-0587",
        operator="동부권 기술혁신통합지원단", announced_on="2026-11-10"))
    out.append(program(
        "gwangju-smart-levelup-2026", "광주시 스마트제조 생산레벨업 지원사업",
        "경기도 광주시", "TECHNOLOGY", fixed("2026-11-02", "2026-12-18"),
        [require("gwangju", "경기도 광주시 소재", "사업장이 경기도 광주시에 소재한 제조기업",
                 pred("SITE_REGION", "IN", codes=["41610"])),
         MANUFACTURER, SME, NO_TAX_ARREARS,
         bonus("hiring", "고용 증가 기업", "전년 대비 상시근로자 증가 기업 가점 3점 (예시)",
               rng("EMPLOYEE_CHANGE", lo=1), 3),
         bonus("women", "여성기업", "여성기업 확인서 보유 기업 가점 2점 (예시)",
               certs("ANY_OF", "WOMEN_OWNED"), 2),
         bonus("venture", "벤처기업", "벤처기업 확인 기업 가점 1점 (예시)",
               certs("ANY_OF", "VENTURE"), 1)],
        ["SMART_FACTORY", "TECHNOLOGY", "MANPOWER"],
        grant(5000 * MAN, 50, description="공정 자동화·설비 개선 비용의 50%, 최대 5,000만원"),
        source="gbsa", source_id="GJ-2026-031", bonus_cap=5,
        announced_on="2026-10-26", subcategory="스마트공장"))
    out.append(program(
        "ysa-2027", "2027년 청년창업사관학교 입교생 모집", "중소벤처기업부", "STARTUP",
        fixed("2026-11-20", "2026-12-10"),
        [require("youth", "대표자 만 39세 이하", "공고일 기준 만 39세 이하인 자",
                 rng("CEO_AGE_YEARS", hi=39)),
         require("early", "예비창업자 또는 업력 3년 이내",
                 "예비창업자 또는 공고일 기준 창업 3년 이내 기업의 대표자",
                 any_of(flag("PROSPECTIVE_FOUNDER"),
                        rng("BUSINESS_AGE_MONTHS", hi=36))),
         exclude("alumni", "청년창업사관학교·Start-up NEST 기 참여자 제외",
                 "청년창업사관학교 또는 Start-up NEST에 참여한 이력이 있는 자는 제외",
                 participated("ysa", "startup-nest")),
         NO_TAX_ARREARS],
        ["STARTUP", "COMMERCIALIZATION", "TRAINING"],
        grant(1 * EOK, 70, description="사업화 자금 최대 1억원(총사업비의 70% 이내)"),
        source="k-startup", source_id="KS-2026-1120", announced_on="2026-11-20",
        reference="ANNOUNCEMENT", operator="중소벤처기업진흥공단"))
    out.append(program(
        "startup-leap-2027", "2027년 창업도약패키지 (일반형)", "중소벤처기업부", "STARTUP",
        fixed("2027-01-20", "2027-02-24"),
        [require("age", "업력 3년 초과 7년 이내", "공고 마감일 기준 창업 후 3년 초과 7년 이내 기업",
                 rng("BUSINESS_AGE_MONTHS", lo=36, hi=84, lo_excl=True)),
         NO_TAX_ARREARS, NO_BAN,
         bonus("women", "여성기업 가점", "여성기업 확인서 보유 시 가점 1점",
               certs("ANY_OF", "WOMEN_OWNED"), 1),
         bonus("disabled", "장애인기업 가점", "장애인기업 확인서 보유 시 가점 1점",
               certs("ANY_OF", "DISABLED_OWNED"), 1)],
        ["STARTUP", "COMMERCIALIZATION", "FUNDING"], grant(3 * EOK, 70),
        source="k-startup", source_id="KS-2027-0105", announced_on="2027-01-05",
        reference="DEADLINE", operator="창업진흥원"))
    out.append(program(
        "pre-startup-2027", "2027년 예비창업패키지", "중소벤처기업부", "STARTUP",
        fixed("2027-02-03", "2027-03-04"),
        [require("prospective", "예비창업자", "신청일 현재 사업자등록(개인·법인)이 없는 자",
                 flag("PROSPECTIVE_FOUNDER"))],
        ["STARTUP"], grant(1 * EOK), source="k-startup",
        source_id="KS-2027-0201", operator="창업진흥원"))
    out.append(program(
        "kstartup-chungcheong-2026", "충청권 초기창업기업 스케일업 지원", "충청권 창조경제혁신센터",
        "STARTUP", fixed("2026-11-10", "2026-12-08"),
        [require("chungcheong", "충청권(대전·세종·충북·충남) 소재",
                 "공고일 기준 대전·세종·충북·충남에 본사 소재",
                 hq_in("30", "36", "43", "44")),
         require("age", "창업 후 2년 3개월 미만", "창업 후 2년 3개월 미만 기업 (개업일 기준)",
                 rng("BUSINESS_AGE_MONTHS", hi=27, hi_excl=True)),
         exclude("tips", "TIPS R&D 협약 이력 기업 제외", "TIPS 창업기업 R&D 협약 이력이 있는 기업 제외",
                 participated("tips-rnd"))],
        ["STARTUP", "COMMERCIALIZATION"], grant(5000 * MAN), source="k-startup",
        source_id="KS-2026-1009"))
    for pid, title, lo, hi, amount in [
            ("export-voucher-growth-2027", "2027년 수출바우처 (내수·초보기업)", None, 1_000_000, 3000 * MAN),
            ("export-voucher-global-2027", "2027년 수출바우처 (수출성장·글로벌 강소)", 1_000_000, None, 1 * EOK)]:
        tier = rng("EXPORTS_PREV_YEAR_USD", lo=lo, hi=hi, hi_excl=hi is not None)
        out.append(program(
            pid, title, "중소벤처기업부", "EXPORT", fixed("2026-12-01", "2027-01-16"),
            [require("size", "중소·중견기업", "중소기업 및 중견기업",
                     size_in("SME", "MIDSIZE")),
             require("tier", "전년도 수출실적 구간",
                     "전년도 직수출 실적 100만 달러 미만(내수·초보) / 이상(성장·글로벌)", tier),
             require("plan", "수출 계획 보유", "해외 진출 계획이 없는 기업은 제외 (예시)",
                     pred("QUESTION", "IS_TRUE", question="export-plan")),
             NO_TAX_ARREARS, NO_BAN],
            ["EXPORT", "MARKETING"], grant(amount, 70, "VOUCHER"),
            operator="KOTRA", source_id="EV-" + pid,
            questions=[{"id": "export-plan",
                        "text": "향후 1년 안에 해외 진출(수출) 계획이 있습니까?",
                        "type": "QUESTION_TYPE_YES_NO"}]))
    excluded_industries = ["5621", "9124", "91291", "68"]
    out.append(program(
        "sbiz-policy-fund-2026", "2026년 소상공인 정책자금 (일반경영안정자금)",
        "소상공인시장진흥공단", "FINANCE", until_budget("2026-01-02"),
        [require("micro", "소상공인", "「소상공인기본법」 상 소상공인",
                 size_in("MICRO")),
         exclude("industries", "정책자금 제외업종", "유흥주점업, 사행시설, 무도장, 부동산업 등 제외업종",
                 industry_in(*excluded_industries)),
         NO_TAX_ARREARS, NO_DEFAULT, NO_CLOSURE],
        ["FUNDING"], grant(7000 * MAN, kind="LOAN", description="업체당 최대 7,000만원, 5년(2년 거치)"),
        source="bizinfo", source_id="PBLN_000000000121282"))
    out.append(program(
        "foreign-worker-consulting-2026", "경기도 외국인 고용 컨설팅 (예시)", "경기도", "MANPOWER",
        fixed("2026-10-01", "2026-12-31"),
        [GYEONGGI, MANUFACTURER,
         require("under300", "상시근로자 300인 미만", "상시근로자 300인 미만 제조기업",
                 rng("REGULAR_EMPLOYEES", hi=300, hi_excl=True)),
         require("need", "외국인 고용 애로", "외국인 근로자 채용·관리 애로가 있는 기업",
                 needs("FOREIGN_WORKERS"))],
        ["FOREIGN_WORKERS", "MANPOWER"], grant(kind="CONSULTING"), source="gbsa"))
    out.append(program(
        "tech-rnd-2027", "2027년 중소기업 기술혁신개발사업 (예시)", "중소벤처기업부", "TECHNOLOGY",
        fixed("2027-02-10", "2027-03-12"),
        [SME,
         require("lab", "기업부설연구소 또는 연구개발전담부서 보유",
                 "신청일 현재 기업부설연구소 또는 연구개발전담부서를 보유한 기업",
                 certs("ANY_OF", "RESEARCH_INSTITUTE", "RND_DEPARTMENT")),
         NO_BAN, NO_TAX_ARREARS,
         bonus("innobiz", "이노비즈 가점", "이노비즈 인증 기업 가점 2점", certs("ANY_OF", "INNOBIZ"), 2),
         bonus("venture", "벤처 가점", "벤처기업 확인 기업 가점 1점", certs("ANY_OF", "VENTURE"), 1)],
        ["TECHNOLOGY"], grant(5 * EOK, 75), operator="중소기업기술정보진흥원"))
    out.append(program(
        "women-market-2026", "여성기업 전용 판로지원사업", "여성기업종합지원센터", "DOMESTIC",
        fixed("2026-11-09", "2026-12-04"),
        [require("women", "여성기업 확인서 보유", "신청일 현재 유효한 여성기업 확인서를 보유한 기업",
                 certs("ANY_OF", "WOMEN_OWNED"))],
        ["MARKETING"], grant(3000 * MAN)))
    out.append(program(
        "social-economy-2026", "사회적경제기업 성장지원", "경기도사회적경제원", "MANAGEMENT",
        fixed("2026-11-01", "2026-12-15"),
        [require("social", "사회적기업(인증·예비) 또는 협동조합",
                 "(예비)사회적기업 또는 협동조합",
                 certs("ANY_OF", "SOCIAL_ENTERPRISE", "PRE_SOCIAL_ENTERPRISE", "COOPERATIVE")),
         GYEONGGI],
        ["COMMERCIALIZATION", "TRAINING"], grant(2000 * MAN)))
    out.append(program(
        "relocation-2026", "지방 이전 기업 지원 (예시)", "산업통상자원부", "MANAGEMENT",
        rolling(),
        [exclude("capital", "수도권(서울·인천·경기) 소재 기업 제외", "비수도권 소재 기업에 한함",
                 pred("HEAD_OFFICE_REGION", "IN", region_groups=["수도권"]))],
        ["FACILITY", "FUNDING"], grant(10 * EOK)))
    out.append(program(
        "gbsa-star-2026", "경기도 스타기업 육성사업", "경기도경제과학진흥원", "MANAGEMENT",
        fixed("2026-11-23", "2026-12-21"),
        [GYEONGGI, SME,
         require("growth", "최근 2년 매출 증가율 20% 이상 (예시)",
                 "최근 2개년 매출액 증가율 20% 이상 기업 (예시)",
                 rng("REVENUE_GROWTH_PERCENT", lo=20)),
         require("revenue", "최근 연매출 20억원 이상 (예시)", "직전년도 매출액 20억원 이상 (예시)",
                 rng("REVENUE_LATEST_WON", lo=20 * EOK)),
         NO_TAX_ARREARS, NO_BAN],
        ["COMMERCIALIZATION", "MARKETING", "TECHNOLOGY"],
        grant(1 * EOK, 70, description="사업비의 70% 이내, 최대 1억원"), source="gbsa"))
    # Regional and thematic programs across Gyeonggi and beyond.
    out.append(program(
        "gyeonggi-smart-factory-2026", "경기도 스마트공장 구축 지원", "경기도", "TECHNOLOGY",
        until_budget("2026-03-02"),
        [GYEONGGI, MANUFACTURER, SME, NO_TAX_ARREARS],
        ["SMART_FACTORY", "TECHNOLOGY"], grant(1 * EOK, 50), source="gbsa"))
    out.append(program(
        "gyeonggi-gms-2026", "경기도 온라인 수출 플랫폼(GMS) 입점 지원", "경기도경제과학진흥원", "EXPORT",
        rolling(), [GYEONGGI, SME, require("export", "수출 관심", "수출을 희망하는 도내 중소기업",
                                          needs("EXPORT"))],
        ["EXPORT", "MARKETING"], grant(500 * MAN, kind="VOUCHER"), source="gbsa"))
    out.append(program(
        "gyeonggi-youth-hiring-2026", "경기도 청년 일자리 매칭 지원", "경기도일자리재단", "MANPOWER",
        fixed("2026-09-01", "2026-12-23"),
        [GYEONGGI, SME,
         require("staff", "상시근로자 5인 이상", "상시근로자 5인 이상 중소기업",
                 rng("REGULAR_EMPLOYEES", lo=5))],
        ["MANPOWER"], grant(1200 * MAN)))
    out.append(program(
        "gyeonggi-facility-fund-2026", "경기도 중소기업육성자금 (시설자금)", "경기도", "FINANCE",
        until_budget("2026-01-02"),
        [GYEONGGI, SME, NO_TAX_ARREARS, NO_DEFAULT, NO_CLOSURE],
        ["FUNDING", "FACILITY"], grant(30 * EOK, kind="LOAN"), source="gbsa"))
    out.append(program(
        "gyeonggi-working-capital-2026", "경기도 중소기업육성자금 (운전자금)", "경기도", "FINANCE",
        until_budget("2026-01-02"),
        [GYEONGGI, SME,
         require("age", "업력 1년 이상", "사업 개시 후 1년 이상 경과 기업",
                 rng("BUSINESS_AGE_MONTHS", lo=12)),
         NO_TAX_ARREARS, NO_DEFAULT, NO_CLOSURE],
        ["FUNDING"], grant(5 * EOK, kind="LOAN"), source="gbsa"))
    out.append(program(
        "kibo-tech-guarantee-2026", "기술보증기금 벤처·이노비즈 우대보증", "기술보증기금", "FINANCE",
        rolling(),
        [require("cert", "벤처기업 또는 이노비즈", "벤처기업 또는 기술혁신형 중소기업(이노비즈)",
                 certs("ANY_OF", "VENTURE", "INNOBIZ")),
         SME, NO_DEFAULT],
        ["FUNDING", "TECHNOLOGY"], grant(30 * EOK, kind="GUARANTEE")))
    out.append(program(
        "disabled-owned-2026", "장애인기업 경영지원", "장애인기업종합지원센터", "MANAGEMENT",
        fixed("2026-11-02", "2026-12-30"),
        [require("disabled", "장애인기업 또는 장애인 대표자",
                 "장애인기업 확인서 보유 기업 또는 장애인인 대표자",
                 any_of(certs("ANY_OF", "DISABLED_OWNED"),
                        pred("CEO_DISABLED", "IS_TRUE", quantifier="QUANTIFIER_ANY")))],
        ["TRAINING", "FUNDING"], grant(2000 * MAN)))
    out.append(program(
        "hanam-startup-2026", "하남시 창업기업 성장지원", "경기도 하남시", "STARTUP",
        fixed("2026-11-16", "2026-12-14"),
        [require("hanam", "하남시 소재", "하남시에 본사를 둔 기업 또는 예비창업자", hq_in("41450")),
         require("early", "예비창업자 또는 업력 5년 이내", "예비창업자 또는 창업 5년 이내",
                 any_of(flag("PROSPECTIVE_FOUNDER"), rng("BUSINESS_AGE_MONTHS", hi=60)))],
        ["STARTUP", "COMMERCIALIZATION"], grant(3000 * MAN)))
    out.append(program(
        "icheon-manufacturing-2026", "이천시 제조업 경쟁력 강화", "경기도 이천시", "TECHNOLOGY",
        fixed("2026-11-02", "2026-12-11"),
        [require("icheon", "이천시 소재", "이천시 소재 제조업체", hq_in("41500")),
         MANUFACTURER, SME],
        ["TECHNOLOGY", "SMART_FACTORY"], grant(3000 * MAN, 50)))
    out.append(program(
        "yeoju-food-2026", "여주시 농식품 가공기업 지원", "경기도 여주시", "DOMESTIC",
        fixed("2026-11-09", "2026-12-18"),
        [require("yeoju", "여주시 소재", "여주시 소재 기업", hq_in("41670")),
         require("food", "식료품·음료 제조업", "식료품(C10) 또는 음료(C11) 제조업",
                 industry_in("10", "11"))],
        ["MARKETING", "COMMERCIALIZATION"], grant(2000 * MAN)))
    out.append(program(
        "yangpyeong-tourism-2026", "양평군 관광·외식업 소상공인 지원", "경기도 양평군", "DOMESTIC",
        fixed("2026-11-02", "2026-12-04"),
        [require("yangpyeong", "양평군 소재", "양평군 소재 사업장", hq_in("41830")),
         require("food", "숙박·음식점업", "숙박 및 음식점업(I)", industry_in("I")),
         exclude("bars", "주점업 제외", "주점업(5621) 제외", industry_in("5621")),
         require("micro", "소상공인", "소상공인", size_in("MICRO"))],
        ["MARKETING", "FUNDING"], grant(500 * MAN)))
    out.append(program(
        "suwon-rnd-2026", "수원시 기업 R&D 지원", "경기도 수원시", "TECHNOLOGY",
        fixed("2026-11-16", "2026-12-16"),
        [require("suwon", "수원시 소재 (4개 구 포함)", "수원시(장안·권선·팔달·영통구) 소재 기업",
                 hq_in("41110")), SME,
         require("lab", "연구조직 보유", "기업부설연구소 또는 연구개발전담부서 보유",
                 certs("ANY_OF", "RESEARCH_INSTITUTE", "RND_DEPARTMENT"))],
        ["TECHNOLOGY"], grant(1 * EOK, 70)))
    out.append(program(
        "gangwon-manufacturing-2026", "강원 제조기업 혁신 바우처", "강원특별자치도", "TECHNOLOGY",
        fixed("2026-11-02", "2026-12-18"),
        [require("gangwon", "강원 소재", "강원도 소재 기업 (규칙은 옛 코드 42로 작성)",
                 hq_in("42")), MANUFACTURER, SME],
        ["TECHNOLOGY", "SMART_FACTORY"], grant(5000 * MAN, kind="VOUCHER")))
    out.append(program(
        "jeonbuk-startup-2026", "전북 청년창업 지원", "전북특별자치도", "STARTUP",
        fixed("2026-11-02", "2026-12-18"),
        [require("jeonbuk", "전북 소재", "전북 소재 (옛 코드 45로 작성)", hq_in("45")),
         require("youth", "청년 대표자", "만 39세 이하 대표자", flag("YOUTH_CEO")),
         require("age", "업력 3년 이내", "창업 3년 이내", rng("BUSINESS_AGE_MONTHS", hi=36))],
        ["STARTUP"], grant(3000 * MAN)))
    out.append(program(
        "busan-export-2026", "부산 중소기업 해외마케팅 지원", "부산광역시", "EXPORT",
        fixed("2026-11-02", "2026-12-18"),
        [require("busan", "부산 소재", "부산 소재 중소기업", hq_in("26")), SME],
        ["EXPORT", "MARKETING"], grant(2000 * MAN)))
    out.append(program(
        "seoul-startup-2026", "서울 창업허브 입주기업 모집", "서울경제진흥원", "STARTUP",
        fixed("2026-11-16", "2026-12-11"),
        [require("seoul", "서울 소재", "서울 소재 기업", hq_in("11")),
         require("age", "업력 7년 이내", "창업 7년 이내", rng("BUSINESS_AGE_MONTHS", hi=84))],
        ["STARTUP", "FACILITY"], grant(kind="SPACE")))
    out.append(program(
        "iso-cert-2026", "소기업 국제인증 획득 지원", "경기도경제과학진흥원", "MANAGEMENT",
        fixed("2026-11-02", "2026-12-18"),
        [GYEONGGI, require("small", "소기업", "소기업", size_in("SMALL")),
         require("no-iso", "ISO 9001 미보유", "ISO 9001을 보유하지 않은 기업",
                 certs("NONE_OF", "ISO9001"))],
        ["TRAINING", "MARKETING"], grant(1000 * MAN, 70), source="gbsa"))
    out.append(program(
        "ip-narae-2026", "IP 나래 프로그램", "한국지식재산보호원", "TECHNOLOGY",
        fixed("2026-11-02", "2026-12-18"),
        [SME, require("age", "업력 7년 이내", "창업 7년 이내 중소기업",
                      rng("BUSINESS_AGE_MONTHS", hi=84))],
        ["TECHNOLOGY"], grant(2000 * MAN, kind="CONSULTING")))
    out.append(program(
        "tech-doctor-2026", "경기도 기술닥터 사업", "경기도경제과학진흥원", "TECHNOLOGY",
        rolling(), [GYEONGGI, MANUFACTURER, SME],
        ["TECHNOLOGY"], grant(kind="CONSULTING"), source="gbsa"))
    out.append(program(
        "sme-training-2026", "중소기업 재직자 직무역량 교육", "중소벤처기업부", "MANPOWER",
        rolling(), [SME], ["TRAINING", "MANPOWER"], grant(kind="TRAINING")))
    out.append(program(
        "one-person-2026", "1인 창조기업 마케팅 지원", "중소벤처기업부", "DOMESTIC",
        fixed("2026-11-02", "2026-12-18"),
        [require("one", "1인 창조기업", "1인 창조기업 확인", certs("ANY_OF", "ONE_PERSON_CREATIVE"))],
        ["MARKETING"], grant(1000 * MAN)))
    out.append(program(
        "youth-ceo-gyeonggi-2026", "경기 청년 CEO 성장 지원", "경기도", "STARTUP",
        fixed("2026-11-02", "2026-12-18"),
        [GYEONGGI, require("youth", "청년 대표자(만 39세 이하)", "대표자가 만 39세 이하",
                           flag("YOUTH_CEO")),
         require("age", "업력 7년 이내", "창업 7년 이내", rng("BUSINESS_AGE_MONTHS", hi=84))],
        ["STARTUP", "COMMERCIALIZATION"], grant(3000 * MAN)))
    out.append(program(
        "women-ceo-startup-2026", "여성 창업자 도약 지원", "중소벤처기업부", "STARTUP",
        fixed("2026-11-02", "2026-12-18"),
        [require("woman", "여성 대표자", "대표자가 여성인 기업 (공동대표는 1인 이상)",
                 pred("CEO_FEMALE", "IS_TRUE", quantifier="QUANTIFIER_ANY")),
         require("age", "업력 7년 이내", "창업 7년 이내", rng("BUSINESS_AGE_MONTHS", hi=84))],
        ["STARTUP"], grant(5000 * MAN)))
    out.append(program(
        "midsize-leap-2026", "중견기업 도약 지원 (예시)", "산업통상자원부", "MANAGEMENT",
        fixed("2026-11-02", "2026-12-18"),
        [require("midsize", "중견기업", "중견기업", size_in("MIDSIZE"))],
        ["TECHNOLOGY", "EXPORT"], grant(5 * EOK)))
    out.append(program(
        "gbsa-market-h1-2026", "2026년 상반기 판로개척 지원 (마감)", "경기도경제과학진흥원", "DOMESTIC",
        fixed("2026-03-02", "2026-04-10"), [GYEONGGI, SME],
        ["MARKETING"], grant(1000 * MAN), source="gbsa"))
    out.append(program(
        "gbsa-global-2027", "2027년 글로벌 강소기업 육성 (추후 공지)", "경기도경제과학진흥원", "EXPORT",
        {"kind": "WINDOW_KIND_TO_BE_ANNOUNCED", "note": "추후 공지"},
        [GYEONGGI, SME], ["EXPORT"], grant(2 * EOK), source="gbsa"))
    out.append(program(
        "legacy-voucher-2025", "2025년 혁신바우처 (시행종료)", "중소벤처기업부", "TECHNOLOGY",
        rolling(), [SME], ["TECHNOLOGY"], grant(5000 * MAN, kind="VOUCHER"),
        effective_from="2025-01-01", effective_to="2025-12-31"))
    out.append(program(
        "research-lab-2026", "기업부설연구소 설립 지원", "한국산업기술진흥협회", "TECHNOLOGY",
        fixed("2026-11-02", "2026-12-18"),
        [SME, require("no-lab", "연구조직 미보유", "기업부설연구소·연구개발전담부서 미보유 기업",
                      certs("NONE_OF", "RESEARCH_INSTITUTE", "RND_DEPARTMENT")),
         require("patents", "특허 1건 이상", "등록 특허 1건 이상 보유", rng("PATENTS", lo=1))],
        ["TECHNOLOGY"], grant(kind="CONSULTING")))
    out.append(program(
        "incheon-youth-employment-2026",
        "[인천] 2026년 2차 청년 고용안심 지원사업 참여기업 모집", "인천광역시",
        "MANPOWER", fixed("2026-11-16", "2026-12-24"),
        [require("incheon", "인천 소재", "상시근로자 수 20인 이상 인천 소재 중소ㆍ중견기업",
                 hq_in("28")),
         require("sme-or-midsize", "중소·중견기업",
                 "상시근로자 수 20인 이상 인천 소재 중소ㆍ중견기업",
                 size_in("SME", "MIDSIZE")),
         require("insured-20", "고용보험 피보험자 20인 이상",
                 "신청일 기준 고용보험 사업장 자격취득자 명부 근로자 수(대표자 제외)",
                 rng("INSURED_EMPLOYEES", lo=20))],
        ["MANPOWER"], grant(1200 * MAN, description="청년 신규 채용 인건비 지원"),
        source="bizinfo", source_id="PBLN_000000000120951"))
    out.append(program(
        "kcamp-jeju-5-2026", "2026 K-CAMP 제주 5기 액셀러레이팅 프로그램",
        "와이앤아처 주식회사", "STARTUP", fixed("2026-04-06", "2026-04-28"),
        [require("jeju", "제주 소재", "제주 소재 업력 6년 미만 혁신 창업(법인)",
                 hq_in("50")),
         require("age-6y", "업력 6년 미만", "제주 소재 업력 6년 미만 혁신 창업(법인)",
                 rng("BUSINESS_AGE_MONTHS", hi=72, hi_excl=True)),
         require("corporation", "법인사업자", "법인사업자만 신청 가능",
                 pred("LEGAL_FORM", "IN", legal_forms=[
                     "LEGAL_FORM_FOR_PROFIT_CORPORATION",
                     "LEGAL_FORM_COOPERATIVE",
                     "LEGAL_FORM_SOCIAL_COOPERATIVE",
                     "LEGAL_FORM_NONPROFIT_CORPORATION"]))],
        ["STARTUP", "FUNDING"], grant(description="투자유치·크라우드펀딩 연계, IR 역량 강화",
                                      kind="CONSULTING"),
        source="k-startup", source_id="K-CAMP-JEJU-5"))
    return out


# -------------------------------------------------------------- companies

def read_csv(name):
    with open(os.path.join(REFERENCE, name), encoding="utf-8") as f:
        return list(csv.DictReader(f))


def business_number(r):
    digits = [r.randrange(10) for _ in range(9)]
    weights = [1, 3, 7, 1, 3, 7, 1, 3, 5]
    total = sum(d * w for d, w in zip(digits, weights)) + (digits[8] * 5) // 10
    check = (10 - total % 10) % 10
    s = "".join(map(str, digits + [check]))
    return f"{s[:3]}-{s[3:5]}-{s[5:]}"


NAMES_A = ["한빛", "대성", "미래", "세진", "동양", "새론", "가온", "누리", "다온", "해솔",
           "청운", "정우", "신화", "태양", "푸른", "우진", "한결", "라온", "보람", "이룸"]
NAMES_B = ["정밀", "테크", "산업", "푸드", "바이오", "소재", "시스템", "전자", "물산", "랩스",
           "디자인", "에너지", "기계", "화학", "솔루션"]
CERT_KINDS = ["VENTURE", "INNOBIZ", "MAINBIZ", "WOMEN_OWNED", "RESEARCH_INSTITUTE",
              "RND_DEPARTMENT", "ISO9001", "ISO14001", "SOCIAL_ENTERPRISE",
              "PRE_SOCIAL_ENTERPRISE", "DISABLED_OWNED", "ONE_PERSON_CREATIVE", "COOPERATIVE"]
NEED_KINDS = ["MANPOWER", "FOREIGN_WORKERS", "TECHNOLOGY", "COMMERCIALIZATION", "EXPORT",
              "FUNDING", "SMART_FACTORY", "MARKETING", "STARTUP", "TRAINING", "FACILITY"]


SITE_POOL = ["41610", "41500", "41450", "41590", "41280", "28260", "44200"]


def iso(y, m, d):
    return f"{y:04d}-{m:02d}-{d:02d}"


def company(r, index, region, industry):
    c = {"id": f"C{index:04d}",
         "name": f"(주){r.choice(NAMES_A)}{r.choice(NAMES_B)}",
         "business_number": business_number(r),
         "head_office_region": region,
         "primary_industry": industry}
    if r.random() < 0.8:
        extra = [r.choice(SITE_POOL)] if r.random() < 0.15 else []
        c["site_regions"] = {"codes": extra}
    prospective = r.random() < 0.06
    if prospective:
        c["prospective_founder"] = True
        del c["business_number"]
    elif r.random() < 0.95:
        y, m, d = r.randint(1995, 2026), r.randint(1, 12), r.randint(1, 28)
        # A registered company's 개업일 is not in the future.
        c["founded_on"] = iso(y - 1 if (y, m) >= (2026, 11) else y, m, d)
    if r.random() < 0.9:
        ceo = {"name": "대표", "birth_date": iso(r.randint(1958, 2001), r.randint(1, 12),
                                                  r.randint(1, 28)),
               "gender": r.choice(["GENDER_MALE", "GENDER_MALE", "GENDER_FEMALE"])}
        if r.random() < 0.7:
            ceo["disabled"] = r.random() < 0.05
        c["ceos"] = [ceo]
        if r.random() < 0.08:
            c["ceos"].append({"name": "공동대표", "birth_date": iso(r.randint(1965, 2000), 6, 15),
                              "gender": "GENDER_FEMALE"})
    scale = r.choice([1, 3, 10, 40, 120, 400, 1500]) * EOK // 10
    if not prospective and r.random() < 0.85:
        revenue = r.randint(scale // 2, scale * 2)
        years = []
        for y in (2023, 2024, 2025):
            fy = {"year": y, "revenue_won": str(revenue)}
            if r.random() < 0.3:
                fy["exports_usd"] = str(r.choice([0, 50_000, 400_000, 1_500_000, 5_000_000]))
            if r.random() < 0.3:
                fy["rnd_spend_won"] = str(revenue // r.randint(10, 50))
            years.append(fy)
            revenue = int(revenue * r.uniform(0.85, 1.4))
        c["fiscal_years"] = years
        if r.random() < 0.8:
            c["total_assets_won"] = str(int(scale * r.uniform(0.5, 2.0)))
        employees = max(1, int(scale / EOK * r.uniform(0.3, 1.2)))
        c["regular_employees"] = employees
        c["employees_counted_on"] = "2026-10-31"
        if r.random() < 0.7:
            c["regular_employees_last_year"] = max(0, employees + r.randint(-3, 3))
        if r.random() < 0.85:
            c["independent"] = r.random() < 0.95
    if r.random() < 0.85:
        items = []
        for kind in r.sample(CERT_KINDS, r.choice([0, 0, 1, 1, 2, 3])):
            start = r.randint(2018, 2025)
            item = {"kind": "CERTIFICATION_KIND_" + kind, "valid_from": iso(start, 3, 1)}
            item["valid_to"] = iso(start + r.choice([2, 3, 3, 5]), 2, 28)
            items.append(item)
        c["certifications"] = {"items": items}
    if r.random() < 0.5:
        c["patents"] = r.choice([0, 0, 1, 2, 5, 12])
    for name in ("tax_arrears", "loan_default", "suspended_or_closed", "participation_banned"):
        if r.random() < 0.75:
            c[name] = {"value": r.random() < 0.04, "as_of": "2026-11-01"}
    if r.random() < 0.8:
        history = []
        for _ in range(r.choice([0, 0, 0, 1, 2])):
            pid = r.choice(["gbsa-dev-prod-2025", "gbsa-dev-prod-2026", "ysa-2023",
                            "startup-nest-2024", "tips-rnd-2025", "export-voucher-2025"])
            year = int(pid[-4:])
            history.append({"program_id": pid, "year": year,
                            "amount_won": str(r.choice([500, 1000, 1500]) * MAN)})
        c["participations"] = {"items": history}
    if r.random() < 0.9:
        c["needs"] = {"items": ["NEED_" + n for n in r.sample(NEED_KINDS, r.randint(1, 3))]}
    return c


def showcase_company():
    """The demo's first company: a metal-parts manufacturer in 경기도 광주시."""
    return {
        "id": "C0001", "name": "(주)한빛정밀", "business_number": "123-45-67891",
        "head_office_region": "41610", "site_regions": {"codes": ["41610"]},
        "primary_industry": "25929", "founded_on": "2016-05-16",
        "ceos": [{"name": "김한빛", "birth_date": "1979-08-21", "gender": "GENDER_FEMALE",
                  "disabled": False}],
        "fiscal_years": [
            {"year": 2023, "revenue_won": str(78 * EOK), "exports_usd": "320000"},
            {"year": 2024, "revenue_won": str(96 * EOK), "exports_usd": "450000"},
            {"year": 2025, "revenue_won": str(126 * EOK), "exports_usd": "610000"}],
        "total_assets_won": str(64 * EOK), "regular_employees": 38,
        "employees_counted_on": "2026-10-31", "regular_employees_last_year": 33,
        "independent": True,
        "certifications": {"items": [
            {"kind": "CERTIFICATION_KIND_WOMEN_OWNED", "valid_from": "2024-03-02",
             "valid_to": "2027-03-01"},
            {"kind": "CERTIFICATION_KIND_INNOBIZ", "valid_from": "2022-07-01",
             "valid_to": "2025-06-30"}]},
        "patents": 3,
        "tax_arrears": {"value": False, "as_of": "2026-11-01"},
        "loan_default": {"value": False, "as_of": "2026-11-01"},
        "suspended_or_closed": {"value": False, "as_of": "2026-11-01"},
        "participations": {"items": [
            {"program_id": "gbsa-dev-prod-2025", "year": 2025, "amount_won": str(1500 * MAN)}]},
        "needs": {"items": ["NEED_SMART_FACTORY", "NEED_FOREIGN_WORKERS", "NEED_MANPOWER",
                            "NEED_EXPORT"]},
    }


def fix_check_digit(number):
    digits = [int(ch) for ch in number.replace("-", "")[:9]]
    weights = [1, 3, 7, 1, 3, 7, 1, 3, 5]
    total = sum(d * w for d, w in zip(digits, weights)) + (digits[8] * 5) // 10
    s = "".join(map(str, digits + [(10 - total % 10) % 10]))
    return f"{s[:3]}-{s[3:5]}-{s[5:]}"


def companies():
    r = random.Random(SEED)
    regions = read_csv("regions.csv")
    gyeonggi = [row["code"] for row in regions
                if row["code"].startswith("41") and row["level"] == "sigungu"
                and row["status"] == "active" and row["name"].count(" ") == 1]
    assert len(gyeonggi) == 31, len(gyeonggi)
    others = [row["code"] for row in regions
              if row["level"] == "sigungu" and row["status"] == "active"
              and not row["code"].startswith("41")]
    ksic = read_csv("ksic11.csv")
    manufacturing = [row["code"] for row in ksic
                     if row["level"] == "subclass" and row["section"] == "C"]
    other_industries = [row["code"] for row in ksic
                        if row["level"] == "subclass" and row["section"] in "FGHIJMN"]
    first = showcase_company()
    first["business_number"] = fix_check_digit(first["business_number"])
    out = [first]
    index = 2
    # Every Gyeonggi 시군 gets companies; the east gets a few more.
    for code in gyeonggi:
        for _ in range(6 + (3 if code in EAST else 0)):
            industry = r.choice(manufacturing) if r.random() < 0.6 else r.choice(other_industries)
            out.append(company(r, index, code, industry))
            index += 1
    while index <= 320:
        industry = r.choice(manufacturing) if r.random() < 0.5 else r.choice(other_industries)
        out.append(company(r, index, r.choice(others), industry))
        index += 1
    # A few profiles known only coarsely, to show UNDETERMINED outcomes.
    out[5]["head_office_region"] = "41"
    out[6]["primary_industry"] = "C"
    return out


def write(name, records):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    p = programs()
    c = companies()
    write("programs.jsonl", p)
    write("companies.jsonl", c)
    print(f"{len(p)} programs, {len(c)} companies")
