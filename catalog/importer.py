"""Turn the opleidingsplan form (plain text or .docx) into a Profile, and a Profile into TOML.

Whitespace: every statement, paragraph and title is stripped and each run of whitespace
(spaces, tabs, non-breaking and em/en spaces, soft line breaks) becomes one space; a cell's
paragraphs are split on blank lines (text) or are the cell's paragraphs (.docx). Wording,
spelling and punctuation are carried verbatim. Header field values (trainee, contract,
company, contact) are placeholders of the blank form and are not part of a profile.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog.schema import (
    DEFAULT_SCALE,
    JobCompetency,
    PersonalCompetency,
    Profile,
    ProfileRow,
)

JOB_HEADER = (
    "Onderliggende kennis en vaardigheden",
    "Opleidingsacties",
    "Voorziene einddatum",
    "Afgewerkt op",
)
PERSONAL_HEADER = ("Competentie", "Omschrijving")
HEADER_FIELDS = ("Cursist(e)", "Contractnummer", "Bedrijf", "Contactpersoon")
TOC_HEADING = "1. De competenties: Inhoudstafel"
PLANNED_HEADING = "2. Geplande opleidingsacties"
JOB_HEADING = "A. Jobgerelateerde competenties"
PERSONAL_HEADING = "B. Persoonsgebonden competenties"

_FIELD_RE = re.compile(r"(Cursist\(e\)|Contractnummer|Bedrijf|Contactpersoon)\s*:", re.IGNORECASE)
# A blank form writes the duration as a placeholder ("…", "...", "___").
_PLACEHOLDER_RE = re.compile(r"[.…_]*")


class FormatError(ValueError):
    """The input is not the form; the message names where, and what was expected there."""

    def __init__(self, message: str, *, line: int | None = None, table: int | None = None):
        super().__init__(message)
        self.line = line
        self.table = table


@dataclass(frozen=True)
class _Loc:
    """A place in the input, for error messages."""

    source: str
    where: str
    line: int | None = None
    table: int | None = None

    def error(self, message: str) -> FormatError:
        return FormatError(
            f"{self.source}, {self.where}: {message}", line=self.line, table=self.table
        )


@dataclass
class _Cell:
    loc: _Loc
    paragraphs: list[str] = field(default_factory=list)
    # Where the content starts: stray text can sit on a later line than the cell's TAB.
    content: _Loc | None = None

    @property
    def at(self) -> _Loc:
        return self.content or self.loc

    @property
    def text(self) -> str:
        return " ".join(self.paragraphs)


@dataclass
class _Preamble:
    title: str
    weeks: int | None
    description: str
    toc: list[tuple[str, _Loc]]


@dataclass
class _Job:
    title: str
    loc: _Loc
    rows: list[ProfileRow]


def normalize(text: str) -> str:
    """Strip, and collapse each run of whitespace to one space: the only change made to the text."""
    return " ".join(text.split())


def slugify(title: str) -> str:
    """A typeable id from a title: ASCII lower case, digits, hyphens ("Één café" -> "een-cafe")."""
    decomposed = unicodedata.normalize("NFKD", title)
    ascii_ = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", ascii_.casefold()).strip("-")


def _quote(text: str, limit: int = 60) -> str:
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


def _is(text: str, heading: str) -> bool:
    return normalize(text).casefold() == heading.casefold()


def _starts(text: str, heading: str) -> bool:
    return normalize(text).casefold().startswith(heading.casefold())


def _paragraphs(lines: Sequence[str]) -> list[str]:
    """A text cell's paragraphs: runs of non-blank lines, separated by blank lines."""
    out: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line)
        elif current:
            out.append(normalize(" ".join(current)))
            current = []
    return out


# --- the parts both formats share ---------------------------------------------------------


class _Cursor:
    """Walks the lines before the tables (header, occupation, table of contents)."""

    def __init__(self, lines: Sequence[tuple[_Loc, str]], end: _Loc):
        self.lines = lines
        self.end = end
        self.i = 0

    def next(self, expected: str) -> tuple[_Loc, str]:
        if self.i >= len(self.lines):
            raise self.end.error(f"expected {expected}, reached the end")
        loc, text = self.lines[self.i]
        self.i += 1
        return loc, normalize(text)

    def next_nonblank(self, expected: str) -> tuple[_Loc, str]:
        while True:
            loc, text = self.next(expected)
            if text:
                return loc, text


