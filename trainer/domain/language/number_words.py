"""Figures said in words, as speech-to-text writes them, read back into the written forms the
readers know: "thirty nine pounds ninety nine" -> "£39.99", "thirty nine ninety nine" -> "39.99",
"one hundred and fifty" -> "150", "the twelfth of march" -> "the 12th of march", "five thirty p m"
-> "5:30 pm", "r f five five one two oh" -> "rf-55120". Works on single-spaced lower-case words."""

from __future__ import annotations

import re
from functools import lru_cache

_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_ORDINALS = {w: i for i, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split())}
_ORDINALS |= {"twentieth": 20, "thirtieth": 30}
_DIGIT = {**{w: i for w, i in _SMALL.items() if i < 10}, "oh": 0, "o": 0, "nought": 0}
_CURRENCY = {"pound": "£", "pounds": "£", "quid": "£", "dollar": "$", "dollars": "$",
             "euro": "€", "euros": "€"}
_PENCE = frozenset({"pence", "p", "cents", "cent", "penny"})
# Words after a number that make it a count of something, never the pence of a price.
_UNIT_AFTER = frozenset("minute minutes hour hours day days week weeks month months year years "
                        "working business calendar percent per times people items payments "
                        "calls letters emails texts nights fortnight fortnights".split())
_TIME_UNITS = frozenset("minute minutes hour hours day days week weeks month months year years "
                        "working business calendar nights".split())
# Words before a number that make "five thirty" a time of day.
_CLOCK_BEFORE = frozenset("at by from until till before after around about between".split())
_HALF_DAY = {"am": "am", "pm": "pm"}
_MONTH = re.compile(r"^(?:jan(?:uary)?|feb(?:ruary)?|march|apr(?:il)?|may|june?|july?|"
                    r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)$")
