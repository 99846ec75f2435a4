"""Loading a platform definition: clear errors that name the place, and nothing half-saved."""
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from members.models import MemberBody
from platform_portal.loader import LoadError, load_directory
from platform_portal.models import Platform

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
    with pytest.raises(LoadError, match="未定義の権限コード launch_rockets"):
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
    assert load_directory(sample_dir).plans[0].pk == first.pk
    replaced = load_directory(sample_dir, replace_plans=True).plans[0]
    assert replaced.title == "改訂版"


def test_command_reports_errors_as_command_errors(sample_dir, db):
    edit(sample_dir / "platform.json", lambda d: d.update(prefecture="99"))
    with pytest.raises(CommandError, match="都道府県コード「99」が見つかりません"):
        call_command("load_platform", str(sample_dir))
