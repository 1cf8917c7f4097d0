"""The .docx importer: a Word form built from the seed's tables gives the shipped profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog import FormatError, Profile, parse_form_docx

docx = pytest.importorskip("docx")

JOB_HEADER = [
    "Onderliggende kennis en vaardigheden",
    "Opleidingsacties",
    "Voorziene einddatum",
    "Afgewerkt op",
]


def seed_cells(lines: list[str]) -> list[list[str]]:
    """The seed's cells as raw lines: a TAB at the start of a line opens the next cell."""
    cells: list[list[str]] = []
    for line in lines:
        if line.startswith("\t"):
            cells.append([line[1:]])
        elif cells:
            cells[-1].append(line)
    return cells


def seed_tables(
    seed: str,
) -> tuple[list[str], list[tuple[list[str], list[list[list[str]]]]], list[list[list[str]]]]:
    """Preamble lines, job tables (title cell, rows of cells) and personal rows, from the seed."""
    lines = seed.split("\n")
    a = next(i for i, line in enumerate(lines) if line.startswith("A. Jobgerelateerde"))
    b = lines.index("B. Persoonsgebonden competenties")
    cells = seed_cells(lines[a + 1 : b])
    jobs: list[tuple[list[str], list[list[list[str]]]]] = []
    i = 0
    while i < len(cells):
        title = cells[i]
        i += 1
        while "".join(cells[i]).strip() == "":  # the extra empty cells of a merged title row
            i += 1
        assert cells[i][0].strip() == JOB_HEADER[0]
        i += 4
        rows = []
        while i < len(cells):
            nxt = next(
                j
                for j in range(i + 1, len(cells) + 1)
                if j == len(cells) or "".join(cells[j]).strip()
            )
            if nxt < len(cells) and cells[nxt][0].strip() == JOB_HEADER[0]:
                break
            rows.append(cells[i : i + 4])
            i += 4
        jobs.append((title, rows))
    personal = seed_cells(lines[b + 1 :])[2:]
    return lines[: a + 1], jobs, [personal[k : k + 2] for k in range(0, len(personal), 2)]


def fill(cell, lines: list[str]) -> None:
    # Each line becomes a paragraph, blank ones included, as Word keeps them.
    cell.paragraphs[0].text = lines[0] if lines else ""
    for line in lines[1:]:
        cell.add_paragraph(line)


def build(
    seed: str, path: Path, *, title_as_paragraph: bool = False, bad_row: int | None = None
) -> Path:
    preamble, jobs, personal = seed_tables(seed)
    document = docx.Document()
    # The header fields are a one-row table in the form, as the seed's first lines show.
    header = document.add_table(rows=1, cols=3)
    fill(header.rows[0].cells[1], [line.strip() for line in preamble[0:2]])
    fill(header.rows[0].cells[2], [line.strip() for line in preamble[2:4]])
    for line in preamble[4:]:
        document.add_paragraph(line)
    for n, (title, rows) in enumerate(jobs):
        if title_as_paragraph:
            document.add_paragraph(title[0])
            table = document.add_table(rows=0, cols=4)
        else:
            table = document.add_table(rows=1, cols=4)
            merged = table.rows[0].cells[0].merge(table.rows[0].cells[3])
            fill(merged, title)
        row = table.add_row()
        for cell, text in zip(row.cells, JOB_HEADER, strict=True):
            cell.text = text
        for cells in rows:
            row = table.add_row()
            for cell, lines in zip(row.cells, cells, strict=True):
                fill(cell, lines)
            if n == bad_row:
                row.cells[2].merge(row.cells[3])
        if not title_as_paragraph:
            table.add_row()  # a spare empty row, as blank forms have
    document.add_paragraph("B. Persoonsgebonden competenties")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Competentie", "Omschrijving"
    for name, description in personal:
        row = table.add_row()
        fill(row.cells[0], name)
        fill(row.cells[1], description)
    document.add_paragraph("Handtekening begeleider:")
    document.save(str(path))
    return path


def test_docx_gives_the_shipped_profile(seed_text: str, shipped: Profile, tmp_path: Path) -> None:
    path = build(seed_text, tmp_path / "form.docx")
    assert parse_form_docx(path) == shipped


def test_docx_with_titles_as_paragraphs(seed_text: str, shipped: Profile, tmp_path: Path) -> None:
    path = build(seed_text, tmp_path / "form.docx", title_as_paragraph=True)
    assert parse_form_docx(path) == shipped


def test_docx_row_with_three_cells_names_the_table(seed_text: str, tmp_path: Path) -> None:
    path = build(seed_text, tmp_path / "form.docx", bad_row=2)
    with pytest.raises(FormatError) as info:
        parse_form_docx(path)
    # Table 1 holds the header fields, so competency 3 is table 4.
    assert info.value.table == 4
    assert str(info.value).startswith(f"{path}, table 4, row 3, cell 3: expected 4 cells per row")


def test_docx_wrong_header_names_the_table(tmp_path: Path, seed_text: str) -> None:
    path = build(seed_text, tmp_path / "form.docx")
    document = docx.Document(str(path))
    document.tables[5].rows[1].cells[1].text = "Acties"
    document.save(str(path))
    with pytest.raises(
        FormatError,
        match=r"table 6, row 2, cell 2: expected the header cell .Opleidingsacties., found",
    ):
        parse_form_docx(path)


def test_docx_missing_personal_heading(tmp_path: Path) -> None:
    document = docx.Document()
    for line in [
        "Beroep: Bakker",
        "Indicatieve duurtijd: 8 weken",
        "Bakt brood.",
        "1. De competenties: Inhoudstafel",
    ]:
        document.add_paragraph(line)
    for line in [
        "Brood bakken",
        "2. Geplande opleidingsacties",
        "A. Jobgerelateerde competenties: basis",
    ]:
        document.add_paragraph(line)
    path = tmp_path / "bakker.docx"
    document.save(str(path))
    with pytest.raises(
        FormatError, match=r"end of the document: expected the heading 'B\. Persoonsgebonden"
    ):
        parse_form_docx(path)


def test_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "form.docx"
    path.write_text("plain text")
    with pytest.raises(FormatError, match=r"not a readable \.docx"):
        parse_form_docx(path)
