"""Demo data for `make run`: users of every role in 능동, 구의제1동 and the gu, plus clients.

Idempotent: running it again changes nothing and prints the same logins.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from casemgmt.core.models import Dong, Gu, User
from casemgmt.core.reference import ensure_gwangjin
from casemgmt.core.roles import Role
from casemgmt.core.services import assign_role

DEMO_PASSWORD = "welfare-demo-2026"

# username, name, dong (None: the gu), role, is_staff
DEMO_USERS = [
    ("neung.cm", "김하늘", "능동", Role.CASE_MANAGER, False),
    ("neung.cm2", "이도윤", "능동", Role.CASE_MANAGER, False),
    ("neung.sv", "박서연", "능동", Role.SUPERVISOR, False),
    ("guui1.cm", "최민준", "구의제1동", Role.CASE_MANAGER, False),
    ("guui1.sv", "정지우", "구의제1동", Role.SUPERVISOR, False),
    ("gu.staff", "강예린", None, Role.GU_STAFF, False),
    ("sysadmin", "윤시스템", None, Role.SYSADMIN, True),
]

# dong, name, birth date, sex, phone, address, livelihood status, health notes
DEMO_CLIENTS = [
    (
        "능동",
        "한순자",
        "1948-03-12",
        "F",
        "010-2345-6789",
        "서울 광진구 능동로 120, 2층",
        "basic",
        "고혈압, 무릎 관절염으로 보행이 불편함",
    ),
    (
        "능동",
        "오정훈",
        "1971-11-02",
        "M",
        "010-8765-4321",
        "서울 광진구 능동로 87-3 반지하",
        "near_poverty",
        "알코올 사용 문제 의심",
    ),
    ("능동", "서민지", "1989-06-30", "F", "", "서울 광진구 천호대로 551, 301호", "general", ""),
    (
        "구의제1동",
        "장영길",
        "1955-01-20",
        "M",
        "010-1111-2222",
        "서울 광진구 구의로 45, 102호",
        "basic",
        "지체장애 3급(구 기준), 당뇨",
    ),
    (
        "구의제1동",
        "문다은",
        "1994-09-14",
        "F",
        "010-3333-4444",
        "서울 광진구 자양로 210, 옥탑",
        "general",
        "",
    ),
]


class Command(BaseCommand):
    help = "Create demo users and clients (idempotent) and print the demo logins."

    @transaction.atomic
    def handle(self, *args, **options):
        gu = ensure_gwangjin(Gu, Dong)
        dongs = {d.name: d for d in Dong.objects.filter(gu=gu)}
        users = {}
        for index, (username, name, dong_name, role, is_staff) in enumerate(DEMO_USERS):
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "name": name,
                    "gu": gu,
                    "dong": dongs[dong_name] if dong_name else None,
                    "is_staff": is_staff,
                    # a fictitious office line (the duplicate check tells other dongs whom to call)
                    "phone": f"02-450-{7301 + index}",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            assign_role(user=user, role=role)
            users[username] = user
        self._seed_clients(dongs, users)
        self._seed_cases(dongs, users)
        self._seed_special_data()
        self._seed_resources()
        self._seed_referrals()
        self._seed_meetings(users)
        partners = self._seed_partners()
        self._settle_alerts()
        self._print_logins(partners)

    def _settle_alerts(self):
        """The seed's own decisions raise alerts; a fresh demo shows the newest three per officer
        as unread (so the feature shows) and the rest as read."""
        from django.utils import timezone

        from cases.models import Alert

        keep = set()
        for recipient in Alert.objects.values_list("recipient", flat=True).distinct():
            newest = Alert.objects.filter(recipient=recipient).order_by("-created_at", "-id")
            keep.update(newest.values_list("pk", flat=True)[:3])
        Alert.objects.unread().exclude(pk__in=keep).update(read_at=timezone.now())

    def _seed_clients(self, dongs, users):
        from cases.models import Client

        creators = {"능동": users["neung.cm"], "구의제1동": users["guui1.cm"]}
        for row in DEMO_CLIENTS:
            dong_name, name, birth, sex, phone, address, status, _notes = row
            born = datetime.date.fromisoformat(birth)
            Client.objects.get_or_create(
                dong=dongs[dong_name],
                name=name,
                birth_date=born,
                defaults={
                    "sex": sex,
                    "phone": phone,
                    "address": address,
                    "livelihood_status": status,
                    "created_by": creators[dong_name],
                    "updated_by": creators[dong_name],
                },
            )

    def _seed_special_data(self):
        """The resident number and the health notes, only for the clients who have given the
        separate consents (PIPA Art. 23, 24) on a case: the others have none recorded."""
        from cases.models import Client
        from cases.special_consent import special_consent

        for index, row in enumerate(DEMO_CLIENTS):
            dong_name, name, birth, sex, _phone, _address, _status, notes = row
            born = datetime.date.fromisoformat(birth)
            client = Client.objects.get(dong__name=dong_name, name=name, birth_date=born)
            consent = special_consent(client)
            changes = {}
            if consent.identifier and not client.resident_number:
                changes["resident_number"] = _demo_resident_number(born, sex, index)
            if consent.sensitive and not client.health_notes:
                changes["health_notes"] = notes
            for field, value in changes.items():
                setattr(client, field, value)
            if changes:
                client.save(update_fields=list(changes))

    def _seed_cases(self, dongs, users):
        from cases.demo import seed_demo_cases

        seed_demo_cases(
            dongs=dongs,
            officers={"능동": users["neung.cm"], "구의제1동": users["guui1.cm"]},
            supervisors={"능동": users["neung.sv"], "구의제1동": users["guui1.sv"]},
        )

    def _seed_resources(self):
        from resources.demo import seed_demo_resources

        seed_demo_resources()

    def _seed_referrals(self):
        from resources.demo import seed_demo_referrals

        seed_demo_referrals()

    def _seed_meetings(self, users):
        from meetings.demo import seed_demo_meetings

        seed_demo_meetings(
            officers={"능동": users["neung.cm"], "구의제1동": users["guui1.cm"]},
            supervisors={"능동": users["neung.sv"], "구의제1동": users["guui1.sv"]},
        )

    def _seed_partners(self):
        from resources.demo import seed_demo_partners

        return seed_demo_partners(password=DEMO_PASSWORD)

    def _print_logins(self, partners=()):
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for username, name, dong_name, role, _staff in DEMO_USERS:
            self.stdout.write(
                f"  {username:<10} {name}  {dong_name or '광진구'}  {Role.LABELS[role]}"
            )
        if partners:
            self.stdout.write(
                "Partner agencies (same password; at the first sign-in each sets up an "
                "authenticator app from the QR code, then signs in with its six-digit codes):"
            )
            for username, name, agency in partners:
                self.stdout.write(f"  {username:<16} {name}  {agency}")


def _demo_resident_number(born, sex, index):
    """A made-up number that fits the birth date and sex (demo data only, every third client)."""
    if index % 3:
        return ""
    century = 0 if born.year < 2000 else 2
    digit = century + (1 if sex == "M" else 2)
    return f"{born:%y%m%d}-{digit}{(123456 + index * 7919) % 1000000:06d}"
