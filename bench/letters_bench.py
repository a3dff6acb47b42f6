"""Letters benchmark: compiled-once rendering vs the plain docxtpl pattern, side by side.

    python bench/letters_bench.py                  # 1,000 demand letters each way, PDF for 200
    python bench/letters_bench.py --letters 200 --pdf 50

Every variant runs in its own child process, so its wall time and peak memory (the
child's max RSS from wait4, which includes its own pool workers) belong to that run
alone.  Each letter is a payment demand notice with a 5-invoice table, written to a
.docx file.

- plain:    a new `DocxTemplate` per letter, `render(context, sandboxed env)`, `save(path)`
            (the usual docxtpl pattern), one core;
- compiled: `TemplateSet`: template parsed, cleaned and compiled once, parts rendered
            and appended to a pre-zipped package per letter, one core;
- pool:     the same through `render_batch` over a process pool, one worker per core;
- pdf:      LibreOffice headless, ONE call converting N letters, plus pdfunite.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xlsx_tools.core.letters import sample_context  # noqa: E402
from xlsx_tools.build.letter_templates import SHIPPED_DIR  # noqa: E402

TEMPLATE = SHIPPED_DIR / "zh" / "demand.docx"


def contexts(n: int) -> list[dict]:
    """n demand letters, each with a 5-invoice table and its own customer and number."""
    base = sample_context("demand", "zh")
    invoice = base["invoices"][0]
    out = []
    for i in range(n):
        context = copy.deepcopy(base)
        context["letter_no"] = f"CS-2026-{i + 1:06d}"
        context["customer"]["name"] = f"测试客户{i:04d}有限公司"
        context["invoices"] = [dict(invoice, no=f"INV-{i:04d}-{k}") for k in range(5)]
        out.append(context)
    return out


def variant(name: str, n: int, folder: Path) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    items = contexts(n)
    start = time.perf_counter()
    if name == "plain":
        from docxtpl import DocxTemplate
        from xlsx_tools.io.letters_docx import clean_context, make_environment
        for context in items:
            document = DocxTemplate(TEMPLATE)
            document.render(clean_context(context), make_environment())
            document.save(folder / f"{context['letter_no']}.docx")
    elif name == "compiled":
        from xlsx_tools.io.letters_docx import RenderTask, render_batch
        tasks = [RenderTask("demand", c, str(folder / f"{c['letter_no']}.docx"), c["letter_no"]) for c in items]
        results = render_batch(tasks, SHIPPED_DIR, "zh", workers=1)
        assert all(r.error is None for r in results)
    elif name == "pool":
        from xlsx_tools.io.letters_docx import RenderTask, render_batch
        tasks = [RenderTask("demand", c, str(folder / f"{c['letter_no']}.docx"), c["letter_no"]) for c in items]
        results = render_batch(tasks, SHIPPED_DIR, "zh", workers=os.cpu_count())
        assert all(r.error is None for r in results)
    elif name == "pdf":
        from xlsx_tools.io.letters_docx import RenderTask, render_batch
        from xlsx_tools.io.pdf import convert_to_pdf, join_pdfs
        tasks = [RenderTask("demand", c, str(folder / f"{c['letter_no']}.docx"), c["letter_no"]) for c in items]
        render_batch(tasks, SHIPPED_DIR, "zh")
        start = time.perf_counter()
        pdfs = convert_to_pdf([t.path for t in tasks], folder / "pdf")
        converted = time.perf_counter() - start
        join_pdfs(pdfs, folder / "batch.pdf")
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "convert_seconds": converted, "letters": n,
                "pages": _pages(folder / "batch.pdf")}
    else:
        raise SystemExit(f"unknown variant {name}")
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "letters": n}


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def run_child(name: str, n: int, folder: Path) -> dict:
    """Run one variant in a child process; wall time from the child, peak RSS from wait4."""
    child = subprocess.Popen([sys.executable, __file__, "--child", name, "--letters", str(n),
                              "--folder", str(folder)], stdout=subprocess.PIPE, text=True)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{name} failed ({child.returncode})")
    result = json.loads(output.strip().splitlines()[-1])
    result["peak_mb"] = usage.ru_maxrss / 1024            # KiB on Linux
    result["children_peak_mb"] = result.pop("children_maxrss_kb", 0) / 1024
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--pdf", type=int, default=200, help="letters converted to PDF (0 = skip)")
    parser.add_argument("--child")
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.child:
        result = variant(args.child, args.letters, args.folder)
        result["children_maxrss_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(json.dumps(result))
        return 0
    cores = os.cpu_count() or 1
    print(f"letters benchmark: {args.letters} demand letters with 5-invoice tables, {cores} cores, "
          f"Python {sys.version.split()[0]}")
    rows = {}
    with tempfile.TemporaryDirectory(prefix="letters_bench_") as tmp:
        for name in ("plain", "compiled", "pool"):
            rows[name] = run_child(name, args.letters, Path(tmp) / name)
            r = rows[name]
            print(f"  {name:<9} {r['seconds']:7.2f} s  {r['seconds'] / args.letters * 1000:7.2f} ms/letter  "
                  f"peak RSS {r['peak_mb']:6.1f} MB" + (f" (largest worker {r['children_peak_mb']:.1f} MB)"
                                                       if r["children_peak_mb"] else ""))
        ratio = rows["plain"]["seconds"] / rows["compiled"]["seconds"]
        print(f"  compiled vs plain, one core: {ratio:.1f}x faster per letter "
              f"(pool on {cores} cores: {rows['plain']['seconds'] / rows['pool']['seconds']:.1f}x)")
        if args.pdf:
            r = run_child("pdf", args.pdf, Path(tmp) / "pdf")
            print(f"  pdf       {r['seconds']:7.2f} s for {args.pdf} letters in one soffice call + pdfunite "
                  f"({r['convert_seconds']:.2f} s converting, {r['seconds'] / args.pdf * 1000:.0f} ms/letter, "
                  f"{r['pages']} pages), peak RSS {r['peak_mb']:.1f} MB, soffice {r['children_peak_mb']:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
