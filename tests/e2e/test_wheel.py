"""A wheel is enough: built, installed into a fresh venv, `demo` and `letters` run from it.

The letter and workbook templates ship inside the wheel as package data, so nothing is
built at run time.  The venv reuses this interpreter's installed dependencies (a path file
to its site-packages) and installs the wheel with --no-deps, so no dependency is downloaded.
"""
from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.e2e.conftest import AS_OF

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(*command: object, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh venv with the wheel of this checkout installed."""
    root = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", root / "dist", REPO, cwd=root)
    wheel = next((root / "dist").glob("xlsx_tools-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "xlsx_tools/_templates/letter_templates/zh/demand.docx" in names
    assert "xlsx_tools/_templates/workbook_templates/collections_en.xlsm" in names
    assert "xlsx_tools/_templates/report_templates/zh/monthly_report.docx" in names
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=root).stdout.strip())
    # The wheel first: with the host's site-packages already visible, pip would find the host's own
    # (non-editable) xlsx_tools there, call the requirement satisfied and install nothing.
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", wheel, cwd=root)
    (site / "host_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return env_dir / "bin"


def test_wheel__demo_and_letters_run_from_the_installed_package(installed: Path, tmp_path: Path) -> None:
    where = _run(installed / "python", "-c", "import xlsx_tools.shipped as s; print(s.LETTER_TEMPLATES)",
                 cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(installed.parent), where      # the wheel's copy, not the checkout's
    demo = _run(installed / "xlsx-tools", "demo", tmp_path, "--as-of", AS_OF.isoformat(), "--lang", "en",
                cwd=tmp_path)
    assert "Top 5 priorities:" in demo.stdout
    book = tmp_path / "collections_demo_en.xlsx"
    _run(installed / "xlsx-tools", "letters", book, "--out", tmp_path / "letters", "--as-of", AS_OF.isoformat(),
         cwd=tmp_path)
    letters = list((tmp_path / "letters").rglob("*.docx"))
    assert letters and all(path.stat().st_size > 0 for path in letters)
