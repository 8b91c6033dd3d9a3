"""Demo registry for `make run`: providers, resources and development work of a Gwangjin-gu
style community. Every name, person and phone number is invented (the 0000 exchanges do not
exist); no real organisation's data.

Idempotent: looked up by name, so running it again changes nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from casemgmt.core.models import Dong, Gu, User
from casemgmt.core.reference import ensure_gwangjin

from . import services
from .models import Provider, Referral, Resource, ResourceDevelopment, consent_missing

# name, sector, kind, contact person, phone, address, service area (dong names; empty: whole gu),
# takes part in case conferences, registering dong (None: the gu office)
DEMO_PROVIDERS = [
    ("능동 주민센터 맞춤형복지팀", "public", "dong_centre", "김하늘", "02-0000-1101", "서울 광진구 능동로 110", ["능동"], True, "능동"),
    ("구의제1동 주민센터 맞춤형복지팀", "public", "dong_centre", "최민준", "02-0000-1201", "서울 광진구 구의로 40", ["구의제1동"], True, "구의제1동"),
    ("구청 통합사례관리팀", "public", "gu_department", "강예린", "02-0000-2001", "서울 광진구 자양로 100", [], True, None),
    ("구청 일자리지원과", "public", "gu_department", "한지원", "02-0000-2101", "서울 광진구 자양로 100", [], False, None),
    ("구 보건소 방문건강관리실", "public", "health_centre", "오건강", "02-0000-2201", "서울 광진구 자양로 117", [], True, None),
    ("마음이음 정신건강상담센터", "public", "public_agency", "서마음", "02-0000-2301", "서울 광진구 광나루로 300", [], True, None),
    ("아차산햇살종합사회복지관", "private", "welfare_centre", "윤햇살", "02-0000-3001", "서울 광진구 능동로 250", ["능동", "구의제1동", "구의제2동", "광장동", "군자동"], True, None),
    ("나루터종합사회복지관", "private", "welfare_centre", "장나루", "02-0000-3101", "서울 광진구 뚝섬로 500", ["자양제1동", "자양제2동", "자양제3동", "자양제4동", "화양동"], True, None),
    ("새싹꿈 지역아동센터", "private", "children_centre", "이새싹", "02-0000-3201", "서울 광진구 능동로 95, 2층", ["능동"], False, "능동"),
    ("구의별빛 지역아동센터", "private", "children_centre", "박별빛", "02-0000-3301", "서울 광진구 구의로 70, 3층", ["구의제1동", "구의제2동"], False, "구의제1동"),
    ("한울지역자활센터", "private", "self_sufficiency", "정한울", "02-0000-3401", "서울 광진구 광나루로 410", [], True, None),
    ("능동햇빛의원", "private", "hospital", "문의사", "02-0000-3501", "서울 광진구 능동로 140", ["능동", "군자동"], False, "능동"),
    ("구의사랑나눔교회", "private", "religious", "조목사", "02-0000-3601", "서울 광진구 구의로 22", ["구의제1동"], False, "구의제1동"),
    ("능동로 골목상인회", "private", "civic_group", "신상인", "010-0000-3701", "서울 광진구 능동로 120", ["능동"], False, "능동"),
    ("구의1동 이웃사랑봉사단", "private", "civic_group", "배봉사", "010-0000-3801", "서울 광진구 구의로 45", ["구의제1동"], False, "구의제1동"),
    ("나눔곳간 기부식품센터", "private", "other", "하나눔", "02-0000-3901", "서울 광진구 천호대로 600", [], True, None),
    ("행복한반찬가게", "private", "business", "남반찬", "010-0000-4001", "서울 광진구 능동로 131", ["능동"], False, "능동"),
    ("맑음 동네빨래방", "private", "business", "유맑음", "010-0000-4101", "서울 광진구 구의로 51", ["구의제1동", "구의제2동"], False, "구의제1동"),
]  # fmt: skip

# name, kind, subtype, need domain, provider, registering dong (None: gu office), shared gu-wide,
# capacity, unit, in use, cost, description, eligibility, availability (None, "year", "winter",
# "next_month")
DEMO_RESOURCES = [
    # human (인적 자원)
    ("이·미용 재능나눔", "human", "shop_owner", "daily_living", "능동로 골목상인회", "능동", True, 10, "persons", 4, "무료", "골목상인회 미용실 두 곳이 매달 둘째 주 월요일 오전에 거동이 불편한 어르신 댁을 찾아 머리를 손질해 드립니다.", "거동이 불편한 65세 이상 어르신", None),
    ("말벗 안부 자원봉사자", "human", "volunteer", "social", "구의1동 이웃사랑봉사단", "구의제1동", False, 12, "persons", 9, "무료", "주 1회 방문 또는 전화로 안부를 묻고 말벗이 되어 드립니다.", "홀로 사는 어르신, 고립 위험 1인 가구", None),
    ("집수리 기술 봉사단", "human", "association", "housing", "아차산햇살종합사회복지관", None, True, 8, "households", 8, "재료비 일부 본인 부담", "전기·설비 기술자 모임이 전등, 수전, 문짝 같은 간단한 수리를 해 드립니다.", "저소득 가구 중 자가 수리가 어려운 가구", "year"),
    ("회복의 길 자조모임", "human", "self_help_group", "health", "마음이음 정신건강상담센터", None, True, None, "", 0, "무료", "알코올 문제에서 회복 중인 주민이 격주 목요일 저녁에 모여 경험을 나눕니다.", "알코올 사용 문제로 회복을 원하는 성인", None),
    ("통·반장 안부 확인망", "human", "resident", "safety", None, "능동", False, None, "", 0, "무료", "능동 통장·반장이 담당 구역의 위기 의심 가구를 월 2회 살피고 동 주민센터에 알립니다.", "능동 거주 위기 의심 가구", None),
    ("대학생 학습 도우미", "human", "volunteer", "education", "구의별빛 지역아동센터", "구의제1동", True, 6, "persons", 2, "무료", "인근 대학 봉사 동아리가 초등학생 숙제와 기초 학습을 돕습니다.", "초등학생", "year"),
    ("어르신 나들이 동행 봉사", "human", "volunteer", "social", "아차산햇살종합사회복지관", None, True, 15, "persons", 5, "무료", "병원 방문, 장보기, 공원 산책에 봉사자가 동행합니다.", "보행이 불편한 어르신, 장애인", None),
    ("세무·노무 상담 재능기부", "human", "association", "rights", None, None, True, 4, "sessions_month", 1, "무료", "세무사·노무사 모임이 체불 임금, 세금 체납 문제를 상담합니다.", "구민 누구나(사전 예약)", None),
    # material (물적 자원)
    ("밑반찬 정기 배달", "material", "goods", "daily_living", "행복한반찬가게", "능동", False, 15, "households", 12, "무료", "매주 화요일 밑반찬 3종을 댁으로 배달합니다.", "능동 거주 결식 우려 1인 가구, 조손 가구", None),
    ("긴급 식품 꾸러미", "material", "goods", "economy", "나눔곳간 기부식품센터", None, True, 40, "households", 15, "무료", "쌀, 라면, 통조림 등 2주분 식품을 한 번 지원합니다.", "위기 상황으로 식생활이 어려운 가구", None),
    ("생필품 나눔 상자", "material", "goods", "daily_living", "나눔곳간 기부식품센터", None, True, 30, "items_month", 30, "무료", "세제, 휴지, 위생용품 묶음입니다.", "기초생활수급 및 차상위 가구", None),
    ("방문건강관리", "material", "social_service", "health", "구 보건소 방문건강관리실", None, True, None, "", 0, "무료", "간호사가 가정을 방문해 혈압·혈당을 재고 만성질환 관리와 복약을 돕습니다.", "만성질환이 있는 취약계층, 65세 이상 홀몸 어르신", None),
    ("치매 조기검진", "material", "service", "health", "구 보건소 방문건강관리실", None, True, None, "", 0, "무료", "인지선별검사 후 필요하면 정밀검진과 연계합니다.", "60세 이상 구민", None),
    ("긴급복지 생계지원", "material", "public_benefit", "economy", "구청 통합사례관리팀", None, True, None, "", 0, "무료", "갑작스러운 위기로 생계가 어려운 가구에 생계비를 지원합니다.", "소득·재산 기준 충족, 위기 사유 확인", None),
    ("주거환경 개선 사업", "material", "service", "housing", "아차산햇살종합사회복지관", None, True, 10, "households", 7, "무료", "도배, 장판, 단열, 곰팡이 제거를 지원합니다.", "저소득 가구 중 주거환경이 열악한 가구", "year"),
    ("겨울 난방비 후원", "material", "sponsorship", "economy", "구의사랑나눔교회", "구의제1동", False, 1500000, "won_month", 900000, "무료", "겨울철 난방비를 가구당 월 15만 원까지 지원합니다.", "구의제1동 거주 난방 취약 가구", "winter"),
    ("방과후 돌봄", "material", "social_service", "education", "새싹꿈 지역아동센터", "능동", True, 29, "persons", 29, "무료", "평일 방과후 학습 지도, 급식, 놀이 활동을 제공합니다.", "18세 미만 돌봄이 필요한 아동", None),
    ("자활근로 참여", "material", "service", "employment", "한울지역자활센터", None, True, 30, "places", 24, "급여 지급", "청소, 집수리, 카페 사업단에서 일하며 자립을 준비합니다.", "근로 능력이 있는 수급자·차상위", None),
    ("취업 상담과 일자리 연계", "material", "service", "employment", "구청 일자리지원과", None, True, None, "", 0, "무료", "직업 상담, 이력서 작성, 구인 기업 연계를 돕습니다.", "구민 구직자", None),
    ("무료 세탁 지원", "material", "service", "daily_living", "맑음 동네빨래방", "구의제1동", False, 20, "households", 6, "무료", "이불 등 큰 빨래를 월 2회 무료로 세탁합니다.", "구의제1동 거주 거동 불편 가구", None),
    ("저소득 주민 진료비 감면", "material", "service", "health", "능동햇빛의원", "능동", True, 5, "persons", 1, "본인부담금 감면", "진료비 본인부담금을 감면합니다.", "기초생활수급 및 차상위 주민", None),
    ("마을 법률 상담", "material", "service", "rights", "구청 통합사례관리팀", None, True, 8, "sessions_month", 3, "무료", "변호사가 월 1회 주민센터에서 채무, 임대차, 가족 문제를 상담합니다.", "구민 누구나(사전 예약)", None),
    ("가족 관계 회복 상담", "material", "service", "family", "마음이음 정신건강상담센터", None, True, 12, "persons", 5, "무료", "가정폭력·갈등 가족을 위한 개별·가족 상담입니다.", "가족 갈등으로 상담이 필요한 가구", None),
    ("정신건강 사례관리", "material", "social_service", "health", "마음이음 정신건강상담센터", None, True, 20, "persons", 20, "무료", "중증 정신질환자의 지역사회 적응을 돕는 사례관리입니다.", "중증 정신질환 진단 또는 의심", None),
    ("겨울 김장 나눔", "material", "goods", "daily_living", "능동로 골목상인회", "능동", True, 50, "households", 0, "무료", "상인회가 담근 김장김치를 나눕니다.", "저소득 가구", "next_month"),
    # relational (관계 자원)
    ("이웃 안부 살피미", "relational", "neighbour_network", "safety", None, "능동", False, None, "", 0, "무료", "같은 골목 이웃이 서로 하루 한 번 안부를 확인하는 관계망입니다.", "능동 거주 고립 위험 가구와 이웃", None),
    ("1인 가구 동네 친구 모임", "relational", "community_group", "social", "아차산햇살종합사회복지관", "구의제1동", False, 15, "persons", 8, "무료", "1인 가구가 월 2회 모여 함께 밥을 먹고 산책합니다.", "구의제1동 거주 1인 가구", None),
    ("조손가정 결연 멘토", "relational", "mentoring", "family", "나루터종합사회복지관", None, True, 10, "households", 4, "무료", "멘토 가정이 조손가정과 결연해 명절, 생일, 학교 행사를 함께합니다.", "조손가정", None),
    ("경로당 반찬 품앗이", "relational", "neighbour_network", "daily_living", None, "능동", True, None, "", 0, "무료", "경로당 어르신들이 함께 반찬을 만들어 이웃 홀몸 어르신과 나눕니다.", "능동 인근 홀몸 어르신", None),
    ("청소년 또래 멘토링", "relational", "mentoring", "education", "구의별빛 지역아동센터", "구의제1동", True, 8, "persons", 3, "무료", "고등학생 멘토가 중학생과 짝을 지어 학업과 진로를 이야기합니다.", "중학생", "year"),
]  # fmt: skip

# resource, registering user, days ago, method, note
DEMO_DEVELOPMENT = [
    ("이·미용 재능나눔", "neung.cm", 40, "partnership", "골목상인회와 재능나눔 협약 체결"),
    ("밑반찬 정기 배달", "neung.cm", 25, "business_donation", "반찬가게 대표가 주 1회 배달을 약정"),
    ("통·반장 안부 확인망", "neung.sv", 60, "other", "통장 회의에서 안부 확인망 구성"),
    ("이웃 안부 살피미", "neung.cm2", 12, "new_volunteer", "골목 주민 6명 참여"),
    ("말벗 안부 자원봉사자", "guui1.cm", 30, "new_volunteer", "봉사단 신규 봉사자 3명 연계"),
    ("겨울 난방비 후원", "guui1.sv", 18, "business_donation", "교회 후원 약정"),
    ("무료 세탁 지원", "guui1.cm", 8, "partnership", "빨래방과 업무협약"),
]

# A correction of the log (자원개발 기록 고치기): resource, who corrected it, the note as corrected.
DEMO_CORRECTIONS = [
    ("이웃 안부 살피미", "neung.sv", "골목 주민 7명 참여 (통장 확인으로 1명 추가)"),
]


def _availability(code, today):
    if code == "year":
        return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    if code == "winter":
        start = datetime.date(today.year if today.month >= 11 else today.year - 1, 11, 1)
        return start, datetime.date(start.year + 1, 3, 31)
    if code == "next_month":
        first = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        return first, first + datetime.timedelta(days=30)
    return None, None


@transaction.atomic
def seed_demo_resources():
    """Create the demo providers, resources and development log (idempotent)."""
    gu = ensure_gwangjin(Gu, Dong)
    dongs = {d.name: d for d in Dong.objects.filter(gu=gu)}
    users = {u.username: u for u in User.objects.filter(gu=gu)}
    gu_staff = users.get("gu.staff")
    registrars = {"능동": users.get("neung.cm"), "구의제1동": users.get("guui1.cm"), None: gu_staff}
    today = timezone.localdate()

    providers = {}
    for name, sector, kind, person, phone, address, area, conf, dong_name in DEMO_PROVIDERS:
        by = registrars.get(dong_name)
        provider, created = Provider.objects.get_or_create(
            gu=gu,
            name=name,
            defaults={
                "sector": sector,
                "kind": kind,
                "contact_person": person,
                "phone": phone,
                "address": address,
                "joins_case_conferences": conf,
                "registering_dong": dongs[dong_name] if dong_name else None,
                "created_by": by,
                "updated_by": by,
            },
        )
        if created:
            provider.service_dongs.set([dongs[d] for d in area])
        providers[name] = provider

    resources = {}
    for row in DEMO_RESOURCES:
        (name, kind, subtype, domain, provider_name, dong_name, shared, capacity, unit, in_use,
         cost, description, eligibility, availability) = row  # fmt: skip
        by = registrars.get(dong_name)
        start, end = _availability(availability, today)
        resource, _created = Resource.objects.get_or_create(
            gu=gu,
            name=name,
            registering_dong=dongs[dong_name] if dong_name else None,
            defaults={
                "kind": kind,
                "subtype": subtype,
                "need_domain": domain,
                "provider": providers.get(provider_name),
                "shared_gu_wide": shared,
                "capacity": capacity,
                "capacity_unit": unit,
                "capacity_in_use": in_use,
                "cost": cost,
                "description": description,
                "eligibility": eligibility,
                "available_from": start,
                "available_until": end,
                "created_by": by,
                "updated_by": by,
            },
        )
        resources[name] = resource

    for resource_name, username, days_ago, method, note in DEMO_DEVELOPMENT:
        officer = users.get(username)
        if officer is None:
            continue  # the demo users come from seed_demo; without them, no log
        ResourceDevelopment.objects.get_or_create(
            resource=resources[resource_name],
            developed_by=officer,
            method=method,
            defaults={
                "developed_on": today - datetime.timedelta(days=days_ago),
                "note": note,
                "created_by": officer,
                "updated_by": officer,
            },
        )
    for resource_name, username, note in DEMO_CORRECTIONS:
        entry = resources[resource_name].developments.order_by("pk").first()
        corrector = users.get(username)
        if entry is None or corrector is None or entry.version > 1:
            continue  # corrected once already: the demo stays as it is
        services.update_development(
            entry=entry,
            by=corrector,
            expected_version=entry.version,
            resource=entry.resource,
            developed_by=entry.developed_by,
            developed_on=entry.developed_on,
            method=entry.method,
            note=note,
        )
    return {"providers": len(providers), "resources": len(resources)}


# --- referrals ----------------------------------------------------------------------------------

# dong, stage of the demo case, service content of its plan item, resource (None: the provider
# alone), provider (None: the resource's), the steps after the request (status, note), and the
# supervisor's reason when the referral goes without the client's consent to that provider.
DEMO_REFERRALS = [
    ("능동", "intervention", "보건소 영유아 건강검진 연계", "방문건강관리", None,
     [("accepted", "방문 일정 협의"), ("in_service", "첫 방문 완료")], ""),
    ("능동", "intervention", "치료비 지원 신청", "저소득 주민 진료비 감면", None,
     [("accepted", "차상위 확인서 제출")], ""),
    ("능동", "monitoring", "대학생 자원봉사 학습 멘토링 연결", "방과후 돌봄", None,
     [("declined", "정원이 모두 차서 대기 등록만 가능하다고 함")], ""),
    ("능동", "monitoring", "복지관 아동 심리상담 연계", None, "아차산햇살종합사회복지관",
     [("in_service", "주 1회 놀이치료 시작")], ""),
    ("능동", "evaluation", "건강가정지원센터 부부상담 연계", "가족 관계 회복 상담", None,
     [("accepted", ""), ("in_service", ""), ("ended", "부부상담 8회를 마침")], ""),
    ("구의제1동", "intervention", "보건소 영유아 건강검진 연계", "방문건강관리", None, [],
     "아이의 고열이 계속되어 급히 연계함. 보호자가 구두로 동의했고 서면 동의는 다음 방문 때 받기로 함"),
    ("구의제1동", "monitoring", "대학생 자원봉사 학습 멘토링 연결", "대학생 학습 도우미", None,
     [("accepted", ""), ("in_service", "주 2회 숙제 지도")], ""),
    ("구의제1동", "evaluation", "건강가정지원센터 부부상담 연계", "가족 관계 회복 상담", None,
     [("in_service", "바로 상담 시작"), ("ended", "목표 달성으로 종료")], ""),
]  # fmt: skip


@transaction.atomic
def seed_demo_referrals():
    """Link plan items of the demo cases in intervention, monitoring and evaluation (능동,
    구의제1동; from cases.demo.seed_demo_cases) to demo resources and refer them, in every status
    — one declined, one approved by the supervisor without consent. Idempotent: an item that has
    a referral is left as it is. Needs seed_demo's users, cases and registry first."""
    from cases import services as case_services
    from cases.demo import DEMO_CASE_CLIENTS
    from cases.models import ConsentMethod, PlanItem

    from .services import change_referral_status, create_referral, referral_target

    gu = ensure_gwangjin(Gu, Dong)
    users = {u.username: u for u in User.objects.filter(gu=gu)}
    officers = {"능동": users.get("neung.cm"), "구의제1동": users.get("guui1.cm")}
    supervisors = {"능동": users.get("neung.sv"), "구의제1동": users.get("guui1.sv")}
    created = 0
    for dong_name, stage, content, resource_name, provider_name, steps, override in DEMO_REFERRALS:
        officer, supervisor = officers[dong_name], supervisors[dong_name]
        if officer is None or supervisor is None:
            continue
        item = (
            PlanItem.objects.filter(
                plan__case__dong__gu=gu,
                plan__case__dong__name=dong_name,
                plan__case__stage=stage,
                plan__case__client__name__in=DEMO_CASE_CLIENTS[dong_name],
                service_content=content,
            )
            .select_related("plan__case")
            .order_by("-plan__number")
            .first()
        )
        if item is None or Referral.objects.filter(plan_item=item).exists():
            continue
        resource = (
            Resource.objects.filter(gu=gu, name=resource_name).select_related("provider").first()
            if resource_name
            else None
        )
        provider = (
            resource.provider
            if resource is not None
            else Provider.objects.filter(gu=gu, name=provider_name).first()
        )
        if resource_name and resource is None or provider is None:
            continue  # the demo registry is not there
        # The demo plans were written before the registry was seeded: link the item now, as the
        # officer would have chosen it from the matching list while planning.
        PlanItem.objects.filter(pk=item.pk).update(
            resource=resource,
            provider=provider,
            provider_name=provider.name,
            person_in_charge=provider.contact_person,
        )
        item.refresh_from_db()
        case = item.plan.case
        _, target_provider = referral_target(item)
        if not override and consent_missing(case=case, provider=target_provider):
            case_services.record_consent(
                case=case,
                by=officer,
                services_consent=True,
                sharing_consent=True,
                shared_items=["basic", "progress"],
                providers=[target_provider],
                method=ConsentMethod.SIGNED_PAPER,
            )
        referral = create_referral(
            plan_item=item,
            by=supervisor if override else officer,
            note=f"{provider.contact_person} 담당자에게 전화로 의뢰"
            if provider.contact_person
            else "",
            override_reason=override,
        )
        for status, note in steps:
            change_referral_status(
                referral=referral,
                by=officer,
                status=status,
                note="" if status == "declined" else note,
                decline_reason=note if status == "declined" else "",
            )
        created += 1
    return {"referrals": created}


