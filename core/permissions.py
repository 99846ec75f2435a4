"""The catalogue of portal permissions.

The catalogue is code because each permission guards a feature the code implements; which role
holds which permission is data (members.AccessRole.permissions), so each platform decides it.
"""

PERMISSIONS: dict[str, str] = {
    "view_plan": "事業実施計画・工程表の閲覧",
    "edit_plan": "事業実施計画・工程表の編集",
    "view_figures": "KPI実績の閲覧",
    # Confirmed (approved) figures are for every reader; what is not yet approved — 速報値, entry
    # grids, each cell's history with staff names — only for the body that entered it (through
    # enter_own_figures) and for the holders of this permission (the secretariat).
    "view_unconfirmed_figures": "未確定のKPI実績（速報値・入力中・差戻し）と入力履歴の閲覧（全機関）",
    "enter_own_figures": "自機関のKPI実績の入力・提出",
    "approve_figures": "KPI実績の承認・差戻し・再開",
    "send_reminders": "未入力機関への督促",
    "report_own_progress": "自機関の進捗報告",
    "review_progress": "進捗報告の確認（コメント・確認・差戻し）",
    "consolidate_progress": "進捗報告のとりまとめ",
    "submit_proposal": "政策提案の提出",
    "handle_proposal": "政策提案への対応",
    "view_meetings": "協議会・会議資料の閲覧",
    "manage_meetings": "協議会の運営・会議資料の作成",
    "view_municipal": "市町村ＰＦ情報の閲覧",
    "manage_municipal": "市町村ＰＦ情報の管理",
    "report_own_municipal": "自市町村ＰＦの報告",
    "manage_members": "構成員・役割・利用者の管理",
    "manage_platform_settings": "プラットフォームの設定（名称・ステージ・設置要領と改正・会議の開催・秘密の保持・座長）の編集",
    # Reading the settings and asking the holders of manage_platform_settings for a change (変更の提案).
    "propose_platform_settings": "プラットフォームの設定の閲覧と変更の提案",
    "import_data": "データの取込",
    "view_all_platforms": "全プラットフォームの閲覧（全国ビュー）",
    "administer_system": "システム管理",
}


def unknown_permissions(codes) -> list[str]:
    return sorted(set(codes) - PERMISSIONS.keys())
