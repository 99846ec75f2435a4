"""The apps' import graph: the kernel knows no feature, and no two apps import each other.

Every import counts, including those inside functions: a cycle hidden in a function body is still
a cycle (it only moves the failure from start-up to the first call). The layers are the ones
docs/architecture.md describes; an app may import only apps on lower layers.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. An app may import the apps of any lower layer, never its own layer or a higher one.
LAYERS = [
    ["core"],
    ["members"],
    ["kpi"],
    ["plans"],
    ["municipal_pf", "proposals"],
    ["meetings"],
    ["exports"],
    ["imports"],
    ["dashboard", "onboarding"],
    ["platform_portal"],  # the project: settings, URLs, WSGI
]
LAYER_OF = {app: index for index, apps in enumerate(LAYERS) for app in apps}


def imported_apps(path: Path) -> set[str]:
    """The project apps a module imports anywhere in its body."""
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        apps.update(name.split(".")[0] for name in names if name.split(".")[0] in LAYER_OF)
    return apps


def app_imports() -> dict[str, dict[str, list[str]]]:
    """app → imported app → the modules that import it."""
    graph = {}
    for app in LAYER_OF:
        edges = graph.setdefault(app, {})
        for path in sorted((ROOT / app).rglob("*.py")):
            for other in imported_apps(path) - {app}:
                edges.setdefault(other, []).append(str(path.relative_to(ROOT)))
    return graph


def test_every_app_of_the_project_has_a_layer():
    from django.apps import apps

    project_apps = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
    assert project_apps | {"platform_portal"} == set(LAYER_OF)


def test_the_kernel_imports_no_feature_app():
    assert app_imports()["core"] == {}


@pytest.mark.parametrize("app", sorted(LAYER_OF))
def test_an_app_imports_only_lower_layers(app):
    upward = {
        other: modules for other, modules in app_imports()[app].items() if LAYER_OF[other] >= LAYER_OF[app]
    }
    assert upward == {}, f"{app} imports apps on its own or a higher layer (see docs/architecture.md)"


def test_the_check_sees_an_import_hidden_in_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from kpi.models import Kpi\n    import plans.roadmap\n", encoding="utf-8")
    assert imported_apps(module) == {"kpi", "plans"}
