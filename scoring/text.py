"""Numbers and yes/no answers as Vietnamese people write them, one definition for every page, file and message.

Written: 0,5 and 92,5 (decimal comma, no trailing zeros). Read: a decimal comma or dot ("92,5", "92.5"), or a
number cell as a spreadsheet gives it. Yes/no cells of every Excel import share one vocabulary.
"""

import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils import formats

YES_WORDS = frozenset({"có", "co", "x", "đúng", "dung", "yes", "true", "1"})
NO_WORDS = frozenset({"không", "khong", "sai", "no", "false", "0"})


def plain_number(number: Decimal | int) -> Decimal:
    """The number without trailing zeros: 0.50 → 0.5, 100.00 → 100 (written out in full, never as 1E+2)."""
    return Decimal(number).normalize()


def number_text(number: Decimal | int | None, *, empty: str = "") -> str:
    """Vietnamese notation whatever the page's language (0,5): file formats, stored summaries, rule messages."""
    if number is None:
        return empty
    return f"{plain_number(number):f}".replace(".", ",")


def localized_number(number: Decimal | int | None, decimal_places: int | None = None, *, empty: str = "") -> str:
    """The number in the active language (0,5 in Vietnamese, 0.5 in English): pages, form inputs, exports.

    Without `decimal_places`, trailing zeros are dropped; with it, exactly that many decimals are shown.
    """
    if number is None:
        return empty
    if decimal_places is None:
        return formats.number_format(plain_number(number))
    return formats.number_format(number, decimal_places)


def percent_done(done: int, total: int) -> int:
    """How much of a piece of work is done, in whole percent (0 when there is none): every progress bar's width."""
    return round(100 * done / total) if total else 0


def parse_decimal(value: object) -> Decimal | None:
    """A number typed with a decimal comma or dot, or a number cell; None when blank or not a number.

    What Decimal itself reads is kept ("NaN", "1e309"), so callers can say why such a number is refused.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text of the float: 0.1, not 0.1000000000000000055…
    text = str(value).strip()
    if not text:
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def normalised_word(value: object) -> str:
    """Compare words as people read them: trimmed, case-insensitive, one Unicode form, single spaces."""
    return " ".join(unicodedata.normalize("NFC", str(value)).casefold().split())


def parse_yes_no(value: object) -> bool | None:
    """True or False from a yes/no cell (có, x, đúng, 1 … / không, sai, 0 …); None when the cell is blank.

    Raises ValueError for any other answer; each import words its own message about the column.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return bool(value)
    word = normalised_word(value)
    if not word:
        return None
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValueError(word)
