from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exports.csv import ENCODINGS
from exports.registry import REGISTRY
from exports.services import render_and_log
from core.models import Platform


class Command(BaseCommand):
    help = "出力（Excel・CSV）をその場で作成してファイルに保存します。例: export progress_xlsx --platform gunma --fiscal-year 2025 --output 進捗.xlsx"

    def add_arguments(self, parser):
        parser.add_argument("export_id", choices=sorted(REGISTRY), help="出力の種類")
        parser.add_argument("--platform", required=True, help="プラットフォームの識別子（例: gunma）")
        parser.add_argument("--fiscal-year", type=int, required=True, help="年度（西暦、例: 2025）")
        parser.add_argument("--encoding", choices=sorted(ENCODINGS), default="utf-8-sig", help="CSV の文字コード")
        parser.add_argument("--output", required=True, help="保存するファイル")
        parser.add_argument("--section", action="append", dest="sections", help="協議会資料に含める章（複数指定可。省略時はすべて）")
        parser.add_argument("--meeting", type=int, help="協議会資料：第N回の次第・出席者名簿を含める")
        parser.add_argument("--variant", choices=["agenda", "minutes"], default="agenda", help="協議会資料：次第版（開催前）か議事概要版（開催後）か")
        parser.add_argument(
            "--provisional", action="store_true",
            help="ＫＰＩの実績を含む出力に、速報値（提出済・未承認）を「速報」の印付きで含める（省略時は確定値のみ）",
        )

    def handle(self, export_id, platform, fiscal_year, encoding, output, sections, meeting, variant, provisional, **options):
        found = Platform.objects.filter(code=platform).first()
        if found is None:
            raise CommandError(f"プラットフォーム「{platform}」がありません。")
        plan = found.plans.filter(fiscal_year=fiscal_year).first()
        if plan is None:
            raise CommandError(f"{found} の {fiscal_year} 年度の事業実施計画がありません。")
        if meeting and not plan.meetings.filter(number=meeting).exists():
            raise CommandError(f"{fiscal_year} 年度の第{meeting}回の協議会がありません。")
        file = render_and_log(
            export_id, plan, encoding=encoding, via="command", sections=sections or [], meeting=meeting, variant=variant, provisional=provisional,
        )
        Path(output).write_bytes(file.content)
        self.stdout.write(self.style.SUCCESS(f"{output} に保存しました（{len(file.content):,} バイト）。"))
