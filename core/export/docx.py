"""The plan as a Word document in the form's own layout (python-docx).

The form's own words and the catalog text are plain text. Everything the plan
filled in (names, weeks, ids, dates, statuses, own actions) sits in Word content
controls tagged `leerpad:...`, the way a filled-in Word form holds its fields; a
reader of the form's text (catalog.importer.parse_form_docx) sees the blank form.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from core.export.model import (
    NOTE_COLUMNS,
    RATING_COLUMNS,
    SIGNOFF_COLUMNS,
    Field,
    NoteItem,
    PlanDocument,
    SignOffItem,
)
from core.i18n import fmt_date
from core.planview import CompetencyView
from core.projections import Status
from core.safe import visible

FONT = "Arial"
"""Word has it and LibreOffice maps it to the metric-compatible Liberation Sans."""
SIZE = Pt(10)
VALUE_COLOUR = RGBColor(0x1F, 0x38, 0x64)
"""Filled-in values in dark blue, as if written into the form."""
MARK_COLOUR = RGBColor(0x59, 0x59, 0x59)
OVERDUE_COLOUR = RGBColor(0x9C, 0x00, 0x06)
TITLE_FILL = "BFBFBF"
HEADER_FILL = "E7E6E6"
JOB_WIDTHS = (4.6, 7.8, 2.3, 2.3)
PERSONAL_WIDTHS = (5.0, 12.0)
NOTE_WIDTHS = (1.8, 2.4, 3.2, 9.6)
RATING_WIDTHS = (7.0, 3.0, 7.0)
SIGNOFF_WIDTHS = (2.0, 2.2, 2.8, 2.4, 2.6, 2.6, 2.4)


# --- low-level helpers -----------------------------------------------------------------------


def clean(text: str) -> str:
    """Text as Word can hold it: control characters shown as escapes (XML forbids them)."""
    return visible(text, multiline=True)


def _theme_free(rpr: CT_RPr) -> None:
    """Drop theme font references so the font we set is the one used."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        return
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)


def _set_font(style: BaseStyle, *, size: Pt, bold: bool | None = None) -> None:
    font = style.font  # type: ignore[attr-defined]  # paragraph and character styles have one
    font.name = FONT
    font.size = size
    font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        font.bold = bold
    rpr = style.element.get_or_add_rPr()
    _theme_free(rpr)
    rpr.rFonts.set(qn("w:eastAsia"), FONT)
    rpr.rFonts.set(qn("w:cs"), FONT)


def new_document(*, title: str, header: str, footer: str, lang: str, today: date) -> Document:
    """An A4 document with the form's fonts, a running header and the footer line."""
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(1.8)
    section.header_distance = section.footer_distance = Cm(0.8)

    styles = document.styles
    normal = styles["Normal"]
    _set_font(normal, size=SIZE)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.space_before = Pt(0)
    rpr = normal.element.get_or_add_rPr()
    lang_el = OxmlElement("w:lang")
    # The catalog text (the bulk of the document) is Dutch whatever the labels' language.
    lang_el.set(qn("w:val"), "nl-BE")
    rpr.append(lang_el)
    for name, size in (("Title", Pt(20)), ("Heading 1", Pt(14)), ("Heading 2", Pt(12))):
        style = styles[name]
        _set_font(style, size=size, bold=True)
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    # The Title style draws a rule under itself in the default template; the form has none.
    title_ppr = styles["Title"].element.pPr
    if title_ppr is not None:
        for border in title_ppr.findall(qn("w:pBdr")):
            title_ppr.remove(border)

    props = document.core_properties
    props.title = title
    props.author = "leerpad"
    props.last_modified_by = "leerpad"
    props.language = "nl-BE" if lang == "nl" else "en-GB"
    stamp = datetime.combine(today, time(), tzinfo=UTC)
    props.created = props.modified = stamp
    props.revision = 1

    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _small(head.add_run(clean(header)), MARK_COLOUR)

    foot = section.footer.paragraphs[0]
    _small(foot.add_run(clean(footer)), MARK_COLOUR)
    return document


