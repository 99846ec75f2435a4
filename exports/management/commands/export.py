from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exports.csv import ENCODINGS
from exports.registry import REGISTRY
from exports.services import render_and_log
from platform_portal.models import Platform


class Command(BaseCommand):
    help = "出力（Excel・CSV）をその場で作成してファイルに保存します。例: export progress_xlsx --platform gunma --fiscal-year 2025 --output 進捗.xlsx"

    def add_arguments(self, parser):
        parser.add_argument("export_id", choices=sorted(REGISTRY), help="出力の種類")
        parser.add_argument("--platform", required=True, help="プラットフォームの識別子（例: gunma）")
        parser.add_argument("--fiscal-year", type=int, required=True, help="年度（西暦、例: 2025）")
        parser.add_argument("--encoding", choices=sorted(ENCODINGS), default="utf-8-sig", help="CSV の文字コード")
        parser.add_argument("--output", required=True, help="保存するファイル")
        parser.add_argument("--section", action="append", dest="sections", help="協議会資料に含める章（複数指定可。省略時はすべて）")

    def handle(self, export_id, platform, fiscal_year, encoding, output, sections, **options):
        found = Platform.objects.filter(code=platform).first()
        if found is None:
            raise CommandError(f"プラットフォーム「{platform}」がありません。")
        plan = found.plans.filter(fiscal_year=fiscal_year).first()
        if plan is None:
            raise CommandError(f"{found} の {fiscal_year} 年度の事業実施計画がありません。")
        file = render_and_log(export_id, plan, encoding=encoding, via="command", sections=sections or [])
        Path(output).write_bytes(file.content)
        self.stdout.write(self.style.SUCCESS(f"{output} に保存しました（{len(file.content):,} バイト）。"))
