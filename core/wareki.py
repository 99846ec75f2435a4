"""Japanese era (和暦) names of dates and fiscal years, from 昭和 on."""
from datetime import date, datetime

# (name, first day), oldest first.
ERAS: tuple[tuple[str, date], ...] = (
    ("昭和", date(1926, 12, 25)),
    ("平成", date(1989, 1, 8)),
    ("令和", date(2019, 5, 1)),
)

_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def era_year(d: date) -> tuple[str, int]:
    """The era in force on a date and the year within it: 2025-04-01 → ("令和", 7).

    A datetime is read by its own calendar date, so pass it in local time.
    """
    d = _as_date(d)
    for name, start in reversed(ERAS):
        if d >= start:
            return name, d.year - start.year + 1
    raise ValueError(f"{d.isoformat()} は昭和より前の日付のため、和暦に変換できません。")


def fiscal_era_year(fy: int) -> tuple[str, int]:
    """The era year a fiscal year is named by: 2019 → ("令和", 1).

    A fiscal year takes the name its starting calendar year has once that year is over, i.e. the era
    in force on December 31. This matches government usage on both sides of an era change:
    FY1988 is 昭和63年度 (平成 began in its January–March part) and FY2019 is 令和元年度 (令和 began in its May).
    """
    if fy <= ERAS[0][1].year:
        # FY1926 began under 大正, which this module does not know.
        raise ValueError(f"{fy}年度は昭和より前に始まる年度のため、和暦に変換できません。")
    return era_year(date(fy, 12, 31))


def format_era_year(era: str, n: int, *, full_width: bool = False) -> str:
    """"令和元年" for the first year, "令和7年" otherwise."""
    if n < 1:
        raise ValueError(f"元号の年は1以上です（{n}）。")
    return _digits(f"{era}{'元' if n == 1 else n}年", full_width)


def wareki_date(d: date, with_western: bool = False, *, full_width: bool = False) -> str:
    """"令和7年4月1日", or "令和7年4月1日（2025年）" with the western year."""
    d = _as_date(d)
    text = f"{format_era_year(*era_year(d))}{d.month}月{d.day}日"
    if with_western:
        text += f"（{d.year}年）"
    return _digits(text, full_width)


def wareki_month(d: date, *, full_width: bool = False) -> str:
    """"令和8年2月": a month (a monthly figure's 対象月) by the era in force on its first day."""
    d = _as_date(d)
    return _digits(f"{format_era_year(*era_year(d.replace(day=1)))}{d.month}月", full_width)


def wareki_fiscal_year(fy: int, with_western: bool = False, *, full_width: bool = False) -> str:
    """"令和7年度", or "令和7年度（2025年度）" with the western year."""
    text = f"{format_era_year(*fiscal_era_year(fy))}度"
    if with_western:
        text += f"（{fy}年度）"
    return _digits(text, full_width)


def _as_date(d: date) -> date:
    # A datetime does not compare with a date, and only its calendar date matters here.
    return d.date() if isinstance(d, datetime) else d


def _digits(text: str, full_width: bool) -> str:
    return text.translate(_FULL_WIDTH_DIGITS) if full_width else text
