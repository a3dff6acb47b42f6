"""Render letters from .docx templates with docxtpl's tag syntax, compiled once per template.

The plain docxtpl pattern opens the template with python-docx, cleans its XML,
compiles the Jinja template, renders and re-saves the whole package, for every
letter.  Here a template is opened, cleaned (docxtpl's own `patch_xml`) and
compiled **once**; every letter then only renders the compiled parts and appends
them to a pre-built zip of the unchanged parts.  The output is the same document
(see tests/io/test_letters_docx.py, which compares both).

Rendering runs in a `jinja2.sandbox.SandboxedEnvironment` with autoescape on and
`StrictUndefined`: `&`, `<`, `>` in customer data are escaped, an undefined
variable is an error, and data cannot reach Python internals.  Control characters
that XML cannot carry become spaces in the data first, so words they separated stay apart.

Large batches are spread over a process pool (one compiled template set per worker).
"""
from __future__ import annotations

import concurrent.futures as cf
import hashlib
import io
import multiprocessing
import os
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.exceptions import TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from ..shipped import LETTER_TEMPLATES
from .atomic import write_bytes
from .letter_files import letter_file_name

if TYPE_CHECKING:
    from ..core.i18n import Label, Lang

LANGS = ("zh", "en")

__all__ = ["make_environment", "CompiledTemplate", "TemplateSet", "RenderTask", "RenderResult", "render_batch",
           "render_with_docxtpl", "check_templates", "TemplateReport", "default_template_dir", "clean_context"]

# Parts docxtpl renders: the body, headers, footers, footnotes and the core properties.
_RENDERED_PART = re.compile(r"^(word/(document|header\d*|footer\d*|footnotes)\.xml|docProps/core\.xml)$")
_HAS_TAG = re.compile(r"\{[{%#]")
_TABLE_TAGS = re.compile(r"\{%-?\s*(?:tc|colspan|hm|vm|cellbg)\b")
_DOCPR = re.compile(r'(<wp:docPr\b[^>]*?\bid=")(\d+)(")')
# Control characters XML 1.0 forbids (and DEL, and a carriage return not ending a line) show as a space;
# what is left to drop is the CR of each CR LF (the LF breaks the line) and half surrogate pairs.
_SHOWN_AS_SPACE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]|\r(?!\n)")
_DROPPED = re.compile("[\r\ud800-\udfff]")
_LISTING_CHARS = re.compile("[\t\n]")
POOL_THRESHOLD = 200          # letters; below this the pool start-up costs more than it saves
POOL_CHUNK = 25


