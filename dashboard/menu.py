"""The portal's menus: which pages they link to, and the pages the home page's shared fragments show.

Which permission a page needs is declared once, on its view (`core.access.requires_any` /
`requires_all` record `portal_permissions` and `portal_quantifier`). The menus read it from there,
so a link is shown exactly to those the page lets in; and the home page keys its shared fragments
(dashboard/views.py `HOME_VIEW_PERMISSIONS`) by the permissions of the pages they link to, so two
users served the same fragment see the same links.
"""
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.urls import resolve, reverse

from core.access import may
from kpi.reporting import reports_figures
from core.tenancy import user_platform_id

SAMPLE_YEAR = 2000  # any fiscal year: only the view behind the URL is looked up


@dataclass(frozen=True)
class Page:
    label: str
    url_name: str
    per_year: bool = False  # the URL takes the fiscal year being worked on
    more_args: tuple = ()  # sample values of any further URL arguments (a page that is not in a menu)
    # A data condition besides the view's permissions: (user, fiscal year) → whether the user has
    # anything to do there with their data (実績入力 for a body that reports no KPI is a dead end).
    has_data: Callable[[object, int | None], bool] | None = None

    @property
    def permissions(self) -> tuple[str, ...]:
        return self._rule()[0]

    @property
    def quantifier(self) -> str:
        """"any" or "all" of `permissions`."""
        return self._rule()[1]

    def allows(self, user) -> bool:
        permissions, quantifier, tenant = self._rule()
        if permissions and not {"any": any, "all": all}[quantifier](may(user, code) for code in permissions):
            return False
        # A platform's page answers 404 to a user outside every platform (a system administrator).
        return not tenant or _in_a_platform(user)

    def url(self, fiscal_year=None) -> str:
        return reverse(self.url_name, args=[fiscal_year] if self.per_year else [])

    def _rule(self):
        return _rule(self.url_name, ((SAMPLE_YEAR,) if self.per_year else ()) + self.more_args)


@cache
def _rule(url_name: str, args: tuple) -> tuple[tuple[str, ...], str, bool]:
    view = resolve(reverse(url_name, args=args)).func
    return (
        tuple(getattr(view, "portal_permissions", ())), getattr(view, "portal_quantifier", "any"),
        getattr(view, "portal_tenant", False),
    )


# The main menu, in its order (ホーム first: every signed-in user of a platform may open it).
MAIN_MENU = (
    Page("ホーム", "home"),
    Page("工程表", "plans:roadmap", per_year=True),
    Page("実績入力", "kpi:entry", per_year=True, has_data=reports_figures),
    Page("実績の承認", "kpi:approvals", per_year=True),
    Page("担当の取組", "plans:my_tasks", per_year=True),
    Page("進捗報告の確認", "plans:consolidation", per_year=True),
    Page("政策提案", "proposals:list"),
    Page("協議会", "meetings:list"),
    Page("資料の出力", "exports:menu", per_year=True),
    Page("市町村ＰＦ", "municipal_pf:overview"),
    Page("市町村ＰＦの報告", "municipal_pf:reports"),
    Page("構成員", "members:list"),
    Page("役割分担", "members:roles"),
)

# Beside the user's name, with the security settings. Opening a platform is the system
# administrator's, who belongs to no platform and so sees none of the platform's pages.
USER_MENU = (
    Page("データの取込", "imports:menu"), Page("プラットフォームの開設", "platforms"),
    Page("計画の設定", "plans:settings_home"), Page("プラットフォームの設定", "platform_settings:overview"),
)

# The pages the home page's cached fragments link to or show a panel of (templates/dashboard/home.html):
# its own months' entry, the tasks, the approvals waiting, the KPI dashboard with its charts and
# each body's entry grid.
HOME_PAGES = (
    Page("実績入力", "kpi:entry", per_year=True),
    Page("担当の取組", "plans:my_tasks", per_year=True),
    Page("実績の承認", "kpi:approvals", per_year=True),
    Page("月別のグラフ", "kpi:charts", per_year=True),
    Page("機関の実績入力表", "kpi:entry_body", per_year=True, more_args=(1,)),
)


def home_view_permissions() -> tuple[str, ...]:
    """Every permission that decides what the home page's shared fragments show, in a fixed order."""
    codes = []
    for page in HOME_PAGES:
        codes.extend(code for code in page.permissions if code not in codes)
    return tuple(codes)


def _in_a_platform(user) -> bool:
    # A member body's staff are, without a query; others through their municipal platform, if any.
    return bool(getattr(user, "member_body_id", None)) or user_platform_id(user) is not None


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool


def links(pages, user, *, fiscal_year=None, current_view: str = "") -> list[Link]:
    """The pages of a menu the user may open; pages by year only when there is a year to link to."""
    return [
        Link(page.label, page.url(fiscal_year), page.url_name == current_view)
        for page in pages
        if (fiscal_year is not None or not page.per_year) and page.allows(user)
        and (page.has_data is None or page.has_data(user, fiscal_year))
    ]
