"""찾기: the top bar's search finds clients and cases by part of a name, by initial consonants or
by management number, only within the user's scope, and is recorded like any list."""

import pytest
from django.urls import reverse

from casemgmt.core.korean import initial_consonants, is_initials
from casemgmt.core.models import AccessRecord
from casemgmt.core.search import name_grams, query_grams, text_grams
from cases.models import Client

from .factories import ClientFactory, dong

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("홍길동", "ㅎㄱㄷ"),
        ("남궁 민수", "ㄴㄱㅁㅅ"),
        ("쌍둥이", "ㅆㄷㅇ"),
        ("Kim 영희", "kimㅇㅎ"),
        ("", ""),
    ],
)
def test_initial_consonants_of_a_name(name, initials):
    assert initial_consonants(name) == initials


def test_only_consonants_make_an_initials_query():
    assert is_initials("ㅎㄱㄷ") and is_initials("ㅎ ㄱ")
    assert not is_initials("홍ㄱㄷ") and not is_initials("길동") and not is_initials("")


def test_the_initials_follow_a_change_of_name(user_in_dong):
    client = ClientFactory(dong=dong("능동"), name="홍길동")
    assert Client.objects.get(pk=client.pk).name_initials == "ㅎㄱㄷ"
    client.name = "홍길순"
    client.save(update_fields=["name"])
    assert Client.objects.get(pk=client.pk).name_initials == "ㅎㄱㅅ"


@pytest.fixture
def people(user_in_dong, user_other_dong):
    from . import lifecycle

    hong = ClientFactory(dong=dong("능동"), name="홍길동")
    ClientFactory(dong=dong("능동"), name="김철수")
    other = ClientFactory(dong=dong("구의제1동"), name="홍길순")
    case = lifecycle.intake(user_in_dong, hong, lifecycle.EXAMPLES["violence_and_drinking"]).case
    return hong, other, case


def _found(client, q):
    context = client.get(reverse("cases:search"), {"q": q}).context
    found = context["found"]
    return (
        None
        if found is None
        else ([c.name for c in found["clients"]], [c.number for c in found["cases"]])
    )


def test_two_syllables_initials_or_a_number_find_the_client_and_the_case(
    client, user_in_dong, people
):
    hong, _other, case = people
    client.force_login(user_in_dong)
    assert _found(client, "길동") == (["홍길동"], [case.number])
    assert _found(client, "ㅎㄱㄷ") == (["홍길동"], [case.number])
    assert _found(client, "ㄱㄷ") == (["홍길동"], [case.number])
    assert _found(client, case.number[-6:]) == ([], [case.number])
    assert _found(client, "ㅎ") is None  # one letter is too little
    page = client.get(reverse("cases:search"), {"q": "홍"}).content.decode()
    assert "2글자 이상" in page


def test_the_search_never_shows_another_dongs_client(
    client, user_in_dong, user_other_dong, gu_staff, people
):
    client.force_login(user_in_dong)
    assert _found(client, "ㅎㄱ")[0] == ["홍길동"]
    client.force_login(user_other_dong)
    assert _found(client, "ㅎㄱ") == (["홍길순"], [])
    client.force_login(gu_staff)
    assert sorted(_found(client, "ㅎㄱ")[0]) == ["홍길동", "홍길순"]


def test_a_search_is_recorded_with_the_clients_shown_but_not_the_words(
    client, user_in_dong, people
):
    hong, _other, _case = people
    client.force_login(user_in_dong)
    client.get(reverse("cases:search"), {"q": "ㅎㄱㄷ"})
    record = AccessRecord.objects.get(target="cases:search")
    assert record.client_ids == [hong.pk]
    assert "ㅎ" not in record.path and record.path.endswith("q=*")


def test_the_search_box_is_in_the_top_bar_for_officers_only(client, user_in_dong, sysadmin):
    client.force_login(user_in_dong)
    assert 'id="top-search"' in client.get(reverse("cases:client_list")).content.decode()
    client.force_login(sysadmin)
    assert 'id="top-search"' not in client.get(reverse("work:dashboard")).content.decode()


# --- the search pieces (casemgmt/core/search.py): the index that makes part-of-a-name fast ---------
def test_a_name_is_stored_with_its_two_letter_pieces_and_those_of_its_initials():
    assert name_grams("홍길동") == {"홍길", "길동", "ㅎㄱ", "ㄱㄷ"}
    assert name_grams("남궁 민수") == {"남궁", "궁민", "민수", "ㄴㄱ", "ㄱㅁ", "ㅁㅅ"}
    assert text_grams("010-1234", "능동로 12") == {
        "01", "10", "0-", "-1", "12", "23", "34", "능동", "동로",
    }  # fmt: skip
    assert query_grams("길동") == ["길동"]
    assert query_grams("ㅎㄱㄷ") == ["ㄱㄷ", "ㅎㄱ"]
    assert query_grams("홍") == []  # one letter: no piece, only the exact test


def test_the_pieces_follow_a_change_of_name_phone_or_address(user_in_dong):
    client = ClientFactory(dong=dong("능동"), name="홍길동", phone="", address="능동로 1")
    client.name, client.phone, client.address = "김하늘", "010-9876-5432", "천호대로 7"
    client.save(update_fields=["name", "phone", "address"])
    grams = set(Client.objects.get(pk=client.pk).search_grams)
    assert {"하늘", "ㄱㅎ", "98", "천호"} <= grams and "길동" not in grams and "능동" not in grams


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("길동", ["홍길동", "길동홍길"]),
        ("홍길동", ["홍길동"]),  # 길동홍길 holds its pieces 홍길 and 길동, not the name
        ("ㅎㄱㄷ", ["홍길동"]),
        ("ㄱㄷ", ["홍길동", "길동홍길"]),
        ("동홍", ["길동홍길"]),
        ("9876", ["홍길동"]),
        ("아차산로", ["길동홍길"]),
        ("아차산로 5", ["길동홍길"]),
        ("%", []),  # LIKE's wildcards are letters here, on SQLite as on PostgreSQL
        ("_동", []),
    ],
)
def test_the_client_list_finds_part_of_a_name_initials_phone_or_address(
    client, user_in_dong, q, found
):
    ClientFactory(dong=dong("능동"), name="홍길동", phone="010-9876-5432", address="능동로 3")
    ClientFactory(dong=dong("능동"), name="길동홍길", phone="", address="아차산로 55")
    ClientFactory(dong=dong("능동"), name="김철수", phone="", address="능동로 9")
    client.force_login(user_in_dong)
    page = client.get(reverse("cases:client_list"), {"q": q}).context["page"]
    assert sorted(c.name for c in page) == sorted(found)


def test_the_case_list_finds_the_clients_name_by_its_pieces_and_a_number_by_its_digits(
    client, user_in_dong, people
):
    hong, _other, case = people
    client.force_login(user_in_dong)
    for q in ("길동", "ㅎㄱㄷ", case.number[-4:], case.number):
        page = client.get(reverse("cases:case_list"), {"q": q}).context["page"]
        assert [c.number for c in page] == [case.number], q
    assert not client.get(reverse("cases:case_list"), {"q": "철수"}).context["page"].object_list


def test_the_name_search_asks_the_index_on_postgresql_and_likes_on_sqlite(user_in_dong, people):
    from django.db import connection

    from cases.selectors import client_list

    sql = str(client_list(user=user_in_dong, filters={"q": "길동"}).query)
    if connection.vendor == "postgresql":
        assert "@>" in sql and "search_grams" in sql
    else:
        assert "search_grams" in sql and "LIKE" in sql
