"""io/sc_fonts: the SC face of a Noto CJK collection copied out under its own name, glyphs unchanged."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from xlsx_tools.io import sc_fonts


def _sans_sc_regular() -> tuple[Path, int]:
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig not installed")
    listing = subprocess.run(["fc-list", "--format", "%{file}|%{index}|%{style[0]}\n", ":family=Noto Sans CJK SC"],
                             capture_output=True, text=True).stdout
    for line in listing.splitlines():
        file, index, style = line.rsplit("|", 2)
        if style == "Regular" and file.endswith(".ttc"):
            return Path(file), int(index)
    pytest.skip("no Noto Sans CJK collection (fonts-noto-cjk) installed")


@pytest.fixture(scope="module")
def copied(tmp_path_factory) -> tuple[Path, int, Path, str | None]:
    """(collection, face index, standalone copy, the name standalone_face returned)."""
    collection, index = _sans_sc_regular()
    folder = tmp_path_factory.mktemp("sc")
    return collection, index, folder, sc_fonts.standalone_face(collection, index, folder / "sc.otf")


def test_the_copied_face_is_the_sc_face_under_its_own_name(copied):
    collection, index, folder, name = copied
    original = TTFont(collection, fontNumber=index, lazy=True)
    assert sc_fonts.cff_font_name(original.reader["CFF "]) == "NotoSansCJKjp-Regular"   # the shared table
    assert name == original["name"].getDebugName(6) == "NotoSansCJKsc-Regular"
    copy = TTFont(folder / "sc.otf", lazy=True)
    assert sc_fonts.cff_font_name(copy.reader["CFF "]) == "NotoSansCJKsc-Regular"
    assert {fd.FontName for fd in copy["CFF "].cff.topDictIndex[0].FDArray} == \
        {fd.FontName.replace("CJKjp-", "CJKsc-") for fd in original["CFF "].cff.topDictIndex[0].FDArray}
    for tag in original.reader.keys():
        if tag not in ("CFF ", "head"):
            assert copy.reader[tag] == original.reader[tag], tag          # cmap, layout, metrics: the SC face's
    before, after = original.reader["CFF "], copy.reader["CFF "]
    assert len(before) == len(after) and before[:4096] != after[:4096]
    assert before[4096:] == after[4096:]                       # names only (head of the table), never the outlines
    assert copy.getBestCmap()[ord("角")] == original.getBestCmap()[ord("角")]


def test_the_fontconfig_file_adds_the_copies_and_hides_the_collection_faces(copied, tmp_path):
    collection, index, folder, _ = copied
    config = tmp_path / "fonts.conf"
    config.write_text(sc_fonts._config(sc_fonts.SYSTEM_CONFIG, folder, [(collection, index)]), encoding="utf-8")
    env = {"FONTCONFIG_FILE": str(config), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    found = subprocess.run(["fc-list", "--format", "%{file}|%{index}|%{style[0]}\n", ":family=Noto Sans CJK SC"],
                           capture_output=True, text=True, env=env).stdout.splitlines()
    assert f"{folder / 'sc.otf'}|0|Regular" in found
    assert f"{collection}|{index}|Regular" not in found


def test_nothing_to_copy_leaves_libreoffice_fonts_alone(monkeypatch, tmp_path):
    monkeypatch.setattr(sc_fonts, "_sc_faces_in_collections", lambda: [])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert sc_fonts.fontconfig_file() is None
    assert not (tmp_path / "xlsx_tools").exists()


def test_an_unwritable_cache_folder_falls_back_to_the_temp_folder(monkeypatch, tmp_path):
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig not installed")
    base = tmp_path / "fonts.conf"
    base.write_text("<fontconfig/>", encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(base))
    monkeypatch.setattr(sc_fonts, "_sc_faces_in_collections", lambda: [(base, 2)])
    home, temp = tmp_path / "home", tmp_path / "temp"
    monkeypatch.setattr(sc_fonts, "_cache_roots", lambda: (home, temp))

    def build(root, ready, faces, base_config):
        if root == home:
            raise PermissionError(root)
        ready.mkdir(parents=True)
        (ready / "fonts.conf").write_text("<fontconfig/>", encoding="utf-8")

    monkeypatch.setattr(sc_fonts, "_build", build)
    assert sc_fonts.fontconfig_file().parent.parent == temp