# --- partner agencies' accounts (외부 협력기관) -----------------------------------------------------

# username, name, position, provider: two agencies that serve 능동 get a login each.
DEMO_PARTNERS = [
    ("haetsal.partner", "윤햇살", "사례관리팀장", "아차산햇살종합사회복지관"),
    ("maeum.partner", "서마음", "상담팀장", "마음이음 정신건강상담센터"),
]
# For each partner agency, one referral in every state: client of 능동, what is asked, and what the
# agency has done (status reached, through the agency's own account).
DEMO_PARTNER_REFERRALS = {
    "아차산햇살종합사회복지관": [
        ("문정자", "집안 정리와 곰팡이 제거", "requested"),
        ("구본철", "병원 동행 봉사자 연결", "accepted"),
        ("나미숙", "도배·장판 교체", "declined"),
        ("배영호", "어르신 나들이 프로그램 참여", "in_service"),
        ("송금례", "전등·수전 수리", "ended"),
    ],
    "마음이음 정신건강상담센터": [
        ("탁은비", "우울 선별검사와 개별 상담", "requested"),
        ("왕지훈", "알코올 회복 자조모임 연결", "accepted"),
        ("공선희", "가족 상담 연계", "declined"),
        ("하동석", "정신건강 사례관리 의뢰", "in_service"),
        ("엄순임", "부부 갈등 상담", "ended"),
    ],
}


