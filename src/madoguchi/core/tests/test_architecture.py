"""The layers of docs/architecture.md hold, and the check that keeps them would catch a breach.

`make lint` runs import-linter on the tree; these tests run it too, once on the tree as it is and
once on a copy with three breaches planted, so a contract that silently stopped matching (a
renamed app, a typo in .importlinter) fails here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
SRC = ROOT / "src"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(*, src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", str(ROOT / ".importlinter")],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_tree_keeps_every_contract(tmp_path: Path) -> None:
    result = _lint(src=SRC, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _plant(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


@pytest.fixture
def breached_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "src"
    shutil.copytree(
        SRC / "madoguchi",
        copy / "madoguchi",
        ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "templates", "data"),
    )
    package = copy / "madoguchi"
    # An arrow pointing up: the kernel learns about the staff console.
    _plant(package / "core" / "ttlcache.py", "from madoguchi.reception import selectors  # noqa")
    # Another app's models at run time instead of its selectors.
    _plant(package / "catalog" / "text.py", "from madoguchi.forms.models import FormVersion")
    # A cycle inside an app: the types of the form language importing its checks.
    _plant(package / "forms" / "types.py", "from madoguchi.forms import language  # noqa")
    return copy


def test_a_planted_breach_of_each_kind_fails_with_the_offending_import(
    breached_copy: Path, tmp_path: Path
) -> None:
    result = _lint(src=breached_copy, cwd=tmp_path)
    out = result.stdout
    assert result.returncode != 0
    assert "madoguchi.core.ttlcache -> madoguchi.reception.selectors" in out
    assert "madoguchi.core is not allowed to import madoguchi.reception" in out
    assert "Illegal imports of protected package madoguchi.forms.models:\n" in out
    assert "- madoguchi.catalog.text -> madoguchi.forms.models" in out
    assert "No cycles are allowed in madoguchi.forms." in out
    # Layers, acyclic and the forms surface: exactly the three planted.
    assert re.search(r"^Contracts: \d+ kept, 3 broken\.$", out, re.MULTILINE)