def _parse_weeks(value: str, loc: _Loc) -> int | None:
    value = normalize(re.sub(r"\bweken\b|\bweek\b", " ", value, flags=re.IGNORECASE))
    if _PLACEHOLDER_RE.fullmatch(value):
        return None
    if re.fullmatch(r"[0-9]+", value) and int(value) > 0:
        return int(value)
    raise loc.error(
        f"expected the indicative duration as a whole number of weeks or a blank placeholder, "
        f"found {_quote(value)}"
    )


def _parse_preamble(lines: Sequence[tuple[_Loc, str]], end: _Loc) -> tuple[_Preamble, int]:
    """Header fields, Beroep, Indicatieve duurtijd, description, table of contents, headings."""
    cur = _Cursor(lines, end)
    beroep = "'Beroep: <occupation title>'"
    while True:
        loc, text = cur.next_nonblank(beroep)
        if _starts(text, "Beroep:"):
            break
        if not _FIELD_RE.match(text):
            raise loc.error(
                f"expected a header field ({', '.join(HEADER_FIELDS)}) or {beroep}, "
                f"found {_quote(text)}"
            )
    title = normalize(text[len("Beroep:") :])
    if not title:
        raise loc.error("expected the occupation title after 'Beroep:'")

    loc, text = cur.next_nonblank("'Indicatieve duurtijd: <n> weken'")
    if not _starts(text, "Indicatieve duurtijd:"):
        raise loc.error(f"expected 'Indicatieve duurtijd: <n> weken', found {_quote(text)}")
    weeks = _parse_weeks(text[len("Indicatieve duurtijd:") :], loc)

    description: list[str] = []
    current: list[str] = []
    while True:
        loc, text = cur.next(f"'{TOC_HEADING}'")
        if _is(text, TOC_HEADING):
            break
        if text:
            current.append(text)
        elif current:
            description.append(" ".join(current))
            current = []
    if current:
        description.append(" ".join(current))
    if not description:
        raise loc.error(f"expected the occupation description before '{TOC_HEADING}'")

    toc: list[tuple[str, _Loc]] = []
    while True:
        loc, text = cur.next_nonblank(f"'{PLANNED_HEADING}'")
        if _is(text, PLANNED_HEADING):
            break
        if _is(text, "2."):
            # Word's list numbering puts "2." on a line of its own.
            loc, text = cur.next_nonblank("'Geplande opleidingsacties'")
            if not _is(text, "Geplande opleidingsacties"):
                raise loc.error(
                    f"expected 'Geplande opleidingsacties' after '2.', found {_quote(text)}"
                )
            break
        toc.append((text, loc))
    if not toc:
        raise loc.error(f"expected the competency titles listed under '{TOC_HEADING}'")

    loc, text = cur.next_nonblank(f"'{JOB_HEADING}'")
    if not _starts(text, JOB_HEADING):
        raise loc.error(f"expected '{JOB_HEADING}: basis', found {_quote(text)}")
    return _Preamble(title, weeks, "\n\n".join(description), toc), cur.i


def _check_header(cells: Sequence[_Cell], expected: Sequence[str], missing_at: _Loc) -> None:
    for i, name in enumerate(expected):
        if i >= len(cells):
            raise missing_at.error(
                f"expected the header cell '{name}', reached the end of the table"
            )
        if not _is(cells[i].text, name):
            found = _quote(cells[i].text) if cells[i].paragraphs else "an empty cell"
            raise cells[i].at.error(f"expected the header cell '{name}', found {found}")


def _single(cell: _Cell, what: str) -> str:
    if not cell.paragraphs:
        raise cell.loc.error(f"expected {what}, found an empty cell")
    if len(cell.paragraphs) > 1:
        raise cell.at.error(f"expected {what} in one paragraph, found {len(cell.paragraphs)}")
    return cell.paragraphs[0]


def _job_row(cells: Sequence[_Cell], row: str) -> ProfileRow:
    skills, actions, planned, done = cells
    for cell, name, what in (
        (skills, JOB_HEADER[0], "statements"),
        (actions, JOB_HEADER[1], "paragraphs"),
    ):
        if not cell.paragraphs:
            raise cell.loc.error(
                f"expected the '{name}' cell of {row} (one or more {what}), found an empty cell"
            )
    for cell, name in ((planned, JOB_HEADER[2]), (done, JOB_HEADER[3])):
        if cell.paragraphs:
            raise cell.at.error(
                f"expected the empty '{name}' cell of {row} (a template has no dates), "
                f"found {_quote(cell.text)}; does a row have fewer than 4 cells?"
            )
    return ProfileRow(skills=list(skills.paragraphs), actions=list(actions.paragraphs))


