"""Korean text as searching needs it: the initial consonants (초성) of a name.

홍길동 → ㅎㄱㄷ. Officers type ㅎㄱㄷ on a tablet when they half-remember a name; the client's
initials are stored beside the name (cases.models.Client.name_initials), and their two-letter
pieces in the client's search pieces (casemgmt/core/search.py), so the search is an index lookup,
not a scan that decomposes every name.
"""

SYLLABLE_FIRST, SYLLABLE_LAST = 0xAC00, 0xD7A3
SYLLABLES_PER_INITIAL = 21 * 28  # medial vowels × final consonants (with "none")
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


def initial_consonants(text: str) -> str:
    """The initial consonant of each Hangul syllable; other characters as they are (lower case),
    spaces dropped."""
    out = []
    for char in "".join((text or "").split()):
        code = ord(char)
        if SYLLABLE_FIRST <= code <= SYLLABLE_LAST:
            out.append(INITIALS[(code - SYLLABLE_FIRST) // SYLLABLES_PER_INITIAL])
        else:
            out.append(char.lower())
    return "".join(out)


def is_initials(text: str) -> bool:
    """True for a query of initial consonants only, such as ㅎㄱㄷ (spaces ignored)."""
    letters = "".join((text or "").split())
    return bool(letters) and all(char in INITIALS for char in letters)


# --- particles (조사) ------------------------------------------------------------------------------
# A particle's form follows the last sound of the word before it: 박영호는 / 김하늘은, 사례를 /
# 계획을, 서울로 / 부산으로 (ㄹ takes 로). Messages and printed forms put the right one after a
# known word instead of "은(는)"; blank forms keep the bracketed pair.
PARTICLES = {
    # pair: (after a final consonant, after a vowel)
    "은/는": ("은", "는"),
    "이/가": ("이", "가"),
    "을/를": ("을", "를"),
    "과/와": ("과", "와"),
    "으로/로": ("으로", "로"),
    "이나/나": ("이나", "나"),
    "이라/라": ("이라", "라"),
    "아/야": ("아", "야"),
}
FINAL_RIEUL = 8  # ㄹ among the 28 final-consonant slots (0: none)
# How a digit is read (영 일 이 삼 사 오 육 칠 팔 구): its final consonant slot, 0 for none.
DIGIT_FINALS = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}
# How a Latin letter is read aloud in Korean (에이, 비, … 엘, 엠, 엔, 알): L M N R end in a consonant.
LATIN_FINALS = {"l": 8, "m": 16, "n": 4, "r": 8}
CLOSING = ")]}>\"'’”」』》〉 .,·"


def final_consonant(word: str):
    """The final-consonant slot of the word's last sound (0: a vowel), or None when unknown."""
    text = (word or "").rstrip(CLOSING)
    if not text:
        return None
    char = text[-1]
    code = ord(char)
    if SYLLABLE_FIRST <= code <= SYLLABLE_LAST:
        return (code - SYLLABLE_FIRST) % 28
    if char.isdigit() and char in DIGIT_FINALS:
        return DIGIT_FINALS[char]
    if char.isascii() and char.isalpha():
        return LATIN_FINALS.get(char.lower(), 0)
    return None


def particle(word: str, pair: str) -> str:
    """The form of ``pair`` ("을/를", "은/는", …) that follows ``word``; the bracketed pair
    ("을(를)") when the last sound cannot be told."""
    with_final, without = PARTICLES[pair]
    final = final_consonant(str(word))
    if final is None:
        return f"{with_final}({without})"
    if pair == "으로/로" and final == FINAL_RIEUL:
        return without
    return with_final if final else without


def with_particle(word, pair: str) -> str:
    """``word`` followed by its particle when the page is in Korean; the word alone otherwise."""
    from django.utils.translation import get_language

    text = str(word)
    if not (get_language() or "").startswith("ko"):
        return text
    return text + particle(text, pair)


# --- dates -----------------------------------------------------------------------------------------
def korean_date(value) -> str:
    """A date as every page shows it (2026. 12. 2. in Korean): the active language's format."""
    from django.utils import formats

    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def korean_datetime(value, *, seconds=False) -> str:
    """A moment in Seoul as every page shows it (2026. 12. 2. 14:05[:09])."""
    from django.utils import formats, timezone

    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    text = formats.date_format(local, "SHORT_DATETIME_FORMAT")
    return f"{text}:{local:%S}" if seconds else text
