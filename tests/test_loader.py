"""Loading a platform definition: clear errors that name the place, and nothing half-saved."""
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from members.models import MemberBody
from onboarding.loader import LoadError, load_directory
from core.models import Platform

SAMPLE = "fixtures/sample_tochigi"


@pytest.fixture
def sample_dir(tmp_path, settings):
    target = tmp_path / "pref"
    shutil.copytree(settings.BASE_DIR / SAMPLE, target)
    return target


def edit(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_sample_loads_into_its_own_platform(sample_dir, db):
    result = load_directory(sample_dir)
    assert result.platform.code == "sample-tochigi"
    assert result.platform.prefecture.name == "栃木県"
    assert [p.fiscal_year for p in result.plans] == [2025]
    assert result.platform.member_bodies.filter(membership=MemberBody.Membership.OBSERVER).count() == 1


def test_unknown_category_names_the_row_and_saves_nothing(sample_dir, db):
    edit(sample_dir / "platform.json", lambda d: d["member_bodies"][2].update(category="存在しない区分"))
    with pytest.raises(LoadError, match=r"member_bodies\[2\]: 区分「存在しない区分」が見つかりません。"):
        load_directory(sample_dir)
    assert not Platform.objects.filter(code="sample-tochigi").exists()


def test_unknown_responsible_party_in_the_plan_rolls_back_the_platform_too(sample_dir, db):
    edit(sample_dir / "plan_2025.json", lambda d: d["sections"][0]["measures"][0].update(responsible=["県"]))
    with pytest.raises(LoadError, match=r"sections\[0\]\.measures\[0\]: 実施主体「県」が見つかりません。"):
        load_directory(sample_dir)
    assert not Platform.objects.filter(code="sample-tochigi").exists()
    assert not MemberBody.objects.filter(name="栃木労働局").exists()


def test_unknown_permission_code_is_refused(sample_dir, db):
    edit(sample_dir / "platform.json", lambda d: d["access_roles"][0]["permissions"].append("launch_rockets"))
    with pytest.raises(LoadError, match=r"access_roles\[0\]: 未定義の権限コードです: launch_rockets"):
        load_directory(sample_dir)


def test_bad_kpi_kind_is_refused_with_the_allowed_values(sample_dir, db):
    edit(sample_dir / "plan_2025.json", lambda d: d["sections"][0]["measures"][0]["kpis"][0].update(measure_type="件数"))
    with pytest.raises(LoadError, match="count / rate / qualitative"):
        load_directory(sample_dir)


def test_bad_date_is_refused(sample_dir, db):
    edit(sample_dir / "platform.json", lambda d: d.update(established_on="令和2年6月1日"))
    with pytest.raises(LoadError, match="established_on: 日付「令和2年6月1日」は YYYY-MM-DD 形式"):
        load_directory(sample_dir)


def test_broken_json_names_line_and_column(sample_dir, db):
    (sample_dir / "plan_2025.json").write_text('{\n  "fiscal_year": 2025,\n  oops\n}', encoding="utf-8")
    with pytest.raises(LoadError, match="3行目 3列目"):
        load_directory(sample_dir)


def test_rate_kpi_without_numerator_and_denominator_is_refused(sample_dir, db):
    edit(
        sample_dir / "plan_2025.json",
        lambda d: d["sections"][0]["measures"][0]["kpis"][0].update(measure_type="rate", target_period="none"),
    )
    with pytest.raises(LoadError, match=r"sections\[0\]\.measures\[0\]\.kpis\[0\]: 率の指標には分子と分母の名称"):
        load_directory(sample_dir)
    assert not Platform.objects.filter(code="sample-tochigi").exists()


def test_existing_plan_is_kept_unless_replaced(sample_dir, db):
    first = load_directory(sample_dir).plans[0]
    edit(sample_dir / "plan_2025.json", lambda d: d.update(title="改訂版"))
    again = load_directory(sample_dir)
    assert again.plans == [] and again.skipped_plans[0].pk == first.pk
    assert again.skipped_plans[0].title != "改訂版"
    replaced = load_directory(sample_dir, replace_plans=True).plans[0]
    assert replaced.title == "改訂版"


def test_command_reports_errors_as_command_errors(sample_dir, db):
    edit(sample_dir / "platform.json", lambda d: d.update(prefecture="99"))
    with pytest.raises(CommandError, match="都道府県コード「99」が見つかりません"):
        call_command("load_platform", str(sample_dir))


def test_missing_required_key_names_its_place(sample_dir, db):
    edit(sample_dir / "platform.json", lambda d: d["member_bodies"][1].pop("name"))
    with pytest.raises(LoadError, match=r"member_bodies\[1\]\.name: 必須の項目がありません。"):
        load_directory(sample_dir)


def test_unknown_role_function_is_refused_not_saved(sample_dir, db):
    edit(sample_dir / "platform.json", lambda d: d["roles"][0].update(function="king"))
    with pytest.raises(LoadError, match=r"roles\[0\]: .*king"):
        load_directory(sample_dir)
    assert not Platform.objects.filter(code="sample-tochigi").exists()


def test_reporting_period_outside_the_fiscal_year_is_refused(sample_dir, db):
    period = {"name": "上半期", "starts_on": "2025-04-01", "ends_on": "2026-09-30"}
    edit(sample_dir / "plan_2025.json", lambda d: d.update(reporting_periods=[period]))
    with pytest.raises(LoadError, match=r"reporting_periods\[0\]: 報告期間は2025年度"):
        load_directory(sample_dir)


def test_duplicate_section_number_is_refused_with_its_place(sample_dir, db):
    edit(sample_dir / "plan_2025.json", lambda d: d["sections"].append(dict(d["sections"][0], measures=[])))
    with pytest.raises(LoadError, match=r"sections\[1\]: "):
        load_directory(sample_dir)


def test_municipalities_of_another_prefecture_are_refused(sample_dir, db, settings):
    shutil.copy(settings.BASE_DIR / "fixtures" / "gunma" / "municipalities.json", sample_dir / "municipalities.json")
    with pytest.raises(LoadError, match="市町村は栃木県（09）のものにしてください"):
        load_directory(sample_dir)


def test_a_municipality_code_of_another_prefecture_is_never_moved(sample_dir, db, gunma):
    data = {"prefecture": "09", "municipalities": [{"code": "10201", "name": "前橋市", "kind": "city"}]}
    (sample_dir / "municipalities.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(LoadError, match=r"municipalities\[0\]\.code: 団体コード「10201」は栃木県の5桁のコード"):
        load_directory(sample_dir)
    from municipal_pf.models import Municipality

    assert Municipality.objects.get(code="10201").prefecture.name == "群馬県"


def test_command_says_which_plans_were_kept(sample_dir, db):
    from io import StringIO

    call_command("load_platform", str(sample_dir), stdout=StringIO())
    out = StringIO()
    call_command("load_platform", str(sample_dir), stdout=out)
    assert "2025年度の計画は既にあるため取り込みませんでした" in out.getvalue()
