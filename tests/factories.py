import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from casemgmt.core.models import Dong, Gu, User
from casemgmt.core.roles import Role
from casemgmt.core.services import assign_role


def dong(name):
    return Dong.objects.get(gu__name="광진구", name=name)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"officer{n}")
    name = factory.Sequence(lambda n: f"담당자{n}")
    dong = factory.LazyFunction(lambda: dong("능동"))
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            assign_role(user=obj, role=extracted or Role.CASE_MANAGER)


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = "cases.Client"

    dong = factory.LazyFunction(lambda: dong("능동"))
    name = factory.Iterator(["김영희", "이철수", "박순자", "최민호", "정다은"])
    birth_date = factory.Sequence(
        lambda n: datetime.date(1950, 1, 1) + datetime.timedelta(days=97 * n)
    )
    sex = "F"
    address = "서울 광진구 능동로 1"
    livelihood_status = "basic"


def gu():
    return Gu.objects.get(name="광진구")


def grant_special_consent(client, by, **ticks):
    """The client's separate consents (PIPA Art. 23, 24), given on a case opened for it: the
    resident number and health notes may then be recorded (cases.special_consent)."""
    from cases import services

    case = client.cases.first()
    if case is None:
        case = services.record_intake(
            client=client, by=by, intake_date=timezone.localdate(), route="walk_in",
            presenting_problem="상담", disposition="case",
        ).case  # fmt: skip
    services.record_consent(
        case=case, by=by, services_consent=True, method="paper",
        **({"sensitive_consent": True, "identifier_consent": True} | ticks),
    )  # fmt: skip
    return case


def registered_with_consent(by, **data):
    """A client registered, given the separate consents, then given the sensitive values."""
    from cases import services

    special = {k: data.pop(k) for k in ("resident_number", "health_notes") if k in data}
    client = services.create_client(by=by, **data)
    grant_special_consent(client, by)
    if special:
        client.refresh_from_db()
        client = services.update_client(
            client=client, by=by, expected_version=client.version, **special
        )
    return client


def partner_account(provider, *, username=None, name="나협력", by=None):
    """A partner agency's account tied to ``provider``, as the gu staff would open it (its
    temporary password replaced, so tests sign in straight away)."""
    from resources.partner_services import open_partner_account

    by = by or UserFactory(
        username=f"opener{provider.pk}-{User.objects.count()}", dong=None, gu=provider.gu,
        role=Role.GU_STAFF,
    )  # fmt: skip
    account, _password = open_partner_account(
        provider=provider, by=by, username=username or f"partner{provider.pk}", name=name
    )
    user = account.user
    user.set_password("a-long-test-password")
    user.must_change_password = False
    user.save()
    return user


def login_verified(client, user):
    """Sign ``client`` in as ``user`` past the second factor, as if a code had been typed (the
    sign-in with a real code is tested in tests/test_two_factor.py)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
