"""The letters batch behind `pipeline.generate_letters` (CLI `xlsx-tools letters`).

One run:

1. reads the input sheets plus Company, Cases and the Letters log, and computes
   exactly what `refresh` computes;
2. reconciles the number journal of an interrupted earlier run into the log;
3. plans the letters (core.letters), checks each one's data and template, and
   numbers the good ones;
4. reserves the numbers in the journal (fsync) **before** rendering;
5. renders every letter (a process pool for large batches), each file written
   atomically, one failure never stopping the batch;
6. writes the refresh output sheets and the appended Letters log in ONE atomic
   commit, then compacts the journal;
7. optionally converts the batch to PDF in one LibreOffice call and joins it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .core import i18n
from .core.i18n import Label, Lang
from .core.issues import Issue
from .core.letters import (LetterJob, LetterLog, LetterNote, LogRow, LogUnreadable, check_job, letter_context,
                           letter_file_name, load_company, log_table, next_sequence, format_letter_no,
                           parse_letter_no, plan_letters, read_cases, read_letter_log, with_rows)
from .core.refresh import RefreshResult, compute
from .errors import WorkbookUnusable
from .pipeline import Progress, WorkbookPort, choose_lang, read_inputs
from .sheets import output_tables


@dataclass(frozen=True)
class GeneratedLetter:
    letter_no: str
    kind: str
    customer_id: str
    customer_name: str
    stage: str
    path: Path
    sha256: str
    total_fen: int


@dataclass(frozen=True)
class PlannedLetter:
    """A letter a dry run would write (its number is provisional)."""

    letter_no: str
    job: LetterJob
    file: str


@dataclass(frozen=True)
class LettersOutcome:
    result: RefreshResult
    lang: Lang
    out_dir: Path
    generated: tuple[GeneratedLetter, ...] = ()
    skipped: tuple[LetterNote, ...] = ()
    failed: tuple[LetterNote, ...] = ()
    recovered: tuple[LogRow, ...] = ()      # rows reconciled from an interrupted run
    planned: tuple[PlannedLetter, ...] = ()  # dry run only
    written: Path | None = None
    pdf: Path | None = None
    pdf_error: str | None = None
    dry_run: bool = False

    @property
    def exit_code(self) -> int:
        """0 = all good; 1 = input errors, a failed letter or a failed PDF step (the rest was written)."""
        return 1 if (self.result.has_errors or self.failed or self.pdf_error) else 0


def _quiet(_: str) -> None:
    return None


def bar(done: int, total: int, width: int = 24) -> str:
    filled = round(width * done / total) if total else width
    return "▕" + "█" * filled + "░" * (width - filled) + f"▏ {done}/{total}"


def _resolve(folder: str | os.PathLike | None, base: Path) -> Path | None:
    if folder is None or str(folder).strip() == "":
        return None
    path = Path(str(folder).strip()).expanduser()
    return path if path.is_absolute() else base / path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_complete_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as package:
            return "word/document.xml" in package.namelist() and package.testzip() is None
    except (zipfile.BadZipFile, OSError):
        return False


def book_identity(book: WorkbookPort) -> str:
    """The workbook a journal reservation belongs to (its resolved path, when the port has one)."""
    path = getattr(book, "path", None)
    return str(Path(path).resolve()) if path is not None else ""


def reconcile(journal_state, log: LetterLog, out_dir: Path, lang: Lang, book: str = "") -> list[LogRow]:
    """Log rows for numbers an interrupted run reserved for this workbook but never logged."""
    logged = set(log.letter_numbers())
    rows = []
    for letter_no, row in journal_state.reserved_for(book).items():
        if letter_no in logged:
            continue
        path = out_dir / row.file
        if row.file and path.exists() and _is_complete_docx(path):
            rows.append(dataclasses.replace(row, sha256=_sha256(path), status="generated",
                                            note=i18n.LETTER_MESSAGES["recovered_letter"].format().get(lang)))
        else:
            rows.append(dataclasses.replace(row, sha256="", status="void",
                                            note=i18n.LETTER_MESSAGES["void_number"].format().get(lang)))
    return sorted(rows, key=lambda r: (parse_letter_no(r.letter_no) or ("", 0, 0))[2])


def _numbers_in_folder(out_dir: Path) -> list[str]:
    if not out_dir.is_dir():
        return []
    return [entry.name.split("_", 1)[0] for entry in os.scandir(out_dir)
            if entry.name.endswith(".docx") and "_" in entry.name]


def generate_letters(book: WorkbookPort, out_dir: str | os.PathLike | None = None, *,
                     as_of: dt.date | None = None, kinds: Sequence[str] | None = None,
                     customers: Sequence[str] | None = None, pdf: bool = False, dry_run: bool = False,
                     lang: Lang | None = None, output: str | os.PathLike | None = None,
                     today: dt.date | None = None, templates: str | os.PathLike | None = None,
                     base_dir: str | os.PathLike | None = None, workers: int | None = None,
                     progress: Progress = _quiet) -> LettersOutcome:
    from .io import letters_docx
    from .io.letters_journal import LetterFolders, LettersJournal

    inputs = read_inputs(book, progress)
    names = book.sheet_names()
    extra = {"letters": getattr(inputs, "letters", None)}     # read_inputs may already hold the log
    for key in ("company", "cases", "letters"):
        name = i18n.find_sheet(names, key)
        if name is not None and extra.get(key) is None:
            progress(f"reading {name}")
            extra[key] = book.read_sheet(name)
    progress("computing")
    result = compute(inputs, as_of=as_of, today=today)
    chosen = choose_lang(lang, result)
    company, company_issues = load_company(extra.get("company"))
    cases, case_issues = read_cases(extra.get("cases"))
    try:
        log, log_issues = read_letter_log(extra.get("letters"))
    except LogUnreadable as unreadable:
        raise WorkbookUnusable(str(unreadable)) from None
    more: list[Issue] = company_issues + case_issues + log_issues
    if more:
        result = dataclasses.replace(result, issues=result.issues + tuple(more))

    base = Path(base_dir) if base_dir is not None else Path.cwd()
    folder = Path(out_dir) if out_dir is not None else _resolve(result.policy["letters_output_dir"], base)
    if folder is None:
        folder = base / "letters"
    template_dir = (Path(templates) if templates is not None
                    else _resolve(result.policy["letters_template_dir"], base) or letters_docx.default_template_dir())

    identity = book_identity(book)
    registry = LetterFolders(identity)
    folders = list(dict.fromkeys([folder.resolve(), *registry.read()]))
    journals = [LettersJournal(each) for each in folders]
    states = [each.read() for each in journals]
    journal = journals[0]
    recovered = sorted((row for each, state in zip(folders, states)
                        for row in reconcile(state, log, each, chosen, identity)),
                       key=lambda r: parse_letter_no(r.letter_no) or ("", 0, 0))
    effective = with_rows(log, recovered)
    try:
        jobs, skipped = plan_letters(result, effective, cases, kinds=kinds, customers=customers)
    except ValueError as bad:
        raise WorkbookUnusable(str(bad)) from None

    failed: list[LetterNote] = []
    # Data and template checks first: a letter that cannot be written gets no number.
    template_problem: dict[str, Label] = {}
    for kind in dict.fromkeys(job.kind for job in jobs):
        report = letters_docx.check_template(letters_docx.template_path(template_dir, chosen, kind), kind, chosen)
        if not report.ok:
            reason = "; ".join(list(report.errors) + [f"unknown variable {name}" for name in report.unknown])
            template_problem[kind] = i18n.LETTER_MESSAGES["template_broken"].format(
                template=str(report.path), reason=reason)
    ready: list[tuple[LetterJob, dict]] = []
    for job in jobs:
        reason = template_problem.get(job.kind) or check_job(job, result, company)
        if reason is None:
            try:
                context = letter_context(job, "", result, company, chosen, effective, cases)
            except Exception as exc:       # one bad record must not stop the batch
                reason = i18n.LETTER_MESSAGES["render_failed"].format(reason=f"{type(exc).__name__}: {exc}")
        if reason is not None:
            failed.append(LetterNote(job.kind, job.customer_id, reason))
            continue
        ready.append((job, context))

    prefix = str(result.policy["letters_number_prefix"]).strip()
    year = result.as_of.year
    used = log.letter_numbers() + [row.letter_no for row in recovered]
    for each, state in zip(folders, states):
        used += state.numbers() + _numbers_in_folder(each)
    first = next_sequence(used, prefix, year)
    numbered: list[tuple[str, LetterJob, dict, LogRow]] = []
    for n, (job, context) in enumerate(ready):
        letter_no = format_letter_no(prefix, year, first + n)
        context = dict(context, letter_no=letter_no)
        file = letter_file_name(letter_no, job.kind, job.customer_id)
        row = LogRow(letter_no, result.as_of, job.kind, job.customer_id, job.customer_name, job.stage,
                     ", ".join(job.invoice_nos), job.total_fen, file, "", "generated", job.case_ref)
        numbered.append((letter_no, job, context, row))

    if dry_run:
        return LettersOutcome(result, chosen, folder, skipped=tuple(skipped), failed=tuple(failed),
                              recovered=tuple(recovered), dry_run=True,
                              planned=tuple(PlannedLetter(no, job, row.file) for no, job, _, row in numbered))

    folder.mkdir(parents=True, exist_ok=True)
    if numbered:
        registry.add(folder)
    journal.reserve([row for _, _, _, row in numbered], identity)
    tasks = [letters_docx.RenderTask(job.kind, context, str(folder / row.file), key=no)
             for no, job, context, row in numbered]
    rendered = letters_docx.render_batch(tasks, template_dir, chosen, workers=workers,
                                         progress=lambda done, total: progress(f"letters {bar(done, total)}"))
    generated: list[GeneratedLetter] = []
    new_rows: list[LogRow] = list(recovered)
    for (letter_no, job, _, row), outcome in zip(numbered, rendered):
        if outcome.error is None:
            generated.append(GeneratedLetter(letter_no, job.kind, job.customer_id, job.customer_name, job.stage,
                                             Path(outcome.path), outcome.sha256 or "", job.total_fen))
            new_rows.append(dataclasses.replace(row, sha256=outcome.sha256 or ""))
        else:
            reason = i18n.LETTER_MESSAGES["render_failed"].format(reason=outcome.error)
            failed.append(LetterNote(job.kind, job.customer_id, reason, letter_no))
            new_rows.append(dataclasses.replace(row, status="void", note=reason.get(chosen)))

    for key, table in output_tables(result, chosen).items():
        book.write_table(table, replaces=i18n.find_sheet(names, key))
    book.write_table(log_table(log, new_rows, chosen), replaces=log.sheet_name)
    try:
        written = book.commit(output, progress=progress)
    except WorkbookUnusable as unusable:
        raise WorkbookUnusable(
            f"{unusable} —— {len(generated)} 份函件已写入 {folder}，将在下次运行时补记到函件记录 / "
            f"{len(generated)} letters were written to {folder}; they will be logged on the next run") from None
    for each in journals:
        each.compact([row.letter_no for row in new_rows], identity)

    pdf_path, pdf_error = None, None
    if pdf and generated:
        pdf_path, pdf_error = _make_pdf([g.path for g in generated], folder, result.as_of, progress)
    return LettersOutcome(result, chosen, folder, tuple(generated), tuple(skipped), tuple(failed),
                          tuple(recovered), (), written, pdf_path, pdf_error)


def _make_pdf(documents: list[Path], folder: Path, day: dt.date, progress: Progress
              ) -> tuple[Path | None, str | None]:
    from .io.pdf import PdfFailed, PdfUnavailable, batch_pdf_name, convert_to_pdf, join_pdfs
    progress(f"PDF: LibreOffice {len(documents)} letters")
    try:
        pdfs = convert_to_pdf(documents, folder)
        progress("PDF: joining")
        return join_pdfs(pdfs, batch_pdf_name(folder, day.strftime("%Y%m%d"))), None
    except (PdfUnavailable, PdfFailed) as problem:
        return None, str(problem)
