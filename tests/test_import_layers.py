"""The import layers hold by construction: ``make lint`` runs import-linter's contract from pyproject.toml,
and a lower layer importing a higher one breaks it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["afterschool", "scheduling", "enrollment", "safety", "fees"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the project's Python packages and its pyproject.toml, to break on purpose."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "locale"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_project_keeps_its_import_layers(tree):
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "upward"),
    [
        ("afterschool/register/wrong_way.py", "import scheduling.models\n", "scheduling"),
        ("scheduling/wrong_way.py", "from enrollment import models\n", "enrollment"),
        ("afterschool/reports/wrong_way.py", "import afterschool.home\n", "afterschool.home"),
    ],
)
def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(tree, module, line, upward):
    (tree / module).write_text(line, encoding="utf-8")
    result = _lint(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and upward in result.stdout