def _personal(name: _Cell, description: _Cell) -> PersonalCompetency:
    title = _single(name, f"the '{PERSONAL_HEADER[0]}' cell (the competency's name)")
    if not description.paragraphs:
        raise description.loc.error(
            f"expected the '{PERSONAL_HEADER[1]}' cell of {_quote(title)}, found an empty cell"
        )
    return PersonalCompetency(name=title, description="\n\n".join(description.paragraphs))


def _assemble(
    pre: _Preamble,
    jobs: list[_Job],
    personal: list[PersonalCompetency],
    profile_id: str | None,
    end: _Loc,
) -> Profile:
    for i, (entry, entry_loc) in enumerate(pre.toc):
        if i >= len(jobs):
            raise end.error(
                f"expected a table for competency {i + 1}, {_quote(entry)} "
                f"(listed in the table of contents at {entry_loc.where}); found {len(jobs)} tables"
            )
        if jobs[i].title != entry:
            raise jobs[i].loc.error(
                f"expected the title of competency {i + 1} as listed in the table of contents "
                f"at {entry_loc.where}, {_quote(entry)}, found {_quote(jobs[i].title)}"
            )
    if len(jobs) > len(pre.toc):
        extra = jobs[len(pre.toc)]
        raise extra.loc.error(
            f"expected {len(pre.toc)} competency tables as listed in the table of contents, "
            f"found another one, {_quote(extra.title)}"
        )
    if not personal:
        raise end.error(f"expected at least one personal competency under '{PERSONAL_HEADING}'")
    pid = profile_id if profile_id is not None else slugify(pre.title)
    if not pid:
        raise end.error(f"cannot derive an id from the title {_quote(pre.title)}; pass profile_id")
    return Profile(
        id=pid,
        version=1,
        title=pre.title,
        description=pre.description,
        job=[JobCompetency(title=j.title, rows=j.rows) for j in jobs],
        personal=personal,
        weeks=pre.weeks,
        scale=list(DEFAULT_SCALE),
    )


# --- plain text ---------------------------------------------------------------------------


def _text_cells(
    lines: Sequence[tuple[_Loc, str]], start: int, stop: str | None, end: _Loc
) -> tuple[list[_Cell], int]:
    """Cells from `start` up to a line holding the `stop` heading (or the end when stop is None)."""
    cells: list[_Cell] = []
    raw: list[list[str]] = []
    i = start
    while i < len(lines):
        loc, line = lines[i]
        if line.lstrip(" ").startswith("\t"):
            cells.append(_Cell(loc))
            raw.append([line.split("\t", 1)[1]])
        elif stop is not None and _starts(line, stop):
            break
        elif not line.strip():
            if raw:
                raw[-1].append("")
        elif raw:
            raw[-1].append(line)
        else:
            raise loc.error(
                f"expected a table cell (a line starting with a TAB), found {_quote(line.strip())}"
            )
        i += 1
    else:
        if stop is not None:
            raise end.error(
                f"expected '{stop}' after the job competency tables, reached the end of the text"
            )
    for cell, cell_lines in zip(cells, raw, strict=True):
        cell.paragraphs = _paragraphs(cell_lines)
        first = next((n for n, line in enumerate(cell_lines) if line.strip()), 0)
        line = (cell.loc.line or 0) + first
        cell.content = _Loc(cell.loc.source, f"line {line}", line=line)
    return cells, i


def _opens_competency(cells: Sequence[_Cell], i: int) -> bool:
    """Whether cells[i] is a competency title: the next non-empty cell starts the header."""
    if not cells[i].paragraphs:
        return False
    j = i + 1
    while j < len(cells) and not cells[j].paragraphs:
        j += 1
    return j < len(cells) and _is(cells[j].text, JOB_HEADER[0])


