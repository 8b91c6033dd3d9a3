"""Korean text as searching needs it: the initial consonants (초성) of a name.

홍길동 → ㅎㄱㄷ. Officers type ㅎㄱㄷ on a tablet when they half-remember a name; the client's
initials are stored beside the name (cases.models.Client.name_initials) so the search is an
indexed lookup, not a scan that decomposes every name.
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