_WEEKDAY = re.compile(r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day$")
_DATE_BEFORE = frozenset("on by until till from before after since".split())
_LETTER = re.compile(r"^[a-z]$")
NUMBER_WORDS = frozenset([*_SMALL, *_TENS, *_ORDINALS, "hundred", "thousand", "oh", "double",
                          "triple", "point"])
MIN_DIGIT_RUN = 3  # digits said one by one, at least this many in a row: a code or a number
_ANY = re.compile(r"\b(?:" + "|".join([*_SMALL, *_TENS, *_ORDINALS, "hundred", "thousand",
                                       "oh", "double", "half", "quarter"]) + r")\b|"
                  r"\b(?:\w+)(?:st|nd|rd|th)\b")


def _cardinal(words: list[str], i: int) -> tuple[int, int] | None:
    """A number said in words from ``words[i]`` ('a hundred and fifty', 'fifteen hundred',
    'two thousand five hundred'): (value, index after it)."""
    total, current, last, j = 0, 0, "", i
    if j < len(words) and words[j] == "a" and j + 1 < len(words) and words[j + 1] in ("hundred", "thousand"):
        current, last, j = 1, "unit", j + 1
    while j < len(words):
        w = words[j]
        if w in _SMALL and (last in ("", "hundred", "thousand")
                            or last == "tens" and 0 < _SMALL[w] < 10):
            current += _SMALL[w]
            last = "unit" if last != "tens" else "tens_unit"
        elif w in _TENS and last in ("", "hundred", "thousand"):
            current += _TENS[w]
            last = "tens"
        elif w == "hundred" and last in ("unit", "tens_unit") and 0 < current < 100:
            current, last = current * 100, "hundred"
        elif w == "thousand" and last and last != "thousand" and total == 0 and current:
            total, current, last = current * 1000, 0, "thousand"
        elif w == "and" and last in ("hundred", "thousand") and j + 1 < len(words) \
                and _starts_number(words[j + 1]):
            pass
        else:
            break
        j += 1
    return (total + current, j) if last else None


def _starts_number(word: str) -> bool:
    return word in _SMALL or word in _TENS


def _digit_run(words: list[str], i: int) -> tuple[str, int]:
    """Digits said one by one ('five five one two oh', 'double four'): the digits and the end."""
    out, j = "", i
    while j < len(words):
        w = words[j]
        if w in ("double", "triple") and j + 1 < len(words) and words[j + 1] in _DIGIT:
            out += str(_DIGIT[words[j + 1]]) * (2 if w == "double" else 3)
            j += 2
        elif w in _DIGIT and (w not in ("oh", "o") or out):
            out += str(_DIGIT[w])
            j += 1
        else:
            break
    return out, j


def _ordinal(words: list[str], i: int) -> tuple[int, int] | None:
    w = words[i]
    if w in _TENS and i + 1 < len(words) and words[i + 1] in _ORDINALS \
            and 0 < _ORDINALS[words[i + 1]] < 10:
        return _TENS[w] + _ORDINALS[words[i + 1]], i + 2
    if w in _ORDINALS:
        return _ORDINALS[w], i + 1
    return None


def _is_date_ordinal(words: list[str], i: int, end: int, day: int) -> bool:
    """An ordinal that names a day: beside a month or a weekday, or 'on the fourth'."""
    after = words[end:end + 2]
    before = words[max(0, i - 2):i]
    if after[:1] and _MONTH.match(after[0]) or after[:2] and after[0] == "of" and \
            len(after) > 1 and _MONTH.match(after[1]):
        return True
    if before and (_MONTH.match(before[-1]) or _WEEKDAY.match(before[-1])):
        return True
    if len(before) == 2 and before[1] == "the" and (_MONTH.match(before[0]) or _WEEKDAY.match(
            before[0]) or before[0] in _DATE_BEFORE and day > 2):
        return True
    return False


def _suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _two_digits(words: list[str], i: int) -> tuple[int, int] | None:
    """The pence or minutes said after a number: 'ninety nine', 'oh five', 'fifteen'."""
    if i < len(words) and words[i] in ("oh", "o") and i + 1 < len(words) \
            and words[i + 1] in _SMALL and _SMALL[words[i + 1]] < 10:
        return _SMALL[words[i + 1]], i + 2
    found = _cardinal(words, i) if i < len(words) else None
    if found and 10 <= found[0] <= 99:
        return found
    return None


def _after_number(words: list[str], i: int, value: int, end: int) -> tuple[str, int]:
    """What a number said in words is, read with the words after it: a price, a time, a
    decimal or a plain number."""
    nxt = words[end] if end < len(words) else ""
    prev = words[i - 1] if i else ""
    if nxt in _CURRENCY:  # 'thirty nine pounds (and) ninety nine (pence)'
        k = end + 1 + (end + 1 < len(words) and words[end + 1] == "and")
        pence = _two_digits(words, k) or _cardinal(words, k)
        if pence and 0 < pence[0] < 100 and not (pence[1] < len(words)
                                                  and words[pence[1]] in _UNIT_AFTER):
            stop = pence[1] + (pence[1] < len(words) and words[pence[1]] in _PENCE)
            return f"{_CURRENCY[nxt]}{value}.{pence[0]:02d}", stop
        return f"{_CURRENCY[nxt]}{value}", end + 1
    if nxt in _PENCE and not (nxt == "p" and end + 1 < len(words) and words[end + 1] == "m") \
            and 0 < value < 100:
        return f"£0.{value:02d}", end + 1
    if nxt == "point":
        digits, stop = _digit_run(words, end + 1)
        if digits:
            return f"{value}.{digits}", stop
    half = _half_day(words, end)
    if half and 0 < value <= 12:
        return f"{value} {half[0]}", half[1]
    if nxt == "o'clock" and 0 < value <= 12:
        return f"{value}:00", end + 1
    two = _two_digits(words, end) if value < 1000 else None
    if two:
        minutes, stop = two
        half = _half_day(words, stop)
        if 0 < value <= 12 and minutes < 60 and (half or prev in _CLOCK_BEFORE):
            return (f"{value}:{minutes:02d} {half[0]}", half[1]) if half else \
                (f"{value}:{minutes:02d}", stop)
        after = words[stop] if stop < len(words) else ""
        if after not in _UNIT_AFTER:
            if value in (19, 20) and 10 <= minutes <= 49:
                return f"{value}{minutes:02d}", stop  # a year: 'twenty twenty six'
            return f"{value}.{minutes:02d}", stop  # a price: 'thirty nine ninety nine'
    return str(value), end


def _half_day(words: list[str], i: int) -> tuple[str, int] | None:
    """'pm', 'p m', 'in the evening' after a time."""
    if i < len(words) and words[i] in _HALF_DAY:
        return _HALF_DAY[words[i]], i + 1
    if i + 1 < len(words) and words[i] in ("a", "p") and words[i + 1] == "m":
        return words[i] + "m", i + 2
    return None


@lru_cache(maxsize=2048)
def written(text: str) -> str:
    """Figures said in words in single-spaced lower-case text, written as figures."""
    if not _ANY.search(text):
        return text
    words, out, i = text.split(" "), [], 0
    while i < len(words):
        w = words[i]
        digits, end = _digit_run(words, i)
        if len(digits) >= MIN_DIGIT_RUN and not _half_day(words, end):
            letters = _code_letters(words, out)
            if letters:
                del out[-len(letters):]
                out.append("".join(letters) + "-" + digits)
            else:
                out.append(digits)
            i = end
            continue
        ordinal = _ordinal(words, i)
        if ordinal and _is_date_ordinal(words, i, ordinal[1], ordinal[0]):
            out.append(f"{ordinal[0]}{_suffix(ordinal[0])}")
            i = ordinal[1]
            continue
        if w in ("half", "quarter") and i + 2 < len(words) and words[i + 1] in ("past", "to") \
                and words[i + 2] in _SMALL and 0 < _SMALL[words[i + 2]] <= 12:
            hour, minutes = _SMALL[words[i + 2]], 30 if w == "half" else 15
            if words[i + 1] == "to":
                hour, minutes = (hour - 2) % 12 + 1, 45
            out.append(f"{hour}:{minutes:02d}")
            i += 3
            continue
        number = _cardinal(words, i)
        if number:
            said, end = _after_number(words, i, *number)
            # one word for a plain number stays a word ('no one' is nobody, not a figure) unless
            # it counts time: 'five working days' is written '5 working days'
            plain = end == i + 1 and said == str(number[0])
            out.append(w if plain and (words[end] if end < len(words) else "") not in _TIME_UNITS
                       else said)
            i = end
            continue
        out.append(w)
        i += 1
    return " ".join(out)


def _code_letters(words: list[str], out: list[str]) -> list[str]:
    """Single letters said just before a run of digits ('r f' in 'r f five five one'), when
    they are a code's letters: at least two, or one that is not 'a' or 'i'."""
    letters: list[str] = []
    for w in reversed(out):
        if not _LETTER.match(w) or len(letters) == 5:
            break
        letters.insert(0, w)
    while letters and letters[0] in ("a", "i") and len(letters) == 1:
        letters.pop(0)
    return letters