def _text_jobs(cells: Sequence[_Cell], end: _Loc) -> list[_Job]:
    # Rows are not delimited in the text form (a blank line also separates paragraphs inside a
    # cell), so rows are 4 cells each and a new table is recognised by its header cell.
    jobs: list[_Job] = []
    if not cells:
        raise end.error("expected the first job competency table, found no cells")
    i = 0
    while i < len(cells):
        title_cell = cells[i]
        title = _single(title_cell, "a job competency title")
        i += 1
        # A title row merged across the table may still export its other cells, empty.
        while i < len(cells) and not cells[i].paragraphs:
            i += 1
        header = cells[i : i + len(JOB_HEADER)]
        _check_header(header, JOB_HEADER, header[-1].loc if header else title_cell.loc)
        i += len(JOB_HEADER)
        rows: list[ProfileRow] = []
        while i < len(cells) and not _opens_competency(cells, i):
            group = cells[i : i + 4]
            first = group[0].loc.line
            if len(group) < 4:
                raise group[-1].loc.error(
                    f"expected 4 cells per row ({' / '.join(JOB_HEADER)}); "
                    f"the row that starts at line {first} has {len(group)}"
                )
            i += 4
            if any(c.paragraphs for c in group):
                rows.append(_job_row(group, f"the row that starts at line {first}"))
        if not rows:
            raise header[0].loc.error(
                f"expected at least one row under the header of {_quote(title)}"
            )
        jobs.append(_Job(title, title_cell.loc, rows))
    return jobs


def _text_personal(cells: Sequence[_Cell], heading: _Loc) -> list[PersonalCompetency]:
    header = cells[: len(PERSONAL_HEADER)]
    _check_header(header, PERSONAL_HEADER, header[-1].loc if header else heading)
    rest = cells[len(PERSONAL_HEADER) :]
    if len(rest) % 2:
        raise rest[-1].loc.error(
            f"expected 2 cells per row ({' / '.join(PERSONAL_HEADER)}); "
            f"the last row, at line {rest[-1].loc.line}, has 1"
        )
    return [
        _personal(name, desc)
        for name, desc in zip(rest[::2], rest[1::2], strict=True)
        if name.paragraphs or desc.paragraphs
    ]