def page_numbers(document: Document, word: str, of: str) -> None:
    """'pagina 3 van 9' under the footer line, with Word's own page fields."""
    para = document.sections[0].footer.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _small(para.add_run(f"{word} "), MARK_COLOUR)
    _field(para, "PAGE")
    _small(para.add_run(f" {of} "), MARK_COLOUR)
    _field(para, "NUMPAGES")


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES): begin, instruction, separate, cached value, end."""

    def char(kind: str) -> None:
        run = _small(paragraph.add_run(), MARK_COLOUR)
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    char("begin")
    run = _small(paragraph.add_run(), MARK_COLOUR)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    _small(paragraph.add_run("1"), MARK_COLOUR)
    char("end")


def _small(run: Run, colour: RGBColor | None = None, size: float = 7.5) -> Run:
    run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour
    return run


def control(
    paragraph: Paragraph,
    text: str,
    tag: str,
    *,
    when: date | None = None,
    colour: RGBColor | None = VALUE_COLOUR,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
) -> Run:
    """Append a content control holding `text` (a date picker when `when` is given)."""
    sdt = OxmlElement("w:sdt")
    pr = OxmlElement("w:sdtPr")
    tag_el = OxmlElement("w:tag")
    tag_el.set(qn("w:val"), tag)
    pr.append(tag_el)
    if when is not None:
        picker = OxmlElement("w:date")
        picker.set(qn("w:fullDate"), f"{when.isoformat()}T00:00:00Z")
        for name, value in (
            ("w:dateFormat", "dd/MM/yyyy"),
            ("w:lid", "nl-BE"),
            ("w:storeMappedDataAs", "dateTime"),
            ("w:calendar", "gregorian"),
        ):
            child = OxmlElement(name)
            child.set(qn("w:val"), value)
            picker.append(child)
        pr.append(picker)
    content = OxmlElement("w:sdtContent")
    run = paragraph.add_run(clean(text))
    if colour is not None:
        run.font.color.rgb = colour
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = Pt(size)
    content.append(run._r)  # lxml moves the run from the paragraph into the control
    sdt.append(pr)
    sdt.append(content)
    paragraph._p.append(sdt)
    return run


def plain(paragraph: Paragraph, text: str, *, bold: bool = False) -> Run:
    run = paragraph.add_run(clean(text))
    if bold:
        run.bold = True
    return run


def _shade(cell: _Cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _repeat(row: _Row) -> None:
    """Repeat this row at the top of every page the table runs onto; never split it."""
    trpr = row._tr.get_or_add_trPr()
    for name in ("w:cantSplit", "w:tblHeader"):
        el = OxmlElement(name)
        el.set(qn("w:val"), "true")
        trpr.append(el)


def table(document: Document, widths: Sequence[float]) -> Table:
    """A bordered table of fixed column widths (cm) spanning the text width."""
    tbl = document.add_table(rows=0, cols=len(widths))
    tbl.style = document.styles["Table Grid"]
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl._tbl.tblPr.append(layout)
    for column, width in zip(tbl.columns, widths, strict=True):
        column.width = Cm(width)
    return tbl


def add_row(tbl: Table, widths: Sequence[float], *, whole: bool = False) -> list[_Cell]:
    """A new row; `whole` keeps a short row on one page instead of splitting it."""
    row = tbl.add_row()
    if whole:
        el = OxmlElement("w:cantSplit")
        el.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(el)
    cells = list(row.cells)
    for cell, width in zip(cells, widths, strict=True):
        cell.width = Cm(width)
    return cells


def header_row(tbl: Table, widths: Sequence[float], labels: Sequence[str]) -> None:
    cells = add_row(tbl, widths)
    for cell, label in zip(cells, labels, strict=True):
        _shade(cell, HEADER_FILL)
        para = cell.paragraphs[0]
        para.paragraph_format.keep_with_next = True
        plain(para, label, bold=True).font.size = Pt(9)
    _repeat(tbl.rows[-1])


def cell_paragraph(cell: _Cell, *, first: bool) -> Paragraph:
    """The cell's first paragraph (which python-docx always creates) or a new one."""
    para = cell.paragraphs[0] if first else cell.add_paragraph()
    para.paragraph_format.space_after = Pt(3)
    return para


def text_cell(cell: _Cell, texts: Sequence[str]) -> None:
    """One paragraph per text in a cell (an empty cell keeps its one empty paragraph)."""
    for i, text in enumerate(texts or [""]):
        para = cell_paragraph(cell, first=i == 0)
        if text:
            plain(para, text)


