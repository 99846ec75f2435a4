"""What a new platform still lacks before its work can start: the home page's setup checklist.

Computed from the data alone (one query), so an item is ticked as soon as its data exists, by
whatever screen or import brought it, and the checklist disappears when nothing is missing.
"""
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from core.access import may
from core.models import Platform
from dashboard.menu import Page
from members.models import MemberBody, RoleAssignment, User
from municipal_pf.models import Municipality
from plans.models import BusinessPlan, PlanCategory, ReportingPeriod

# Who is shown the checklist: those who set a platform up.
SETTING_UP = ("manage_members", "import_data", "edit_plan")


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    missing: str  # what to do, said when the step is not done
    pages: tuple[Page, ...]  # where to do it, the first the user may open


@dataclass(frozen=True)
class Item:
    label: str
    done: bool
    missing: str
    link_label: str = ""
    url: str = ""


class Checklist(list):
    """The items, in order; `missing` counts those not done."""

    @property
    def missing(self) -> int:
        return sum(not item.done for item in self)


IMPORTS = Page("データの取込", "imports:menu")
PLAN_SETTINGS = Page("計画の設定", "plans:settings_home")

STEPS = (
    Step("members", "構成員名簿", "事務局の機関のほかに、構成員（機関・団体）を登録してください。",
         (Page("構成員", "members:list"), IMPORTS)),
    Step("roles", "役割分担", "役割（事務局・相談支援など）と担当する機関・団体を登録してください。",
         (Page("役割分担", "members:roles"), IMPORTS)),
    Step("users", "利用者", "事務局と構成員の担当者を利用者として登録してください（一人ずつ招待のメールが届きます）。", (IMPORTS,)),
    Step("plan", "事業実施計画・工程表", "事業実施計画の工程表（取組・ＫＰＩ・目標）を取り込んでください。", (IMPORTS, PLAN_SETTINGS)),
    Step("categories", "支援対象者の類型", "事業実施計画の支援対象者の類型（定義と目標）を登録してください。", (PLAN_SETTINGS,)),
    Step("periods", "報告期間", "進捗報告の報告期間と報告期限を登録してください。", (PLAN_SETTINGS,)),
    Step("municipal", "市町村", "県内の市町村の一覧（全国地方公共団体コード）がありません。システム管理者に読み込みを依頼してください。",
         (Page("市町村ＰＦ", "municipal_pf:overview"),)),
)


def _count(queryset, group_by: str):
    return Coalesce(Subquery(queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


def done_steps(platform, plan) -> dict[str, bool]:
    """Which steps are done, as {step key: done}, in one query."""
    plan_id = plan.pk if plan else None
    facts = Platform.objects.filter(pk=platform.pk).values(
        # Prefixed: the platform's own relations bear the plain names.
        # As the 名簿 counts: the secretariat's departments are not other members.
        step_members=_count(MemberBody.objects.filter(platform=OuterRef("pk")).members(), "platform"),
        step_roles=Exists(RoleAssignment.objects.filter(role__platform=OuterRef("pk"))),
        step_users=_count(User.objects.filter(member_body__platform=OuterRef("pk")), "member_body__platform"),
        step_plan=Exists(BusinessPlan.objects.filter(platform=OuterRef("pk"))),
        step_categories=Exists(PlanCategory.objects.filter(plan_id=plan_id)),
        step_periods=Exists(ReportingPeriod.objects.filter(plan_id=plan_id)),
        step_municipal=Exists(Municipality.objects.filter(prefecture=OuterRef("prefecture"))),
    ).get()
    done = {key.removeprefix("step_"): bool(value) for key, value in facts.items()}
    # A platform is opened with its secretariat's body and first user; one more of each is a start.
    done["members"] = facts["step_members"] > 1
    done["users"] = facts["step_users"] > 1
    return done


def checklist(user, platform, plan) -> Checklist:
    """The steps for someone setting the platform up; empty when all are done or the user sets nothing up."""
    items = Checklist()
    if not any(may(user, code) for code in SETTING_UP):
        return items
    done = done_steps(platform, plan)
    if all(done[step.key] for step in STEPS):
        return items
    for step in STEPS:
        page = next((p for p in step.pages if p.allows(user)), None)
        items.append(Item(step.label, done[step.key], step.missing, page.label if page else "", page.url() if page else ""))
    return items