def parse_form_text(text: str, *, profile_id: str | None = None, source: str = "<text>") -> Profile:
    """Parse the form's plain-text form; FormatError names the line where it is not that form."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = [(_Loc(source, f"line {n}", line=n), raw) for n, raw in enumerate(text.split("\n"), 1)]
    end = _Loc(source, f"line {len(lines)}", line=len(lines))
    pre, i = _parse_preamble(lines, end)
    cells, i = _text_cells(lines, i, PERSONAL_HEADING, end)
    heading = lines[i][0]  # the "B." line: section A ends there
    jobs = _text_jobs(cells, heading)
    cells, _ = _text_cells(lines, i + 1, None, end)
    _check_form_end(cells, lines)
    personal = _text_personal(cells, heading)
    return _assemble(pre, jobs, personal, profile_id, end)


def _check_form_end(cells: Sequence[_Cell], lines: Sequence[tuple[_Loc, str]]) -> None:
    """Refuse text after the form: it ends with the line of its last cell (the last
    personal competency's description); anything but blank lines after it is not the form."""
    if not cells:
        return
    last = (cells[-1].loc.line or 1) - 1
    for loc, line in lines[last + 1 :]:
        if line.strip():
            raise loc.error(
                f"expected the end of the form after the last personal competency "
                f"(line {last + 1}), found more text: {_quote(line.strip())}"
            )


# --- .docx --------------------------------------------------------------------------------


def _docx_rows(table: Any, number: int, source: str) -> list[list[_Cell]]:
    rows: list[list[_Cell]] = []
    for r, row in enumerate(table.rows, 1):
        cells: list[_Cell] = []
        seen: list[Any] = []
        for cell in row.cells:
            # python-docx repeats a merged cell once per grid column it spans.
            if seen and cell._tc is seen[-1]:
                continue
            seen.append(cell._tc)
            loc = _Loc(source, f"table {number}, row {r}, cell {len(seen)}", table=number)
            texts = [normalize(p.text) for p in cell.paragraphs]
            cells.append(_Cell(loc, [t for t in texts if t]))
        rows.append(cells)
    return rows


def _docx_jobs(blocks: Sequence[tuple[_Loc, Any]], end: _Loc) -> list[_Job]:
    """Competency tables: header row, with the title in a row above it or in the block before."""
    jobs: list[_Job] = []
    pending: tuple[str, _Loc] | None = None
    for loc, block in blocks:
        if isinstance(block, str):
            text = normalize(block)
            if not text:
                continue
            if pending is not None:
                raise pending[1].error(
                    f"expected a job competency table after the title {_quote(pending[0])}"
                )
            pending = (text, loc)
            continue
        rows = block
        header_at = next(
            (n for n, row in enumerate(rows) if row and _is(row[0].text, JOB_HEADER[0])), None
        )
        if header_at is None:
            texts = [p for row in rows for c in row for p in c.paragraphs]
            if len(texts) == 1 and pending is None:
                pending = (texts[0], loc)
                continue
            raise loc.error(
                f"expected a job competency table with the header row {' / '.join(JOB_HEADER)}"
            )
        _check_header(rows[header_at], JOB_HEADER, rows[header_at][-1].loc)
        above = [c for row in rows[:header_at] for c in row if c.paragraphs]
        if above and pending is not None:
            raise above[0].loc.error(
                f"expected the competency title either before the table ({pending[1].where}) "
                f"or in a row above its header, found both"
            )
        if above:
            if len(above) > 1:
                raise above[1].loc.error("expected one competency title above the header row")
            title, title_loc = _single(above[0], "a job competency title"), above[0].loc
        elif pending is not None:
            title, title_loc = pending
        else:
            raise loc.error("expected the competency title in a row above the header row")
        pending = None
        job_rows: list[ProfileRow] = []
        for n, row in enumerate(rows[header_at + 1 :], header_at + 2):
            if not any(c.paragraphs for c in row):
                continue
            if len(row) != 4:
                raise row[-1].loc.error(
                    f"expected 4 cells per row ({' / '.join(JOB_HEADER)}), found {len(row)}"
                )
            job_rows.append(_job_row(row, f"row {n}"))
        if not job_rows:
            raise loc.error(f"expected at least one row under the header of {_quote(title)}")
        jobs.append(_Job(title, title_loc, job_rows))
    if pending is not None:
        raise pending[1].error(
            f"expected a job competency table after the title {_quote(pending[0])}"
        )
    if not jobs:
        raise end.error("expected the first job competency table")
    return jobs


def _docx_personal(rows: list[list[_Cell]], loc: _Loc) -> list[PersonalCompetency]:
    rows = [row for row in rows if any(c.paragraphs for c in row)]
    if not rows:
        raise loc.error(
            f"expected the header row {' / '.join(PERSONAL_HEADER)}, found an empty table"
        )
    _check_header(rows[0], PERSONAL_HEADER, rows[0][-1].loc)
    personal: list[PersonalCompetency] = []
    for row in rows[1:]:
        if len(row) != 2:
            raise row[-1].loc.error(
                f"expected 2 cells per row ({' / '.join(PERSONAL_HEADER)}), found {len(row)}"
            )
        personal.append(_personal(*row))
    return personal


def parse_form_docx(path: str | os.PathLike[str], *, profile_id: str | None = None) -> Profile:
    """Parse the form as a Word document; raise FormatError naming the table (or paragraph)."""
    import docx  # only this import path needs python-docx
    from docx.table import Table

    source = str(path)
    try:
        document = docx.Document(source)
    except Exception as exc:  # python-docx raises several unrelated types for a bad package
        raise FormatError(f"{source}: not a readable .docx file ({exc})") from exc

    # Body paragraphs become strings, tables lists of rows of cells, each with its place.
    blocks: list[tuple[_Loc, Any]] = []
    paragraphs = tables = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            tables += 1
            loc = _Loc(source, f"table {tables}", table=tables)
            blocks.append((loc, _docx_rows(block, tables, source)))
        else:
            paragraphs += 1
            blocks.append((_Loc(source, f"paragraph {paragraphs}"), block.text))
    end = _Loc(source, "the end of the document")

    # Everything up to the "A." heading is read as lines, the way the text form is.
    lines: list[tuple[_Loc, str]] = []
    start = len(blocks)
    for n, (loc, block) in enumerate(blocks):
        if isinstance(block, str):
            lines.extend((loc, piece) for piece in block.split("\n"))
            if _starts(block, JOB_HEADING):
                start = n + 1
                break
        else:
            lines.extend((c.loc, p) for row in block for c in row for p in c.paragraphs or [""])
    pre, _ = _parse_preamble(lines, end)

    stop = next(
        (
            n
            for n in range(start, len(blocks))
            if isinstance(blocks[n][1], str) and _starts(blocks[n][1], PERSONAL_HEADING)
        ),
        None,
    )
    if stop is None:
        raise end.error(
            f"expected the heading '{PERSONAL_HEADING}' after the job competency tables"
        )
    jobs = _docx_jobs(blocks[start:stop], blocks[stop][0])
    table = next(((loc, b) for loc, b in blocks[stop + 1 :] if not isinstance(b, str)), None)
    if table is None:
        raise end.error(f"expected the personal competency table after '{PERSONAL_HEADING}'")
    table_loc, table_rows = table
    personal = _docx_personal(table_rows, table_loc)
    return _assemble(pre, jobs, personal, profile_id, end)


# --- TOML ---------------------------------------------------------------------------------

_TOML_ESCAPES = {
    **{i: f"\\u{i:04X}" for i in (*range(0x20), 0x7F)},
    ord("\b"): "\\b",
    ord("\t"): "\\t",
    ord("\n"): "\\n",
    ord("\f"): "\\f",
    ord("\r"): "\\r",
    ord('"'): '\\"',
    ord("\\"): "\\\\",
}


def toml_string(value: str) -> str:
    """A TOML basic string reading back as exactly `value` (lone surrogates cannot be written)."""
    return '"' + value.translate(_TOML_ESCAPES) + '"'


def _toml_array(values: Sequence[str]) -> str:
    if not values:
        return "[]"
    return "[\n" + "".join(f"    {toml_string(v)},\n" for v in values) + "]"


def profile_to_toml(profile: Profile, *, comment: str | None = None) -> str:
    """The profile as TOML that msgspec.toml.decode(..., type=Profile) reads back equal."""
    out: list[str] = [f"# {line}".rstrip() for line in (comment or "").splitlines()]
    out += [
        f"id = {toml_string(profile.id)}",
        f"version = {profile.version}",
        f"title = {toml_string(profile.title)}",
    ]
    if profile.weeks is not None:
        out.append(f"weeks = {profile.weeks}")
    out.append(f"description = {toml_string(profile.description)}")
    # Empty lists cannot be written as array-of-tables sections; they must precede all tables.
    out += [f"{key} = []" for key in ("job", "personal", "scale") if not getattr(profile, key)]
    for job in profile.job:
        out += ["", "[[job]]", f"title = {toml_string(job.title)}"]
        if not job.rows:
            out.append("rows = []")
        for row in job.rows:
            out += ["", "[[job.rows]]"]
            out += [f"skills = {_toml_array(row.skills)}", f"actions = {_toml_array(row.actions)}"]
    for personal in profile.personal:
        out += ["", "[[personal]]", f"name = {toml_string(personal.name)}"]
        out.append(f"description = {toml_string(personal.description)}")
    for level in profile.scale:
        out += ["", "[[scale]]"]
        out += [f"{key} = {toml_string(getattr(level, key))}" for key in ("key", "nl", "en")]
        out.append(f"acquired = {'true' if level.acquired else 'false'}")
    return "\n".join(out) + "\n"


def parse_form_file(path: str | os.PathLike[str], *, profile_id: str | None = None) -> Profile:
    """Parse a form file: .docx with parse_form_docx, anything else as UTF-8 text."""
    path = Path(path)
    if path.suffix.lower() == ".docx":
        return parse_form_docx(path, profile_id=profile_id)
    text = path.read_text(encoding="utf-8-sig")
    return parse_form_text(text, profile_id=profile_id, source=str(path))


def form_to_toml(path: str | os.PathLike[str], *, profile_id: str | None = None) -> str:
    """The catalog file for a form, marked as generated so that fixes go to the form."""
    profile = parse_form_file(path, profile_id=profile_id)
    name = Path(path).name
    return profile_to_toml(
        profile,
        comment=f"Generated from {name} by `python -m catalog`; change the form and regenerate.",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m catalog FORM [--id ID] [-o OUT]`: write a form as a catalog TOML file."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m catalog", description="Write an opleidingsplan form as a catalog TOML file."
    )
    parser.add_argument("form", type=Path, help="the form as .txt or .docx")
    parser.add_argument("--id", dest="profile_id", help="profile id (default: from the title)")
    parser.add_argument("-o", "--output", type=Path, help="output file (default: stdout)")
    args = parser.parse_args(argv)
    try:
        text = form_to_toml(args.form, profile_id=args.profile_id)
    except (FormatError, OSError, UnicodeDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0