def date_cell(cell: _Cell, value: date | None, tag: str) -> None:
    para = cell.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if value is not None:
        control(para, fmt_date(value), tag, when=value)


def spacer(document: Document) -> None:
    """An empty paragraph between tables: Word joins tables that touch."""
    para = document.add_paragraph()
    para.paragraph_format.space_after = Pt(0)
    run = para.add_run()
    run.font.size = Pt(6)


def save(document: Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def header_fields(document: Document, fields: Sequence[Field]) -> None:
    """The form's header: one row, Cursist(e)/Contractnummer beside Bedrijf/Contactpersoon."""
    tbl = table(document, (8.5, 8.5))
    cells = add_row(tbl, (8.5, 8.5))
    for column, pair in enumerate((fields[0:2], fields[2:4])):
        for i, item in enumerate(pair):
            para = cell_paragraph(cells[column], first=i == 0)
            plain(para, f"{item.label}: ", bold=True)
            if item.value:
                control(para, item.value, f"leerpad:field:{item.key}")


# --- the plan ----------------------------------------------------------------------------------


def _job_table(document: Document, doc: PlanDocument, comp: CompetencyView) -> None:
    lab = doc.labels
    tbl = table(document, JOB_WIDTHS)
    # The title row, merged over the four columns, repeats with the header on every page.
    title = add_row(tbl, JOB_WIDTHS)
    merged = title[0].merge(title[-1])
    _shade(merged, TITLE_FILL)
    para = merged.paragraphs[0]
    para.paragraph_format.keep_with_next = True
    control(para, f"{comp.id}  ", f"leerpad:id:{comp.id}", colour=None, bold=True)
    plain(para, comp.title, bold=True)
    _repeat(tbl.rows[-1])
    header_row(
        tbl,
        JOB_WIDTHS,
        [lab["form.skills"], lab["form.actions"], lab["form.due"], lab["form.done"]],
    )
    for row in comp.rows:
        skills, actions, due, done = add_row(tbl, JOB_WIDTHS)
        if row.own:
            para = cell_paragraph(skills, first=True)
            control(para, lab["own_row"], f"leerpad:own-row:{row.id}", colour=MARK_COLOUR, size=8)
        else:
            text_cell(skills, row.skills)
        first = True
        for action in row.actions:
            para = cell_paragraph(actions, first=first)
            para.paragraph_format.space_after = Pt(0)
            first = False
            if action.own:
                control(para, action.text, f"leerpad:action:{action.id}")
            else:
                run = plain(para, action.text)
                if action.status is Status.NA:
                    run.font.strike = True
                    run.font.color.rgb = MARK_COLOUR
            mark = cell_paragraph(actions, first=False)
            mark.paragraph_format.space_after = Pt(5)
            colour = OVERDUE_COLOUR if action.status is Status.OVERDUE else MARK_COLOUR
            control(
                mark,
                doc.marks[action.id],
                f"leerpad:status:{action.id}",
                colour=colour,
                italic=True,
                size=7.5,
            )
        date_cell(due, row.due, f"leerpad:due:{row.id}")
        date_cell(done, row.done_on, f"leerpad:done:{row.id}")


def _personal_table(document: Document, doc: PlanDocument) -> None:
    lab = doc.labels
    tbl = table(document, PERSONAL_WIDTHS)
    header_row(tbl, PERSONAL_WIDTHS, [lab["form.competency"], lab["form.description"]])
    for item in doc.personal:
        name, description = add_row(tbl, PERSONAL_WIDTHS, whole=True)
        para = cell_paragraph(name, first=True)
        control(para, f"{item.id}  ", f"leerpad:id:{item.id}", colour=None, bold=True)
        plain(para, item.name, bold=True)
        text_cell(description, item.description)


def _notes(document: Document, doc: PlanDocument) -> None:
    _listing(document, doc, "notes", NOTE_WIDTHS, NOTE_COLUMNS, doc.notes, whole=False)


def _evaluations(document: Document, doc: PlanDocument) -> None:
    lab = doc.labels
    document.add_heading(lab["evaluations"], level=1)
    if not doc.evaluations:
        document.add_paragraph(lab["evaluations.none"])
        return
    for evaluation in doc.evaluations:
        document.add_heading(evaluation.title, level=2)
        para = document.add_paragraph()
        para.paragraph_format.keep_with_next = True
        plain(para, f"{lab['evaluation.participants']}: ", bold=True)
        plain(para, ", ".join(evaluation.participants))
        para = document.add_paragraph()
        para.paragraph_format.keep_with_next = True
        plain(para, f"{lab['evaluation.recorded']}: ", bold=True)
        plain(para, f"{evaluation.actor}, {evaluation.time}")
        tbl = table(document, RATING_WIDTHS)
        header_row(tbl, RATING_WIDTHS, lab.headings(RATING_COLUMNS))
        for rating in evaluation.ratings:
            competency, level, comment = add_row(tbl, RATING_WIDTHS, whole=True)
            para = cell_paragraph(competency, first=True)
            plain(para, f"{rating.competency}  ", bold=True)
            plain(para, rating.title)
            text_cell(level, [rating.level])
            text_cell(comment, [rating.comment])
        if evaluation.remark:
            para = document.add_paragraph()
            para.paragraph_format.space_before = Pt(4)
            plain(para, f"{lab['evaluation.remark']}: ", bold=True)
            plain(para, evaluation.remark)


def _signoffs(document: Document, doc: PlanDocument) -> None:
    _listing(document, doc, "signoffs", SIGNOFF_WIDTHS, SIGNOFF_COLUMNS, doc.signoffs, whole=True)


def _listing(
    document: Document,
    doc: PlanDocument,
    key: str,
    widths: Sequence[float],
    columns: Sequence[str],
    items: Sequence[NoteItem | SignOffItem],
    *,
    whole: bool,
) -> None:
    """A headed table of one line per item (notes, sign-offs), or a line saying there are none."""
    lab = doc.labels
    document.add_heading(lab[key], level=1)
    if not items:
        document.add_paragraph(lab[f"{key}.none"])
        return
    tbl = table(document, widths)
    header_row(tbl, widths, lab.headings(columns))
    for item in items:
        cells = add_row(tbl, widths, whole=whole)
        for cell, text in zip(cells, item.cells, strict=True):
            text_cell(cell, [text])


def render(doc: PlanDocument) -> bytes:
    """The .docx bytes of a plan document."""
    lab = doc.labels
    trainee = doc.fields[0].value
    document = new_document(
        title=f"{lab['title']} {doc.plan_id}: {trainee}",
        header=f"{lab['title']} · {doc.title} · {trainee}",
        footer=doc.footer,
        lang=lab.lang,
        today=doc.today,
    )
    page_numbers(document, lab["page"], lab["page_of"])

    # A title the importer reads as a blank line: it is leerpad's, not the form's.
    control(document.add_paragraph(style="Title"), lab["title"], "leerpad:title", colour=None)
    header_fields(document, doc.fields)
    spacer(document)

    para = document.add_paragraph()
    plain(para, f"{lab['form.occupation']}: ", bold=True)
    plain(para, doc.title)
    para = document.add_paragraph()
    plain(para, f"{lab['form.duration']}: ", bold=True)
    control(para, str(doc.weeks), "leerpad:weeks")
    plain(para, f" {lab['form.weeks']}")
    para = document.add_paragraph()
    control(para, doc.status_line, "leerpad:status", colour=MARK_COLOUR, italic=True, size=9)
    for i, text in enumerate(doc.description):
        if i:
            document.add_paragraph()  # the form separates paragraphs with a blank line
        para = document.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        plain(para, text)

    document.add_heading(lab["form.toc"], level=1)
    for comp in doc.competencies:
        para = document.add_paragraph()
        para.paragraph_format.left_indent = Cm(1.0)
        para.paragraph_format.first_line_indent = Cm(-1.0)
        para.paragraph_format.tab_stops.add_tab_stop(Cm(1.0))
        para.paragraph_format.space_after = Pt(2)
        control(para, f"{comp.id}\t", f"leerpad:id:{comp.id}", colour=None, bold=True)
        plain(para, comp.title)

    heading = document.add_heading(lab["form.planned"], level=1)
    heading.paragraph_format.page_break_before = True
    document.add_heading(lab["form.job"], level=2)
    for comp in doc.competencies:
        _job_table(document, doc, comp)
        spacer(document)

    document.add_heading(lab["form.personal"], level=2)
    _personal_table(document, doc)

    _notes(document, doc)
    _evaluations(document, doc)
    _signoffs(document, doc)
    return save(document)


__all__ = ["control", "new_document", "render", "table"]
