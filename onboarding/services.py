"""Opening a platform for another prefecture: the part only a system administrator does.

Everything after this — the member list, roles, users, plan and roadmap — the new platform's
secretariat brings in through the portal's imports (README「新しいプラットフォームの開設」).
The access roles a new platform starts with are data (fixtures/default_access_roles.json).
"""
import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from members.models import AccessRole, MemberBody, User
from core.models import Platform, PlatformName, Prefecture

DEFAULTS_FILE = settings.BASE_DIR / "fixtures" / "default_access_roles.json"


@dataclass
class Opening:
    prefecture: Prefecture
    code: str
    name: str
    from_fiscal_year: int
    secretariat_body: str
    username: str
    display_name: str
    email: str


@transaction.atomic
def open_platform(opening: Opening) -> tuple[Platform, User]:
    platform = Platform(prefecture=opening.prefecture, code=opening.code)
    platform.full_clean()
    platform.save()
    PlatformName.objects.create(platform=platform, name=opening.name, from_fiscal_year=opening.from_fiscal_year)
    body = MemberBody.objects.create(platform=platform, name=opening.secretariat_body, order=1)
    defaults = json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
    roles = {
        item["code"]: AccessRole.objects.create(
            platform=platform, code=item["code"], name=item["name"], description=item.get("description", ""),
            permissions=item.get("permissions", []), requires_two_factor=item.get("requires_two_factor", False),
        )
        for item in defaults["access_roles"]
    }
    user = User(username=opening.username, display_name=opening.display_name, email=opening.email, member_body=body)
    # A password nobody knows: the first user sets their own from the e-mailed link (Django's
    # reset form skips users whose password is marked unusable).
    user.set_password(secrets.token_urlsafe(32))
    user.full_clean()
    user.save()
    user.access_roles.add(roles[defaults["first_user_role"]])
    return platform, user