def make_environment() -> SandboxedEnvironment:
    """The one Jinja environment letters render in."""
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def clean_context(value: Any) -> Any:
    """Strings with a space for each control character XML 1.0 cannot hold (tabs and line breaks are
    kept, a CR LF is one line break)."""
    if isinstance(value, str):
        return _DROPPED.sub("", _SHOWN_AS_SPACE.sub(" ", value))
    if isinstance(value, Mapping):
        return {key: clean_context(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_context(item) for item in value]
    return value


def _needs_listing(value: Any) -> bool:
    if isinstance(value, str):
        return bool(_LISTING_CHARS.search(value))
    if isinstance(value, Mapping):
        return any(_needs_listing(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_needs_listing(item) for item in value)
    return False


_PATCHER = DocxTemplate.__new__(DocxTemplate)   # patch_xml / resolve_listing / fix_tables use no state


def patch_part(xml: str) -> str:
    """docxtpl's clean-up of Word's run-split tags, plus its paragraph line marks."""
    patched = DocxTemplate.patch_xml(_PATCHER, xml)
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)


def _finish_part(xml: str, listing: bool, fix_tables: bool, renumber: bool) -> str:
    """docxtpl's post-processing of a rendered part."""
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if listing:
        xml = DocxTemplate.resolve_listing(_PATCHER, xml)
    if fix_tables:
        declaration = ""
        if xml.startswith("<?xml"):
            end = xml.index("?>") + 2
            declaration, xml = xml[:end], xml[end:]
        tree = DocxTemplate.fix_tables(_PATCHER, xml)
        xml = declaration + etree.tostring(tree, encoding="unicode")
    if renumber:
        counter = iter(range(1001, 1_000_000))
        xml = _DOCPR.sub(lambda m: f"{m.group(1)}{next(counter)}{m.group(3)}", xml)
    return xml


@dataclass
class _Part:
    name: str
    template: Any               # jinja2.Template
    fix_tables: bool
    renumber: bool
    info: zipfile.ZipInfo


class CompiledTemplate:
    """One .docx template: its tagged parts compiled once, its other parts pre-zipped."""

    def __init__(self, source: str | os.PathLike | bytes, env: SandboxedEnvironment | None = None,
                 name: str | None = None):
        self.env = env or make_environment()
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        self.name = name or (str(source) if not isinstance(source, bytes) else "<template>")
        self.parts: list[_Part] = []
        static = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as package, \
                zipfile.ZipFile(static, "w", zipfile.ZIP_DEFLATED) as base:
            for info in package.infolist():
                blob = package.read(info.filename)
                if _RENDERED_PART.match(info.filename):
                    text = blob.decode("utf-8")
                    if _HAS_TAG.search(text):
                        patched = patch_part(text)
                        if _HAS_TAG.search(patched):
                            plain = re.sub(r"<[^>]+>", "", text)
                            self.parts.append(_Part(
                                info.filename, self.env.from_string(patched),
                                fix_tables=bool(_TABLE_TAGS.search(plain)),
                                renumber="docPr" in text and "{%" in patched,
                                info=_entry(info.filename)))
                            continue
                base.writestr(_entry(info.filename), blob)
        self._base = static.getvalue()

    def render_parts(self, context: Mapping[str, Any]) -> dict[str, str]:
        """The rendered XML of every tagged part (raises Jinja errors)."""
        listing = _needs_listing(context)
        return {part.name: _finish_part(part.template.render(context), listing, part.fix_tables, part.renumber)
                for part in self.parts}

    def render(self, context: Mapping[str, Any]) -> bytes:
        """The .docx bytes of one letter."""
        rendered = self.render_parts(context)
        buffer = io.BytesIO(self._base)
        buffer.seek(0, io.SEEK_END)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as package:
            for part in self.parts:
                package.writestr(part.info, rendered[part.name].encode("utf-8"))
        return buffer.getvalue()


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16
    return entry


def render_with_docxtpl(template: str | os.PathLike, context: Mapping[str, Any]) -> bytes:
    """The plain docxtpl pattern (a new DocxTemplate per letter): reference and benchmark baseline."""
    document = DocxTemplate(template)
    document.render(clean_context(context), make_environment())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def default_template_dir() -> Path:
    """The letter templates shipped with the package (`letter_templates/`, see `xlsx_tools.shipped`)."""
    return LETTER_TEMPLATES


def template_path(folder: str | os.PathLike, lang: str, kind: str) -> Path:
    return Path(folder) / lang / f"{kind}.docx"


class TemplateSet:
    """Compiled templates of one folder and language, compiled on first use."""

    def __init__(self, folder: str | os.PathLike, lang: str):
        self.folder = Path(folder)
        self.lang = lang
        self.env = make_environment()
        self._compiled: dict[str, CompiledTemplate] = {}

    def get(self, kind: str) -> CompiledTemplate:
        if kind not in self._compiled:
            path = template_path(self.folder, self.lang, kind)
            self._compiled[kind] = CompiledTemplate(path, self.env, name=str(path))
        return self._compiled[kind]

    def render(self, kind: str, context: Mapping[str, Any]) -> bytes:
        return self.get(kind).render(clean_context(context))


# ----- batches ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RenderTask:
    kind: str
    context: Mapping[str, Any]
    path: str                    # where the .docx goes (written atomically)
    key: str = ""                # caller's id (the letter number)


@dataclass(frozen=True)
class RenderResult:
    key: str
    path: str
    sha256: str | None = None
    error: str | None = None


def _render_to_file(templates: TemplateSet, task: RenderTask) -> RenderResult:
    try:
        data = templates.render(task.kind, task.context)
        write_bytes(task.path, data)
    except (TemplateError, OSError, ValueError, KeyError, TypeError, etree.XMLSyntaxError, zipfile.BadZipFile) as exc:
        return RenderResult(task.key, task.path, error=_describe(exc))
    return RenderResult(task.key, task.path, sha256=hashlib.sha256(data).hexdigest())


def _describe(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


_WORKER: TemplateSet | None = None


def _start_method() -> str:
    """'fork' on Linux: a worker starts in milliseconds and only runs zipfile/lxml/Jinja code,
    none of the thread pools of the parent.  'spawn' elsewhere (macOS, Windows)."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def _worker_init(folder: str, lang: str, kinds: Sequence[str]) -> None:
    global _WORKER
    _WORKER = TemplateSet(folder, lang)
    for kind in kinds:
        try:
            _WORKER.get(kind)
        except Exception:       # reported per letter by _render_to_file
            pass


def _worker_chunk(tasks: Sequence[RenderTask]) -> list[RenderResult]:
    assert _WORKER is not None
    return [_render_to_file(_WORKER, task) for task in tasks]


def render_batch(tasks: Sequence[RenderTask], folder: str | os.PathLike, lang: str, *,
                 workers: int | None = None, progress: Callable[[int, int], None] | None = None
                 ) -> list[RenderResult]:
    """Render and write every task; results in task order.  A failing letter does not stop the batch.

    `workers` None = one per core when the batch has at least POOL_THRESHOLD letters,
    else in this process; 1 = always in this process.
    """
    total = len(tasks)
    step = progress or (lambda done, all_: None)
    cores = os.cpu_count() or 1
    if workers is None:
        workers = cores if total >= POOL_THRESHOLD else 1
    workers = max(1, min(workers, -(-total // POOL_CHUNK) if total else 1))
    if workers == 1:
        templates = TemplateSet(folder, lang)
        results = []
        for n, task in enumerate(tasks, start=1):
            try:
                results.append(_render_to_file(templates, task))
            except Exception as exc:       # a broken template: that letter fails, the batch goes on
                results.append(RenderResult(task.key, task.path, error=_describe(exc)))
            step(n, total)
        return results
    chunks = [list(tasks[i:i + POOL_CHUNK]) for i in range(0, total, POOL_CHUNK)]
    kinds = sorted({task.kind for task in tasks})
    done = 0
    by_chunk: dict[int, list[RenderResult]] = {}
    context = multiprocessing.get_context(_start_method())
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init,
                                initargs=(str(folder), lang, kinds)) as pool:
        futures = {pool.submit(_worker_chunk, chunk): n for n, chunk in enumerate(chunks)}
        for future in cf.as_completed(futures):
            n = futures[future]
            try:
                by_chunk[n] = future.result()
            except Exception as exc:
                by_chunk[n] = [RenderResult(t.key, t.path, error=_describe(exc)) for t in chunks[n]]
            done += len(chunks[n])
            step(done, total)
    return [result for n in range(len(chunks)) for result in by_chunk[n]]


# ----- template checks ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TemplateReport:
    path: Path
    kind: str
    lang: str
    unknown: tuple[str, ...] = ()       # variables the context does not provide
    errors: tuple[str, ...] = ()        # broken tags, render errors, invalid XML, missing file

    @property
    def ok(self) -> bool:
        return not self.unknown and not self.errors


def _strip_tags(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()


def check_template(path: Path, kind: str, lang: str) -> TemplateReport:
    """Parse, list undeclared variables, trial-render with sample data and check the XML."""
    from ..core.letters.context import CONTEXT_NAMES
    from ..core.letters.samples import sample_context
    if not path.exists():
        return TemplateReport(path, kind, lang, errors=("template file not found / 找不到模板文件",))
    env = make_environment()
    try:
        with zipfile.ZipFile(path) as package:
            parts = {name: package.read(name).decode("utf-8") for name in package.namelist()
                     if _RENDERED_PART.match(name)}
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError) as exc:
        return TemplateReport(path, kind, lang, errors=(f"not a .docx file / 不是 docx 文件: {exc}",))
    if "word/document.xml" not in parts:
        return TemplateReport(path, kind, lang, errors=("not a Word document (no word/document.xml)",))
    unknown: set[str] = set()
    errors: list[str] = []
    compiled_ok = True
    for name, xml in parts.items():
        patched = patch_part(xml)
        try:
            tree = env.parse(patched)
        except TemplateSyntaxError as exc:
            compiled_ok = False
            lines = patched.splitlines()
            near = _strip_tags(lines[exc.lineno - 1]) if exc.lineno and exc.lineno <= len(lines) else ""
            errors.append(f"{name}: broken tag / 标签错误: {exc.message} (near: {near[:120]!r})")
            continue
        unknown |= meta.find_undeclared_variables(tree) - CONTEXT_NAMES[kind]
    if compiled_ok and not unknown:
        try:
            template = CompiledTemplate(path, env)
            rendered = template.render_parts(clean_context(sample_context(kind, lang)))
            for name, xml in rendered.items():
                try:
                    etree.fromstring(xml.encode("utf-8"))
                except etree.XMLSyntaxError as exc:
                    errors.append(f"{name}: the rendered document is not valid XML, a tag probably spans "
                                  f"paragraphs or table cells / 渲染结果不是有效的 XML: {exc}")
        except UndefinedError as exc:
            errors.append(f"unknown variable / 未知变量: {exc.message}")
        except TemplateError as exc:
            errors.append(f"render error / 渲染错误: {_describe(exc)}")
    return TemplateReport(path, kind, lang, tuple(sorted(unknown)), tuple(errors))


def check_templates(folder: str | os.PathLike | None = None, langs: Iterable[str] = LANGS,
                    kinds: Iterable[str] | None = None) -> list[TemplateReport]:
    """One report per language and kind for the templates in `folder` (default: the shipped ones)."""
    from ..core.letters.plan import KINDS
    root = Path(folder) if folder is not None else default_template_dir()
    kinds = tuple(kinds) if kinds is not None else KINDS
    return [check_template(template_path(root, lang, kind), kind, lang) for lang in langs for kind in kinds]


# ----- the pipeline's renderer ----------------------------------------------------------------------------------
class DocxRenderer:
    """The pipeline's `LetterRenderer`: Word letters from the templates of one folder (None: the shipped
    ones), a process pool for large batches (`workers` as in `render_batch`)."""

    def __init__(self, folder: str | os.PathLike | None = None, workers: int | None = None):
        self.folder = Path(folder) if folder is not None else default_template_dir()
        self.workers = workers

    def file_name(self, letter_no: str, kind: str, customer_id: str) -> str:
        return letter_file_name(letter_no, kind, customer_id)

    def template_problem(self, kind: str, lang: Lang) -> Label | None:
        from ..core.i18n import LETTER_MESSAGES
        report = check_template(template_path(self.folder, lang, kind), kind, lang)
        if report.ok:
            return None
        reason = "; ".join(list(report.errors) + [f"unknown variable {name}" for name in report.unknown])
        return LETTER_MESSAGES["template_broken"].format(template=str(report.path), reason=reason)

    def render(self, letters: Sequence, folder: Path, lang: Lang,
               progress: Callable[[int, int], None]) -> list[RenderResult]:
        tasks = [RenderTask(letter.kind, letter.context, str(folder / letter.file), key=letter.key)
                 for letter in letters]
        return render_batch(tasks, self.folder, lang, workers=self.workers, progress=progress)
