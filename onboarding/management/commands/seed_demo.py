from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from kpi.demo import generate_demo_figures, generate_demo_submissions
from members.demo import DEMO_PASSWORD, create_demo_representatives, create_demo_users, enrol_demo_second_factor
from meetings.demo import generate_demo_meetings
from municipal_pf.demo import create_demo_municipal_user, generate_demo_municipal
from plans.demo import generate_demo_progress
from onboarding.loader import load_directory
from proposals.demo import generate_demo_proposals


class Command(BaseCommand):
    help = "デモ用に群馬県のデータ・デモ利用者・令和7年度の架空の月次実績を作成します（本番では使わないでください）。"

    def add_arguments(self, parser):
        parser.add_argument("--no-figures", action="store_true", help="架空の月次実績を作りません")

    @transaction.atomic
    def handle(self, no_figures, **options):
        result = load_directory(settings.BASE_DIR / "fixtures" / "gunma")
        generate_demo_municipal(result.platform)
        create_demo_representatives(result.platform)  # before the meetings: their attendee lists are filled from it
        users = create_demo_users(result.platform)
        users.append(create_demo_municipal_user(result.platform))
        figures = 0
        if not no_figures:
            for plan in result.platform.plans.all():
                figures += generate_demo_figures(plan)
                generate_demo_submissions(plan)
        for plan in result.platform.plans.all():
            generate_demo_progress(plan)
            generate_demo_meetings(plan)
        generate_demo_proposals(result.platform)
        self.stdout.write(self.style.SUCCESS(f"{result.platform} のデモデータを用意しました（架空の月次実績 {figures} 件）。"))
        self.stdout.write(f"デモ利用者（パスワードはすべて {DEMO_PASSWORD}）:")
        for user in users:
            roles = "、".join(r.name for r in user.access_roles.all())
            self.stdout.write(f"  {user.username:<12} {user.member_body or '（所属なし）'} / {roles}")
        secrets = enrol_demo_second_factor(users)
        self.stdout.write("二要素認証が必須の利用者の認証アプリ用の秘密鍵（デモ用。確認コードは manage.py demo_totp <ユーザー名> でも表示できます）:")
        for username, secret in secrets.items():
            self.stdout.write(f"  {username:<12} {secret}")
