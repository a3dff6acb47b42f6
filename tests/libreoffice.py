"""LibreOffice in tests: the real spreadsheet and word-processing engine, when installed."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def soffice_or_skip() -> str:
    """Path of soffice; skip when absent, except under CI where it must be installed."""
    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is missing in CI: .ci/run should install libreoffice-calc-nogui")
        pytest.skip("LibreOffice not installed (apt-get install libreoffice-calc-nogui)")
    return path


def convert_to_csv(xlsx: Path, out_dir: Path, profile: Path) -> dict[str, Path]:
    """Export every sheet as UTF-8 CSV with LibreOffice; returns {file stem: path}."""
    soffice = soffice_or_skip()
    csv_filter = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", csv_filter, "--outdir", str(out_dir), str(xlsx)],
                   check=True, capture_output=True, timeout=180)
    return {path.stem: path for path in out_dir.glob("*.csv")}


def python_with_uno() -> str | None:
    """A Python interpreter that can import LibreOffice's ``uno`` bridge, if any."""
    for candidate in ("/usr/lib/libreoffice/program/python", "/usr/bin/python3", shutil.which("python3")):
        if candidate and Path(candidate).exists() and Path(candidate).resolve() != Path(sys.executable).resolve():
            if subprocess.run([candidate, "-c", "import uno"], capture_output=True).returncode == 0:
                return candidate
    return None


# LibreOffice keeps the cached results of an xlsx file unless told to recalculate on load.
_RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def recalculated(workbooks: list[Path], out_dir: Path, profile: Path) -> list[Path]:
    """Open every workbook in LibreOffice (one call), recalculate every formula, save as xlsx
    in `out_dir`; returns the saved copies, in order.  Read them with openpyxl data_only=True."""
    soffice = soffice_or_skip()
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALCULATE_ON_LOAD, encoding="utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir),
                    *[str(path) for path in workbooks]], check=True, capture_output=True, timeout=900)
    return [out_dir / path.name for path in workbooks]
