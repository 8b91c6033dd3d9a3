"""Particles (조사) chosen from the last sound of the word: one function, table-driven."""

import pytest
from django.template import Context, Template
from django.utils import translation

from casemgmt.core.korean import particle, with_particle

CASES = [
    # word, pair, expected particle
    ("박영호", "은/는", "는"),
    ("김하늘", "은/는", "은"),
    ("사례", "을/를", "를"),
    ("능동-2026-0012", "을/를", "를"),  # 이 (2): a vowel
    ("능동-2026-0013", "을/를", "을"),  # 삼 (3): ㅁ
    ("능동-2026-0017", "으로/로", "로"),  # 칠 (7): ㄹ takes 로
    ("능동-2026-0010", "으로/로", "으로"),  # 영 (0): ㅇ
    ("새싹꿈 지역아동센터)", "이/가", "가"),  # a closing bracket is skipped
    ("구청 통합사례관리팀", "과/와", "과"),
    ("서울", "으로/로", "로"),
    ("부산", "으로/로", "으로"),
    ("학교", "으로/로", "로"),
    ("NGO", "이/가", "가"),  # 오: a vowel
    ("SNL", "이/가", "이"),  # 엘: a consonant
    ("CM", "은/는", "은"),
    ("PC", "을/를", "를"),
    ("응우옌티투", "이/가", "가"),
    ("🙂", "은/는", "은(는)"),  # unknown: the bracketed pair
    ("", "을/를", "을(를)"),
]


@pytest.mark.parametrize(("word", "pair", "expected"), CASES)
def test_the_particle_follows_the_last_sound(word, pair, expected):
    assert particle(word, pair) == expected


def test_the_filter_adds_the_particle_only_in_korean():
    template = Template('{% load korean_tags %}{{ name|josa:"은/는" }} {{ case|josa:"을/를" }}')
    context = Context({"name": "박영호", "case": "능동-2026-0012"})
    with translation.override("ko"):
        assert template.render(context) == "박영호는 능동-2026-0012를"
    with translation.override("en"):
        assert template.render(context) == "박영호 능동-2026-0012"
        assert with_particle("김하늘", "은/는") == "김하늘"
