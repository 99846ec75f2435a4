from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from imports import services
from imports.kinds import KINDS
from imports.models import ImportRun
from members.models import User
from core.audit import audit_scope
from core.models import Platform


class Command(BaseCommand):
    help = (
        "Excel・CSV を画面の「データの取込」と同じ検査で取り込みます。エラーが1件でもあれば何も保存しません。"
        "例: import_file figures 実績.csv --platform gunma --fiscal-year 2025 --user lead"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="取込の種類")
        parser.add_argument("path", help="取り込むファイル（xlsx または csv）")
        parser.add_argument("--platform", required=True, help="プラットフォームの識別子（例: gunma）")
        parser.add_argument("--fiscal-year", type=int, help="年度（工程表・ＫＰＩ月次実績のとき）")
        parser.add_argument("--user", help="変更履歴に記録する利用者のユーザー名")
        parser.add_argument("--dry-run", action="store_true", help="確認だけを行い、保存しません")

    def handle(self, kind, path, platform, fiscal_year, user, dry_run, **options):
        import_kind = KINDS[kind]
        found = Platform.objects.filter(code=platform).first()
        if found is None:
            raise CommandError(f"プラットフォーム「{platform}」がありません。")
        if import_kind.per_plan and not fiscal_year:
            raise CommandError(f"{import_kind.name}の取込には --fiscal-year を指定してください。")
        plan = services.plan_for(import_kind, found, fiscal_year, create=True)
        if import_kind.per_plan and plan is None:
            raise CommandError(f"{found} の {fiscal_year} 年度の事業実施計画がありません。")
        actor = User.objects.filter(username=user).first() if user else None
        if user and actor is None:
            raise CommandError(f"利用者「{user}」がありません。")
        file = Path(path)
        with audit_scope():
            run = services.upload(import_kind, platform=found, plan=plan, user=actor, uploaded=SimpleUploadedFile(file.name, file.read_bytes()))
            if run.status == ImportRun.Status.PREVIEWED and not dry_run:
                run = services.confirm(import_kind, run, plan=plan, user=actor)
        for issue in run.issues:
            self.stderr.write(issue["text"])
        counts = "・".join(f"{label} {run.counts.get(key, 0)}行" for key, label in (("new", "新規"), ("update", "更新"), ("skip", "変更なし")))
        if run.issues:
            raise CommandError(f"エラーが {len(run.issues)} 件あるため、何も保存していません。")
        verb = "確認しました（保存していません）" if dry_run else "取り込みました"
        self.stdout.write(self.style.SUCCESS(f"{file.name} を{verb}：{counts}"))
