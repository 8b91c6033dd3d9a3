"""A signed plan is frozen as printed: PDF bytes, SHA-256, time and witness, kept at signing."""

import base64
import hashlib
import io
import struct
import zlib

import pytest
from django.urls import reverse

from casemgmt.core.exceptions import ApplicationError
from cases import services
from cases.demo import long_plan_goals
from cases.models import ConsentMethod, SignedDocument, Stage

from . import lifecycle
from .clock import iso
from .factories import ClientFactory, dong
from .pdf_helpers import flat_text, page_count, text, with_reason

pytestmark = pytest.mark.django_db


def tiny_png(width=40, height=12):
    """A real PNG: a black stroke on white, as the signature pad would send."""
    rows = b"".join(
        b"\x00" + b"".join(b"\x00" if y == height // 2 else b"\xff" for _x in range(width))
        for y in range(height)
    )

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    out = io.BytesIO()
    out.write(b"\x89PNG\r\n\x1a\n")
    out.write(chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return out.getvalue()


def _planning_case(user_in_dong, supervisor, n_items=None, example="withheld_living_expenses"):
    data = lifecycle.EXAMPLES[example]
    client = ClientFactory(dong=dong("능동"), **data["client"])
    case = lifecycle.run_to(
        Stage.PLANNING, officer=user_in_dong, supervisor=supervisor, client=client, example=data
    )
    goals = long_plan_goals(data, n_items) if n_items else lifecycle.plan_goals(data)
    plan = services.create_plan(
        case=case, by=user_in_dong, short_term_goal="위기 요인을 줄인다",
        long_term_goal="가족이 스스로 생활을 꾸린다", goals=goals,
    )  # fmt: skip
    return case, plan


def test_signing_keeps_the_printed_pdf_with_its_hash_time_and_witness(user_in_dong, supervisor):
    case, plan = _planning_case(user_in_dong, supervisor)
    services.sign_plan(
        plan=plan, by=user_in_dong, method=ConsentMethod.SIGNED_PAPER, manager_signed=True
    )
    document = SignedDocument.objects.get(plan=plan)
    data = bytes(document.pdf)
    assert data.startswith(b"%PDF")
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.witnessed_by == user_in_dong
    assert document.case == case and document.kind == "plan"
    assert document.signed_at is not None
    assert "종이서식에자필서명" in flat_text(data)


def test_reprinting_a_signed_plan_returns_the_same_bytes_even_after_the_records_change(
    client, user_in_dong, supervisor
):
    case, plan = _planning_case(user_in_dong, supervisor)
    services.sign_plan(
        plan=plan, by=user_in_dong, method=ConsentMethod.SIGNED_PAPER, manager_signed=True
    )
    stored = SignedDocument.objects.get(plan=plan)
    client.force_login(user_in_dong)
    url = reverse("cases:plan_print", args=[case.pk, plan.number])
    url = with_reason(url)
    first = client.get(url).content
    # What the paper shows changes in the database (a status, the client's name) …
    item = plan.items.first()
    item.status = "achieved"
    item.save()
    case.client.name = "개명한이름"
    case.client.save()
    second = client.get(url).content
    assert first == second == bytes(stored.pdf)
    assert hashlib.sha256(second).hexdigest() == stored.sha256
    assert "개명한이름" not in flat_text(second)


def test_a_signed_plan_cannot_be_signed_again_and_a_new_version_needs_its_own_signature(
    user_in_dong, supervisor
):
    case, plan = _planning_case(user_in_dong, supervisor)
    services.sign_plan(
        plan=plan, by=user_in_dong, method=ConsentMethod.SIGNED_PAPER, manager_signed=True
    )
    with pytest.raises(ApplicationError):
        services.sign_plan(
            plan=plan, by=user_in_dong, method=ConsentMethod.SIGNED_PAPER, manager_signed=True
        )
    assert SignedDocument.objects.filter(case=case).count() == 1
    new = services.create_plan(
        case=case, by=user_in_dong, short_term_goal="새 단기 목표", long_term_goal="새 장기 목표"
    )
    assert not new.is_signed and not SignedDocument.objects.filter(plan=new).exists()
    services.sign_plan(
        plan=new, by=user_in_dong, method=ConsentMethod.SIGNED_PAPER, manager_signed=True
    )
    first, second = SignedDocument.objects.filter(case=case).order_by("id")
    assert first.plan == plan and second.plan == new
    assert first.sha256 != second.sha256
    assert "새단기목표" in flat_text(bytes(second.pdf))
    assert "새단기목표" not in flat_text(bytes(first.pdf))


def _data_url(png):
    return "data:image/png;base64," + base64.b64encode(png).decode()


def test_signing_on_screen_embeds_both_drawn_signatures_in_the_kept_pdf(
    client, user_in_dong, supervisor
):
    case, plan = _planning_case(user_in_dong, supervisor)
    png, manager_png = tiny_png(), tiny_png(width=48, height=16)
    client.force_login(user_in_dong)
    url = reverse("cases:plan_sign_screen", args=[case.pk, plan.number])
    page = client.get(url).content.decode()
    assert "사례관리자 서명(⑮)" in page and page.count('class="signature-pad') == 2
    response = client.post(
        url,
        {
            "signature": _data_url(png),
            "manager_signature": _data_url(manager_png),
            "client_signer": "김영희 (딸)",
            "signed_on": iso(0),
            "confirmed": "on",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.is_signed and plan.signature_method == ConsentMethod.ON_SCREEN
    assert plan.manager_signed_by == user_in_dong and plan.client_signer == "김영희 (딸)"
    document = plan.signed_document
    assert bytes(document.signature_image) == png
    assert bytes(document.manager_signature_image) == manager_png
    data = bytes(document.pdf)
    assert data.count(b"/Subtype /Image") + data.count(b"/Subtype/Image") >= 2
    text = flat_text(data)
    assert "화면에서명함" in text and "김영희(딸)서명" in text
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    page = client.get(reverse("cases:plan_detail", args=[case.pk, plan.number])).content.decode()
    assert "서명된 PDF 내려받기" in page and document.sha256[:8] in page
    preview = client.get(
        reverse("cases:plan_print", args=[case.pk, plan.number]), {"format": "html"}
    ).content.decode()  # the page preview shows both signatures, as the kept PDF does
    assert _data_url(png) in preview and _data_url(manager_png) in preview


def test_signing_on_screen_without_both_drawings_is_refused(client, user_in_dong, supervisor):
    case, plan = _planning_case(user_in_dong, supervisor)
    client.force_login(user_in_dong)
    url = reverse("cases:plan_sign_screen", args=[case.pk, plan.number])
    drawn = _data_url(tiny_png())
    for signature, manager_signature in (
        ("", drawn),
        ("data:image/png;base64,bm90IGEgcG5n", drawn),
        (drawn, ""),  # the client signed, the case manager did not (⑮ left blank)
    ):
        response = client.post(
            url,
            {
                "signature": signature,
                "manager_signature": manager_signature,
                "signed_on": iso(0),
                "confirmed": "on",
            },
        )
        assert response.status_code == 400
    assert "두 번째 칸에 사례관리자 서명(⑮)을 하세요." in response.content.decode()
    plan.refresh_from_db()
    assert not plan.is_signed and not SignedDocument.objects.exists()
    with pytest.raises(ApplicationError):
        services.sign_plan(plan=plan, by=user_in_dong, method=ConsentMethod.ON_SCREEN,
                           signature_png=tiny_png())  # fmt: skip


def test_a_paper_signature_is_recorded_only_with_the_case_managers_signature_too(
    client, user_in_dong, supervisor
):
    case, plan = _planning_case(user_in_dong, supervisor)
    with pytest.raises(ApplicationError):
        services.sign_plan(plan=plan, by=user_in_dong, method=ConsentMethod.SIGNED_PAPER)
    client.force_login(user_in_dong)
    url = reverse("cases:plan_sign", args=[case.pk, plan.number])
    response = client.post(url, {"sign-method": "paper", "sign-signed_on": iso(0)})
    assert response.status_code == 400
    assert "사례관리자 서명(⑮)도 있어야 합니다" in response.content.decode()
    plan.refresh_from_db()
    assert not plan.is_signed
    client.post(
        url, {"sign-method": "paper", "sign-signed_on": iso(0), "sign-manager_signed": "on"}
    )
    plan.refresh_from_db()
    assert plan.is_signed and plan.manager_signed_by == user_in_dong
    assert user_in_dong.name in flat_text(bytes(plan.signed_document.pdf))


def test_another_dong_cannot_sign_on_screen(client, user_other_dong, user_in_dong, supervisor):
    case, plan = _planning_case(user_in_dong, supervisor)
    client.force_login(user_other_dong)
    url = reverse("cases:plan_sign_screen", args=[case.pk, plan.number])
    assert client.get(url).status_code == 404
    assert client.post(url, {"signature": "x"}).status_code == 404


def test_a_40_item_plan_repeats_the_header_and_the_page_marks_on_every_page(
    user_in_dong, supervisor
):
    from cases import pdf

    case, plan = _planning_case(
        user_in_dong, supervisor, n_items=40, example="violence_and_drinking"
    )
    data = pdf.render(pdf.PLAN_TEMPLATE, pdf.plan_context(plan=plan))
    pages = page_count(data)
    assert pages >= 3
    for number in range(1, pages + 1):
        page = text(data, page=number, layout=True)
        flat = "".join(page.split())
        assert "④서비스내용" in flat and "⑬이행여부" in flat, number  # the header row repeats
        assert case.number in page, number
        assert flat.endswith(f"{number}/{pages}"), number  # "n / N" in the bottom margin
    # Rows are never split: each item's text and its status boxes are on one page.
    for n in range(1, 41):
        holders = [
            p for p in range(1, pages + 1)
            if f"{n}.{''.join(lifecycle_service(n).split())}" in "".join(text(data, page=p).split())
        ]  # fmt: skip
        assert len(holders) == 1, (n, holders)
    # A page never opens with 〃 ("as above"): its first row names its goal in full.
    goals = ["".join(g.split()) for g in plan.goals.values_list("goal", flat=True)]
    for number in range(2, pages + 1):
        body = "".join(text(data, page=number).split()).split("⑬이행여부", 1)[1]
        assert not body.startswith("〃"), number
        assert any(body.startswith(goal) for goal in goals), (number, body[:60])
    assert "〃" in "".join(text(data).split())  # rows further down still say it once


def lifecycle_service(n):
    from cases.demo import LONG_PLAN_SERVICES

    return LONG_PLAN_SERVICES[(n - 1) % len(LONG_PLAN_SERVICES)]


def test_the_consent_form_signed_on_screen_is_kept_and_reprinted_as_signed(
    client, user_in_dong, supervisor
):
    case, _plan = _planning_case(user_in_dong, supervisor)
    consent = case.consents.get()
    png = tiny_png()
    client.force_login(user_in_dong)
    url = reverse("cases:consent_sign_screen", args=[case.pk, consent.pk])
    assert client.get(url).status_code == 200
    data_url = "data:image/png;base64," + base64.b64encode(png).decode()
    response = client.post(url, {"signature": data_url, "confirmed": "on"})
    assert response.status_code == 400  # the separate consents are each signed in their box
    response = client.post(url, {"signature": data_url, "sensitive_signature": data_url,
                                 "identifier_signature": data_url, "confirmed": "on"})  # fmt: skip
    assert response.status_code == 302
    document = SignedDocument.objects.get(consent=consent)
    assert document.kind == "consent" and bytes(document.signature_image) == png
    printed = client.get(with_reason(reverse("cases:consent_print", args=[case.pk]))).content
    assert printed == bytes(document.pdf)
    assert hashlib.sha256(printed).hexdigest() == document.sha256
    # signing it twice is refused
    with pytest.raises(ApplicationError):
        services.sign_consent(consent=consent, by=user_in_dong, signature_png=png)
    assert client.get(url).status_code == 302
