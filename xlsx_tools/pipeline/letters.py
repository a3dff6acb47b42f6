"""The letter batch (CLI `xlsx-tools letters`, the Generate letters button), built from refresh's steps.

One run:

1. reads the input sheets plus Company and Cases, and computes exactly what `refresh` computes;
2. reconciles what an interrupted earlier run reserved in the number journal into the log;
3. plans the letters (`core.letters`), checks each one's data and template, and numbers the good ones;
4. reserves the numbers in the journal **before** rendering;
5. renders every letter, one failure never stopping the batch;
6. writes the refresh output sheets and the appended Letters log in ONE atomic commit,
   then settles the journal;
7. optionally binds the batch into one PDF.

Rendering, journalling and PDF go through the `LetterAdapters` ports, so this module
imports no adapter; `xlsx_tools.wiring.letter_adapters()` gives the default ones.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..core import i18n
from ..core.i18n import Label, Lang
from ..core.letters.checks import check_job, court_issue, unapplied_credit_issue
from ..core.letters.context import letter_context
from ..core.letters.numbering import format_letter_no, next_sequence, parse_letter_no
from ..core.letters.plan import LetterJob, LetterNote, plan_letters
from ..core.read.cases import read_cases
from ..core.read.company import read_company
from ..core.read import Inputs, read_inputs as read_given
from ..core.read.letter_log import LetterLog, LogRow, LogUnreadable, require_numbers, with_rows
from ..core.refresh import RefreshResult
from ..errors import WorkbookUnusable
from ..present import texts
from ..present.letter_log import log_table
from .ports import LetterAdapters, LetterRenderer, LetterToRender, Progress, WorkbookPort, quiet
from .refresh import choose_lang, compute_result, read_inputs, read_sheet, write_outputs


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
    tidy_warning: Label | None = None         # the save succeeded; only tidying the journal failed

    @property
    def exit_code(self) -> int:
        """0 = all good; 1 = input errors, a failed letter or a failed PDF step (the rest was written)."""
        return 1 if (self.result.has_errors or self.failed or self.pdf_error) else 0


@dataclass(frozen=True)
class _Numbered:
    letter_no: str
    job: LetterJob
    context: dict
    row: LogRow


def bar(done: int, total: int, width: int = 24) -> str:
    filled = round(width * done / total) if total else width
    return "▕" + "█" * filled + "░" * (width - filled) + f"▏ {done}/{total}"


def _resolve(folder: str | os.PathLike | None, base: Path) -> Path | None:
    if folder is None or str(folder).strip() == "":
        return None
    path = Path(str(folder).strip()).expanduser()
    return path if path.is_absolute() else base / path


def book_identity(book: WorkbookPort) -> str:
    """The workbook a journal reservation belongs to (its resolved path, when the port has one)."""
    path = getattr(book, "path", None)
    return str(Path(path).resolve()) if path is not None else ""


def _letter_order(row: LogRow) -> tuple[str, int, int]:
    return parse_letter_no(row.letter_no) or ("", 0, 0)


def reconcile(unlogged: Sequence[tuple[LogRow, str | None]], lang: Lang) -> list[LogRow]:
    """Log rows for numbers an interrupted run reserved but never logged: generated when the
    letter file is complete, else void."""
    rows = []
    for row, sha256 in unlogged:
        if sha256 is not None:
            rows.append(dataclasses.replace(row, sha256=sha256, status="generated",
                                            note=i18n.LETTER_MESSAGES["recovered_letter"].format().get(lang)))
        else:
            rows.append(dataclasses.replace(row, sha256="", status="void",
                                            note=i18n.LETTER_MESSAGES["void_number"].format().get(lang)))
    return sorted(rows, key=_letter_order)


def _read_letter_sheets(book: WorkbookPort, given: Inputs, progress: Progress):
    """Company and Cases read and parsed, and the Letters log (read with the inputs) checked:
    a log without letter numbers makes the workbook unusable."""
    names = book.sheet_names()
    company, company_issues = read_company(read_sheet(book, names, "company", progress))
    cases, case_issues = read_cases(read_sheet(book, names, "cases", progress))
    try:
        require_numbers(given.letters)
    except LogUnreadable as unreadable:
        raise WorkbookUnusable(str(unreadable)) from None
    return company, cases, given.letters, company_issues + case_issues + list(given.issues["letters"])


def _ready_jobs(jobs: Sequence[LetterJob], renderer: LetterRenderer, result: RefreshResult, company, lang: Lang,
                log: LetterLog, cases) -> tuple[list[tuple[LetterJob, dict]], list[LetterNote]]:
    """Data and template checks first: a letter that cannot be written gets no number."""
    template_problem: dict[str, Label | None] = {kind: renderer.template_problem(kind, lang)
                                                 for kind in dict.fromkeys(job.kind for job in jobs)}
    ready: list[tuple[LetterJob, dict]] = []
    failed: list[LetterNote] = []
    for job in jobs:
        reason = template_problem[job.kind] or check_job(job, result, company)
        if reason is None:
            try:
                context = letter_context(job, "", result, company, lang, log, cases)
            except Exception as exc:       # one bad record must not stop the batch
                reason = i18n.LETTER_MESSAGES["render_failed"].format(reason=f"{type(exc).__name__}: {exc}")
        if reason is not None:
            failed.append(LetterNote(job.kind, job.customer_id, reason))
            continue
        ready.append((job, context))
    return ready, failed


def _number(ready: Sequence[tuple[LetterJob, dict]], used: Sequence[str], result: RefreshResult,
            renderer: LetterRenderer) -> list[_Numbered]:
    prefix = str(result.policy["letters_number_prefix"]).strip()
    year = result.as_of.year
    first = next_sequence(used, prefix, year)
    numbered = []
    for n, (job, context) in enumerate(ready):
        letter_no = format_letter_no(prefix, year, first + n)
        file = renderer.file_name(letter_no, job.kind, job.customer_id)
        row = LogRow(letter_no, result.as_of, job.kind, job.customer_id, job.customer_name, job.stage,
                     ", ".join(job.invoice_nos), job.total_fen, file, "", "generated", job.case_ref)
        numbered.append(_Numbered(letter_no, job, dict(context, letter_no=letter_no), row))
    return numbered


def generate_letters(book: WorkbookPort, out_dir: str | os.PathLike | None = None, *,
                     adapters: LetterAdapters, as_of: dt.date | None = None, kinds: Sequence[str] | None = None,
                     customers: Sequence[str] | None = None, pdf: bool = False, dry_run: bool = False,
                     lang: Lang | None = None, output: str | os.PathLike | None = None,
                     today: dt.date | None = None, templates: str | os.PathLike | None = None,
                     base_dir: str | os.PathLike | None = None, progress: Progress = quiet) -> LettersOutcome:
    """One letter per customer and kind due, the refresh output sheets and the appended Letters
    log in one atomic commit; folders and templates default to the Policy sheet's, next to `base_dir`."""
    given = read_given(read_inputs(book, progress))
    company, cases, log, found = _read_letter_sheets(book, given, progress)
    result = compute_result(given, as_of, today, progress)
    chosen = choose_lang(lang, result)
    if found:
        result = dataclasses.replace(result, issues=result.issues + tuple(found))

    base = Path(base_dir) if base_dir is not None else Path.cwd()
    folder = (Path(out_dir) if out_dir is not None else _resolve(result.policy["letters_output_dir"], base)) \
        or base / "letters"
    template_dir = Path(templates) if templates is not None else _resolve(result.policy["letters_template_dir"], base)
    renderer = adapters.renderer(template_dir)
    journal = adapters.journal(folder, book_identity(book), dry_run)

    recovered = reconcile(journal.unlogged(set(log.letter_numbers())), chosen)
    effective = with_rows(log, recovered)
    try:
        jobs, skipped = plan_letters(result, effective, cases, kinds=kinds, customers=customers)
    except ValueError as bad:
        raise WorkbookUnusable(str(bad)) from None
    ready, failed = _ready_jobs(jobs, renderer, result, company, chosen, effective, cases)
    used = log.letter_numbers() + [row.letter_no for row in recovered] + journal.used_numbers()
    numbered = _number(ready, used, result, renderer)
    to_check = [court_issue(company, each.letter_no) for each in numbered if each.job.kind == "payment_order"]
    to_check += [unapplied_credit_issue(each.job, result, given.ledger, each.letter_no) for each in numbered]
    if found_now := [found for found in to_check if found is not None]:
        result = dataclasses.replace(result, issues=result.issues + tuple(found_now))

    if dry_run:
        return LettersOutcome(result, chosen, folder, skipped=tuple(skipped), failed=tuple(failed),
                              recovered=tuple(recovered), dry_run=True,
                              planned=tuple(PlannedLetter(each.letter_no, each.job, each.row.file)
                                            for each in numbered))

    journal.reserve([each.row for each in numbered])
    rendered = renderer.render([LetterToRender(each.letter_no, each.job.kind, each.context, each.row.file)
                                for each in numbered], folder, chosen,
                               lambda done, total: progress(f"letters {bar(done, total)}"))
    generated: list[GeneratedLetter] = []
    new_rows: list[LogRow] = list(recovered)
    for each, outcome in zip(numbered, rendered):
        job = each.job
        if outcome.error is None:
            generated.append(GeneratedLetter(each.letter_no, job.kind, job.customer_id, job.customer_name, job.stage,
                                             Path(outcome.path), outcome.sha256 or "", job.total_fen))
            new_rows.append(dataclasses.replace(each.row, sha256=outcome.sha256 or ""))
        else:
            reason = i18n.LETTER_MESSAGES["render_failed"].format(reason=outcome.error)
            failed.append(LetterNote(job.kind, job.customer_id, reason, each.letter_no))
            new_rows.append(dataclasses.replace(each.row, status="void", note=reason.get(chosen)))

    write_outputs(book, result, chosen)
    book.write_table(log_table(log, new_rows, chosen), replaces=log.sheet_name)
    try:
        written = book.commit(output, progress=progress,
                              status_if_saved=1 if (result.has_errors or failed) else 0)
    except WorkbookUnusable as unusable:
        not_logged = texts.LETTERS_NOT_LOGGED.format(count=len(generated), folder=str(folder))
        raise WorkbookUnusable(f"{unusable} —— {texts.zh_en(not_logged)}") from None
    tidy_warning = None
    try:
        journal.settle([row.letter_no for row in new_rows])
    except OSError as exc:  # the save stands; the next run reconciles the journal
        tidy_warning = texts.JOURNAL_TIDY_FAILED.format(folder=str(folder), reason=exc.strerror or str(exc))

    pdf_path, pdf_error = None, None
    if pdf and generated:
        pdf_path, pdf_error = adapters.pdf([g.path for g in generated], folder, result.as_of, progress)
    return LettersOutcome(result, chosen, folder, tuple(generated), tuple(skipped), tuple(failed),
                          tuple(recovered), (), written, pdf_path, pdf_error, tidy_warning=tidy_warning)