@transaction.atomic
def seed_demo_partners(*, password):
    """Two partner agencies with a login each (opened by the gu staff) and referrals to them in
    every state — waiting for an answer, accepted, declined with a reason, in service with a
    report waiting for the case manager's confirmation, ended — each answered through the
    agency's own account. Idempotent. Returns [(username, name, agency)] to print."""
    import datetime as dt

    from casemgmt.core.models import Dong as DongModel
    from cases import services as case_services
    from cases.demo import EXAMPLES, run_to
    from cases.models import Client, ConsentMethod, Stage

    from .models import PartnerAccount
    from .partner_services import answer_referral, open_partner_account, report_service

    gu = ensure_gwangjin(Gu, Dong)
    staff = User.objects.filter(username="gu.staff").first()
    officer = User.objects.filter(username="neung.cm").first()
    supervisor = User.objects.filter(username="neung.sv").first()
    if staff is None or officer is None or supervisor is None:
        return []
    neungdong = DongModel.objects.get(gu=gu, name="능동")
    today = timezone.localdate()
    logins = []
    for username, name, position, provider_name in DEMO_PARTNERS:
        provider = Provider.objects.filter(gu=gu, name=provider_name).first()
        if provider is None:
            continue
        account = PartnerAccount.objects.filter(user__username=username).first()
        if account is None:
            account, _temporary = open_partner_account(
                provider=provider, by=staff, username=username, name=name,
                phone=provider.phone, position=position,
            )  # fmt: skip
            user = account.user
            user.set_password(password)
            user.must_change_password = False  # the demo password is printed; a real one is not
            user.save(update_fields=["password", "must_change_password"])
        partner = account.user
        logins.append((username, name, provider.name))
        for n, (client_name, service, status) in enumerate(DEMO_PARTNER_REFERRALS[provider_name]):
            client, created = Client.objects.get_or_create(
                dong=neungdong,
                name=client_name,
                defaults={
                    "birth_date": dt.date(1946 + 4 * n, 2 + n, 3 + 3 * n),
                    "sex": "M" if client_name in ("구본철", "배영호", "왕지훈", "하동석") else "F",
                    "address": f"서울 광진구 능동로 {200 + 7 * n}",
                    "phone": f"010-{6100 + n:04d}-{2200 + 13 * n:04d}",
                    "livelihood_status": ["basic", "near_poverty", "general"][n % 3],
                    "created_by": officer,
                    "updated_by": officer,
                },
            )
            if not created and client.cases.exists():
                continue
            # Registered when the case began (run_to below dates the intake the same way).
            Client.objects.filter(pk=client.pk).update(
                created_at=timezone.now() - dt.timedelta(days=20 - 2 * n)
            )
            case = run_to(
                Stage.INTERVENTION, officer=officer, supervisor=supervisor, client=client,
                example=list(EXAMPLES.values())[n % len(EXAMPLES)], days_ago=20 - 2 * n,
            )  # fmt: skip
            item = case.plans.order_by("-number").first().items.filter(by_case_manager=False)
            item = item.order_by("priority", "id").first()
            type(item).objects.filter(pk=item.pk).update(
                service_content=service, resource=None, provider=provider,
                provider_name=provider.name, person_in_charge=provider.contact_person,
            )  # fmt: skip
            item.refresh_from_db()
            case_services.record_consent(
                case=case, by=officer, services_consent=True, sharing_consent=True,
                shared_items=["basic", "family", "progress"], providers=[provider],
                method=ConsentMethod.SIGNED_PAPER, valid_from=today - dt.timedelta(days=10),
            )  # fmt: skip
            referral = services.create_referral(
                plan_item=item, by=officer, shares_information=True,
                requested_on=today - dt.timedelta(days=8 - n),
                note=f"{provider.contact_person} 담당자에게 의뢰서 발송",
            )  # fmt: skip
            answered_on = referral.requested_on + dt.timedelta(days=1)
            if status == "accepted":
                answer_referral(referral=referral, by=partner, accept=True, on=answered_on)
            elif status == "declined":
                answer_referral(
                    referral=referral, by=partner, accept=False, on=answered_on,
                    reason="이번 분기 사업 대상 가구가 모두 정해져 다음 분기에 다시 의뢰해 주세요",
                )  # fmt: skip
            elif status in ("in_service", "ended"):
                answer_referral(referral=referral, by=partner, accept=True, on=answered_on)
                report_service(
                    referral=referral, by=partner, reported_on=today,
                    started_on=answered_on + dt.timedelta(days=1),
                    sessions=2, attendance="all",
                    client_change="두 번 모두 약속 시간에 나왔고 처음보다 표정이 밝아짐",
                    ended_on=today if status == "ended" else None,
                    end_reason="계획한 회기를 모두 마침" if status == "ended" else "",
                )  # fmt: skip
    return logins
