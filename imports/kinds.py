"""The kinds of import the portal offers: what each holds, who may run it, and its resource."""
from dataclasses import dataclass

from django.http import Http404

from core.access import may, require

from imports.resources.figures import FigureResource
from imports.resources.members import MemberBodyResource, RoleAssignmentResource
from imports.resources.municipal import MunicipalPlatformResource
from imports.resources.roadmap import RoadmapResource
from imports.resources.users import UserResource


@dataclass(frozen=True)
class ImportKind:
    id: str
    name: str
    description: str
    resource: type
    permissions_all_of: tuple[str, ...]  # every one is needed, on top of the menu's
    per_plan: bool = False  # figures and the roadmap belong to one fiscal year's plan


KINDS = {
    kind.id: kind
    for kind in (
        ImportKind("members", "構成員名簿", "区分・名称・参加形態（構成員／オブザーバー）など。名称が同じ行は更新します。", MemberBodyResource, ("import_data", "manage_members")),
        ImportKind("roles", "役割分担", "役割と担当する機関・団体・部局・グループ（主担当・副担当）。新しい役割名は追加します。", RoleAssignmentResource, ("import_data", "manage_members")),
        ImportKind("users", "利用者", "ユーザー名・氏名・所属・権限ロール。新しい利用者はパスワード設定のメールで利用を始めます。", UserResource, ("import_data", "manage_members")),
        ImportKind("roadmap", "工程表（取組・ＫＰＩ・目標）", "項目・取組・実施主体・ＫＰＩと目標値。年度の計画に取り込みます。", RoadmapResource, ("import_data", "edit_plan"), per_plan=True),
        ImportKind("figures", "ＫＰＩ月次実績", "取組・指標名・入力機関・対象月ごとの実績。1万行まで一括で取り込めます。", FigureResource, ("import_data", "approve_figures"), per_plan=True),
        ImportKind("municipal", "市町村プラットフォーム", "市町村ごとの設置状況・事務局・会議体・ネットワーク構築状況。", MunicipalPlatformResource, ("manage_municipal",)),
    )
}


def allowed_kinds(user) -> list[ImportKind]:
    return [kind for kind in KINDS.values() if all(may(user, code) for code in kind.permissions_all_of)]


def get_kind(user, kind_id: str) -> ImportKind:
    """The kind, if the user may run it: 404 for an unknown kind, 403 for a forbidden one."""
    try:
        kind = KINDS[kind_id]
    except KeyError:
        raise Http404("その取込の種類はありません。") from None
    for code in kind.permissions_all_of:
        require(user, code)
    return kind
