"""On a tablet at a home visit: the client and the case manager sign the plan on the screen, and the
plan is kept signed with both signatures."""

import hashlib

import pytest
from playwright.sync_api import expect

from .pdf_helpers import flat_text as pdf_text
from .test_browser_case import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def draw(page, canvas):
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 200, y + 20, steps=8)
    page.mouse.up()


def test_a_client_signs_the_plan_on_a_tablet_and_the_signed_pdf_is_kept(page, live_server, demo):
    from casemgmt.core.models import User
    from cases import services
    from cases.demo import EXAMPLES, plan_goals
    from cases.models import Case, Stage

    officer = User.objects.get(username="neung.cm")
    case = Case.objects.get(client__name="팜티란", stage=Stage.PLANNING)
    plan = services.create_plan(
        case=case, by=officer, short_term_goal="자녀가 안전하게 지낸다",
        long_term_goal="폭력 없는 가정", goals=plan_goals(EXAMPLES["violence_and_drinking"]),
    )  # fmt: skip

    page.set_viewport_size({"width": 768, "height": 1024})
    page.set_default_timeout(8000)
    log_in(page, live_server, "neung.cm")
    page.goto(f"{live_server.url}/cases/{case.pk}/plans/{plan.number}/")
    page.get_by_role("link", name="화면에서 서명").click()

    canvas = page.get_by_role("img", name="당사자 서명")
    canvas.scroll_into_view_if_needed()
    status = page.locator("#signature-status")
    expect(status).to_have_text("아직 서명이 없습니다.")
    box = canvas.bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + step * 25, y + (12 if step % 2 else -12))
    page.mouse.up()
    expect(status).to_have_text("서명했습니다.")
    page.get_by_role("group", name="당사자 서명").get_by_role("button", name="서명 지우기").click()
    expect(status).to_have_text("아직 서명이 없습니다.")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 200, y + 20, steps=8)
    page.mouse.up()
    # ⑮: the case manager signs in the second box; without it nothing is saved.
    page.get_by_label("당사자가 계획을 읽었거나").check()
    page.get_by_role("button", name="서명한 계획 저장").click()
    expect(page.get_by_text("두 번째 칸에 사례관리자 서명(⑮)을 하세요.")).to_be_visible()
    draw(page, page.get_by_role("img", name="당사자 서명"))  # the pad comes back empty
    draw(page, page.get_by_role("img", name="사례관리자 서명(⑮)"))
    page.get_by_label("당사자가 계획을 읽었거나").check()
    page.get_by_role("button", name="서명한 계획 저장").click()

    expect(page.get_by_text("서명을 기록하고 서명된 계획서를 보관했습니다.")).to_be_visible()
    download = page.get_by_role("link", name="서명된 PDF 내려받기")
    expect(download).to_be_visible()
    # The file holds personal data: the officer says why first, then it comes at once.
    download.click()
    expect(page.get_by_role("heading", name="이 파일이 왜 필요한가요?")).to_be_visible()
    page.get_by_label("목적").select_option(label="기관 의뢰·연계")
    with page.expect_response(lambda r: "purpose=referral" in r.url) as answer:
        page.get_by_role("button", name="내려받기").click()
    assert answer.value.headers["content-type"] == "application/pdf"
    # The browser hands the PDF to its viewer; fetch the same address to compare the bytes.
    response = page.request.get(answer.value.url)
    plan.refresh_from_db()
    assert plan.is_signed
    assert response.body() == bytes(plan.signed_document.pdf)
    from casemgmt.core.models import AccessAction, AccessRecord

    record = AccessRecord.objects.filter(action=AccessAction.PRINT).latest("id")
    assert (record.user, record.reason) == (officer, "기관 의뢰·연계")
    document = plan.signed_document
    assert document.signature_image and document.manager_signature_image  # both drawings kept
    # The kept file shows both signers by name, and its hash re-verifies.
    text = pdf_text(response.body())
    assert "팜티란" in text and officer.name in text
    assert hashlib.sha256(response.body()).hexdigest() == document.sha256
