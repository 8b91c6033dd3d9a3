"""Regenerate the pictures of the printed forms in this folder (for the README).

    .venv/bin/python docs/forms/render.py

Builds a throw-away database with the demo users and one worked example of the textbook taken
to the end, renders every printed form, and turns the first page of each into a PNG with
``pdftoppm -png -r 60`` (poppler-utils).
"""

import datetime
import pathlib
import subprocess  # noqa: S404 (poppler's pdftoppm on files we wrote)
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))


def main():
    from bench.bench_pdf import plan_case, setup

    setup()
    from casemgmt.core.models import User
    from cases import pdf
    from cases.demo import EXAMPLES, run_to
    from cases.models import Client, Stage
    from cases.models.case import current_closure
    from meetings import pdf as meeting_pdf
    from meetings import services as meeting_services
    from resources.models import Provider

    officer = User.objects.get(username="neung.cm")
    supervisor = User.objects.get(username="neung.sv")
    client = Client.objects.create(
        dong_id=officer.dong_id,
        name="윤미경",
        birth_date=datetime.date(1986, 4, 2),
        sex="F",
        phone="010-2345-6789",
        address="서울 광진구 능동로 12길 3",
        created_by=officer,
        updated_by=officer,
    )
    case = run_to(
        Stage.FOLLOW_UP,
        officer=officer,
        supervisor=supervisor,
        client=client,
        example=EXAMPLES["frequent_illness"],
    )
    plan = case.plans.get()
    _o, _c, long_plan = plan_case(40, "팜티란")
    provider = Provider.objects.for_user(officer).first()
    case.consents.get().providers.add(provider)  # the partner's agency is covered by the consent
    meeting = meeting_services.create_meeting(
        by=officer,
        kind="integrated",
        held_at=datetime.datetime(2026, 11, 20, 14, tzinfo=datetime.UTC),
        place="능동 주민센터 회의실",
        chair=supervisor,
    )
    partner = meeting_services.add_attendee(
        meeting=meeting, by=officer, provider=provider, name="김복지", position="팀장"
    )
    meeting_services.place_on_agenda(
        meeting=meeting, case=case, question="consultation", by=officer, partners=[partner]
    )
    documents = {
        "service-plan": (pdf.PLAN_TEMPLATE, pdf.plan_context(plan=plan)),
        "service-plan-40-items": (pdf.PLAN_TEMPLATE, pdf.plan_context(plan=long_plan)),
        "consent": (pdf.CONSENT_TEMPLATE, pdf.consent_context(consent=case.consents.get())),
        "monitoring": (pdf.MONITORING_TEMPLATE, pdf.monitoring_context(case=case, plan=plan)),
        "intake": (pdf.INTAKE_TEMPLATE, pdf.intake_context(case=case, intake=case.intake)),
        "closure": (
            pdf.CLOSURE_TEMPLATE,
            pdf.closure_context(
                case=case, closure=current_closure(case), evaluation=case.evaluations.get()
            ),
        ),
        "minutes": (meeting_pdf.MINUTES_TEMPLATE, meeting_pdf.minutes_context(meeting=meeting)),
        "minutes-external": (
            meeting_pdf.EXTERNAL_TEMPLATE,
            meeting_pdf.external_context(meeting=meeting, attendee=partner),
        ),
        "blank-plan": (pdf.PLAN_TEMPLATE, pdf.blank_plan_context()),
        "blank-consent": (pdf.CONSENT_TEMPLATE, pdf.blank_consent_context()),
    }
    for name, (template, context) in documents.items():
        target = HERE / f"{name}.pdf"
        target.write_bytes(pdf.render(template, context))
        subprocess.run(  # noqa: S603
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(target), str(HERE / name)],  # noqa: S607
            check=True,
        )
        target.unlink()
        print(name)


if __name__ == "__main__":
    main()
