"""What a permission-matrix row is made of; see the package docstring for how to write one."""
from dataclasses import dataclass, field

# Every kind of user the matrix signs in (tests/test_permission_matrix.py makes them).
KINDS = (
    "anonymous", "other_platform", "unrelated", "responsible", "deputy", "lead", "chair", "observer",
    "welfare", "municipal", "national", "admin",
)

# The fiscal year the rows' URLs point at (Gunma's loaded plan).
FY = 2025


def no_data(world):
    return {}


@dataclass
class Row:
    name: str  # URL name, with its namespace ("kpi:entry")
    url: callable  # world → path; may create what it needs that `world` lacks
    expected: dict  # kind → status, from statuses()
    responsible: str = ""  # fixture name of the responsible body's staff (the "responsible" kind)
    method: str = "get"  # "get" or "post"
    data: callable = field(default=no_data)  # world → POST data
    area: str = ""  # the module the row is in (set when collected): test ids start with it, for `-k <area>`


def statuses(anonymous, other_platform, unrelated, responsible, deputy, lead, chair, observer, *, welfare, municipal, national, admin):
    """The status each kind of user must get, in KINDS' order (the last four by keyword, so a row says them)."""
    return dict(zip(KINDS, (anonymous, other_platform, unrelated, responsible, deputy, lead, chair, observer, welfare, municipal, national, admin)))
