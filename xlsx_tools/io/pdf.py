"""Letters to PDF: one LibreOffice headless call for the whole batch, then one joined print file.

    pdfs = convert_to_pdf(docx_paths, out_dir)          # one `soffice` process
    join_pdfs(pdfs, out_dir / "batch_20261130.pdf")     # poppler's `pdfunite`

The conversion runs with its own, fresh LibreOffice profile (`-env:UserInstallation`),
so it neither disturbs nor waits for a LibreOffice the user has open.  The profile
carries a font replacement table that maps the Windows CJK fonts the templates name
(SimSun, SimHei, ...) to Noto CJK SC (Debian `fonts-noto-cjk`) when those are not
installed, so Chinese renders with Simplified Chinese glyphs and nothing is missing.
Where Noto CJK comes as one collection per weight (Debian), LibreOffice runs with a fontconfig
file that gives it the SC faces as standalone fonts under their own names (io/sc_fonts.py), so
the PDF lists NotoSerifCJKsc-… rather than the collection's shared "jp" name.

The letters are converted one PDF per letter and then joined, so each letter keeps
its own header, footer and page numbering ("page 1 of 2").
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable, Sequence

from .atomic import replacing
from .sc_fonts import fontconfig_file

__all__ = ["PdfUnavailable", "PdfFailed", "find_soffice", "convert_to_pdf", "join_pdfs", "batch_pdf", "SOFFICE_PACKAGE",
           "PDFUNITE_PACKAGE", "CJK_FONT_PACKAGE"]

SOFFICE_PACKAGE = "libreoffice-writer"
PDFUNITE_PACKAGE = "poppler-utils"
CJK_FONT_PACKAGE = "fonts-noto-cjk"
SECONDS_PER_LETTER = 3.0
MIN_TIMEOUT = 120.0

# Windows font -> installed replacement, used only when the Windows font is missing.
FONT_REPLACEMENTS = {
    "SimSun": "Noto Serif CJK SC", "宋体": "Noto Serif CJK SC", "NSimSun": "Noto Serif CJK SC",
    "FangSong": "Noto Serif CJK SC", "仿宋": "Noto Serif CJK SC", "KaiTi": "Noto Serif CJK SC",
    "SimHei": "Noto Sans CJK SC", "黑体": "Noto Sans CJK SC", "Microsoft YaHei": "Noto Sans CJK SC",
    "微软雅黑": "Noto Sans CJK SC", "DengXian": "Noto Sans CJK SC", "等线": "Noto Sans CJK SC",
}


class PdfUnavailable(RuntimeError):
    """A program the PDF step needs is not installed; str() names the Debian package."""


class PdfFailed(RuntimeError):
    """LibreOffice ran but some letters were not converted."""


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice",
                      r"C:\Program Files\LibreOffice\program\soffice.exe"):
        if Path(candidate).exists():
            return candidate
    return None


def _profile_settings() -> str:
    pairs = "".join(
        f'<node oor:name="_{n}" oor:op="replace">'
        f'<prop oor:name="Always" oor:op="fuse"><value>false</value></prop>'
        f'<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
        f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{source}</value></prop>'
        f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{target}</value></prop></node>'
        for n, (source, target) in enumerate(FONT_REPLACEMENTS.items()))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            '<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
            '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>\n'
            f'<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">{pairs}</item>\n'
            '</oor:items>\n')


def convert_to_pdf(documents: Sequence[str | os.PathLike], out_dir: str | os.PathLike, *,
                   soffice: str | None = None, timeout: float | None = None) -> list[Path]:
    """Convert every document in ONE `soffice --headless` call; returns the PDFs in input order.

    Raises PdfUnavailable without LibreOffice, PdfFailed when some PDFs are missing.
    """
    program = soffice or find_soffice()
    if program is None:
        raise PdfUnavailable(
            f"LibreOffice 未安装，无法生成 PDF（Debian/Ubuntu：sudo apt-get install {SOFFICE_PACKAGE} "
            f"{CJK_FONT_PACKAGE}）；Word 文件已生成 / LibreOffice is not installed, so no PDF was made "
            f"(Debian/Ubuntu: sudo apt-get install {SOFFICE_PACKAGE} {CJK_FONT_PACKAGE}); "
            f"the .docx files were written")
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    paths = [Path(doc).resolve() for doc in documents]
    if not paths:
        return []
    limit = timeout if timeout is not None else max(MIN_TIMEOUT, SECONDS_PER_LETTER * len(paths))
    with tempfile.TemporaryDirectory(prefix="xlsx_tools_lo_") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_profile_settings(), encoding="utf-8")
        command = [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--invisible",
                   "--nologo", "--norestore", "--nodefault", "--nolockcheck",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(target.resolve()),
                   *[str(p) for p in paths]]
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)    # LibreOffice's own Python must not pick up ours
        fonts = fontconfig_file()
        if fonts is not None:
            env["FONTCONFIG_FILE"] = str(fonts)
        try:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=limit, env=env,
                                       stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PdfFailed(f"LibreOffice 转换超时（{limit:.0f} 秒） / LibreOffice timed out after {limit:.0f} s") \
                from None
    pdfs = [target / (p.stem + ".pdf") for p in paths]
    missing = [p.name for p, pdf in zip(paths, pdfs) if not pdf.exists()]
    if missing:
        detail = (completed.stderr or completed.stdout or "").strip().splitlines()[-3:]
        raise PdfFailed(f"LibreOffice 未能转换 {len(missing)} 个文件 / LibreOffice did not convert "
                        f"{len(missing)} file(s): {', '.join(missing[:5])}"
                        + (f" ({' | '.join(detail)})" if detail else ""))
    return pdfs


def join_pdfs(pdfs: Sequence[str | os.PathLike], output: str | os.PathLike) -> Path:
    """Join PDFs (each letter keeps its pages, headers and footers) with poppler's `pdfunite`."""
    program = shutil.which("pdfunite")
    if program is None:
        raise PdfUnavailable(
            f"缺少 pdfunite，无法合并打印文件（Debian/Ubuntu：sudo apt-get install {PDFUNITE_PACKAGE}）；"
            f"单个 PDF 已生成 / pdfunite is not installed, so the print file was not joined "
            f"(Debian/Ubuntu: sudo apt-get install {PDFUNITE_PACKAGE}); the single PDFs were written")
    target = Path(output)
    inputs = [str(p) for p in pdfs]
    with replacing(target, suffix=".pdf") as temp:
        if len(inputs) == 1:
            shutil.copyfile(inputs[0], temp)
        else:
            completed = subprocess.run([program, *inputs, str(temp)], capture_output=True, text=True)
            if completed.returncode != 0 or temp.stat().st_size == 0:
                raise PdfFailed(f"pdfunite 失败 / pdfunite failed: {completed.stderr.strip()[:300]}")
    return target


def batch_pdf_name(out_dir: Path, stamp: str) -> Path:
    """`batch_YYYYMMDD.pdf`, or `batch_YYYYMMDD_2.pdf` ... when a batch of that day exists."""
    candidate = out_dir / f"batch_{stamp}.pdf"
    n = 2
    while candidate.exists():
        candidate = out_dir / f"batch_{stamp}_{n}.pdf"
        n += 1
    return candidate



def batch_pdf(documents: Sequence[Path], folder: Path, day: dt.date,
              progress: Callable[[str], None]) -> tuple[Path | None, str | None]:
    """The pipeline's `BatchPdf`: convert and join a batch; a missing or failing LibreOffice is
    reported, not raised, because the letters themselves were written."""
    progress(f"PDF: LibreOffice {len(documents)} letters")
    try:
        pdfs = convert_to_pdf(documents, folder)
        progress("PDF: joining")
        return join_pdfs(pdfs, batch_pdf_name(folder, day.strftime("%Y%m%d"))), None
    except (PdfUnavailable, PdfFailed) as problem:
        return None, str(problem)
