"""Shared fixtures: a small ledger workbook, the demo workbook, and LibreOffice when present."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.workbooks import write_workbook

AS_OF = dt.date(2026, 11, 28)


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


@pytest.fixture
def small_book(tmp_path: Path) -> Path:
    """A ledger with one bad date, one total row, customers and a user sheet."""
    return write_workbook(tmp_path / "book.xlsx", {
        "应收台账": [
            ["单据号", "客户编号", "业务线", "开票日期", "到期日", "金额", "已收金额", "状态"],
            ["INV-001", "C1", "华东", dt.date(2026, 8, 1), dt.date(2026, 8, 31), 16409.02, None, None],
            ["INV-002", "C1", "华东", dt.date(2026, 10, 1), "2026/11/20", "¥1,000.00", 200, None],
            ["INV-003", "C2", "华南", dt.date(2026, 10, 1), "11/28/2026", 500, None, None],
            ["=SUM(1,2)", "C2", "华南", dt.date(2026, 11, 1), dt.date(2026, 12, 1), 300, None, "争议"],
            ["合计", None, None, None, None, 18209.02, None, None],
        ],
        "客户档案": [
            ["客户编号", "客户名称", "客户类型", "信用评级", "上期评级"],
            ["C1", "上海甲公司", "国企/大型企业", "BB", "A"],
            ["C2", "+Old Mill & Sons <Ltd>", "sme", "A", "A"],
        ],
        "我的备注": [["自己的笔记", 42]],
    })
