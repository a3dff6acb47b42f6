"""The monthly report's charts as PNG images, drawn with matplotlib from the workbook's own charts.

`chart_png(chart)` draws an `OutputChart` (the very object whose series the workbook's chart
part caches), so the report and the workbook plot the same numbers. Text uses Noto Sans CJK SC
(Debian `fonts-noto-cjk`), the face LibreOffice renders the report's Chinese with, falling back
to DejaVu Sans for Latin text when it is missing. matplotlib lists the system's fonts once and
caches the list, so a CJK font installed after that first run is looked up on the disk.
"""
from __future__ import annotations

import functools
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")        # no display: images only
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
from matplotlib import font_manager  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from ..core.tables import OutputChart  # noqa: E402

FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "DejaVu Sans"]
COLOURS = ["#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47", "#264478", "#9E480E"]
SIZE_INCHES = (10.0, 4.2)
DPI = 150


def _numbers(values: tuple[float | None, ...]) -> list[float]:
    return [float("nan") if v is None else float(v) for v in values]


def _thousands(value: float, _: object) -> str:
    return f"{value:,.0f}"


@functools.cache
def cjk_font_known() -> bool:
    """Whether matplotlib can draw Chinese with one of `FONTS`; if its cached font list predates the
    font's install (the Chinese came out as empty boxes), the CJK files on the disk are added now."""
    if _knows_a_cjk_font():
        return True
    for path in font_manager.findSystemFonts():
        if "CJK" in Path(path).name or "wqy" in Path(path).name.lower():
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue                 # an unreadable font file: the others may do
    return _knows_a_cjk_font()


def _knows_a_cjk_font() -> bool:
    known = {font.name for font in font_manager.fontManager.ttflist}
    return any(name in known for name in FONTS[:-1])


def chart_png(chart: OutputChart) -> bytes:
    """One chart as PNG bytes: stacked columns, a two-axis trend, or top bars."""
    cjk_font_known()
    with plt.rc_context({"font.family": "sans-serif", "font.sans-serif": FONTS, "axes.unicode_minus": False,
                         "font.size": 9}):
        figure, axis = plt.subplots(figsize=SIZE_INCHES, dpi=DPI)
        try:
            draw(chart, axis)
            axis.set_title(chart.title, fontsize=11)
            figure.tight_layout()
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png")
            return buffer.getvalue()
        finally:
            plt.close(figure)


def draw(chart: OutputChart, axis) -> None:
    """Plot `chart` on a matplotlib axis (the test reads the plotted numbers back from its artists)."""
    categories = list(chart.series[0].categories)
    positions = range(len(categories))
    if chart.kind == "stacked_columns":
        base = [0.0] * len(categories)
        for n, series in enumerate(chart.series):
            heights = [0.0 if v != v else v for v in _numbers(series.values)]
            axis.bar(positions, heights, bottom=base, label=series.name, color=COLOURS[n % len(COLOURS)], width=0.6)
            base = [b + h for b, h in zip(base, heights)]
        if max(base, default=0) > 0:  # headroom above the tallest stack: the top series' zero-height bars
            axis.set_ylim(top=max(base) * 1.08)  # would pin the axis to it (sticky edges beat margins)
        axis.set_xticks(list(positions), categories)
        axis.yaxis.set_major_formatter(FuncFormatter(_thousands))
        axis.legend(fontsize=8, ncols=min(len(chart.series), 7), loc="upper center", bbox_to_anchor=(0.5, -0.08),
                    frameon=False)
    elif chart.kind == "trend":
        balance, rate = chart.series[0], chart.series[1]
        axis.plot(positions, _numbers(balance.values), marker="o", color=COLOURS[0], label=balance.name)
        axis.set_ylabel(balance.name)
        axis.yaxis.set_major_formatter(FuncFormatter(_thousands))
        right = axis.twinx()
        right.plot(positions, _numbers(rate.values), marker="s", color=COLOURS[1], label=rate.name)
        right.set_ylabel(rate.name)
        axis.set_xticks(list(positions), categories)
        lines = axis.get_lines() + right.get_lines()
        axis.legend(lines, [line.get_label() for line in lines], fontsize=8, ncols=2, loc="upper center",
                    bbox_to_anchor=(0.5, -0.08), frameon=False)
    else:   # top bars: the first category on top
        series = chart.series[0]
        axis.barh(list(positions)[::-1], _numbers(series.values), color=COLOURS[0])
        axis.set_yticks(list(positions)[::-1], categories)
        axis.xaxis.set_major_formatter(FuncFormatter(_thousands))
    axis.margins(y=0.08)
    axis.grid(axis="y", alpha=0.3)
