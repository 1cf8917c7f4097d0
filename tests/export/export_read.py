"""Reading an exported .docx back with python-docx: the text a person sees (content
controls included) and the filled-in values by their `leerpad:` tag."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from typing import Any

import docx
from docx.oxml.ns import qn

W_T, W_TAB, W_BR, W_R = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:r")


def seen(element: Any) -> str:
    """All text under an element in reading order, as Word shows it (controls included)."""
    out = []
    for node in element.iter(W_T, W_TAB, W_BR):
        if node.tag == W_T:
            out.append(node.text or "")
        elif node.tag == W_TAB:
            if node.getparent().tag == W_R:  # not a tab stop definition in the paragraph's style
                out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def paragraphs_seen(cell: Any) -> list[str]:
    return [seen(p._p) for p in cell.paragraphs]


def tags(element: Any) -> dict[str, str]:
    """tag -> text of every content control under an element."""
    found = {}
    for sdt in element.iter(qn("w:sdt")):
        tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
        content = sdt.find(qn("w:sdtContent"))
        if tag is not None and content is not None:
            found[tag.get(qn("w:val"))] = seen(content)
    return found


def open_docx(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def table_rows(table: Any) -> list[list[Any]]:
    """Rows of cells, a merged cell once (python-docx repeats it per grid column)."""
    rows = []
    for row in table.rows:
        cells: list[Any] = []
        for cell in row.cells:
            if not cells or cell._tc is not cells[-1]._tc:
                cells.append(cell)
        rows.append(cells)
    return rows


def body_text(document: Any) -> str:
    return seen(document.element.body)


def footer_text(document: Any) -> str:
    return "\n".join(seen(p._p) for p in document.sections[0].footer.paragraphs)


# --- Markdown, rendered to HTML by a CommonMark parser with GFM tables -----------------------


class _Tables(HTMLParser):
    """Headings and tables of an HTML page: table cells as text (<br> as a newline) plus the
    tags found inside each cell."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, Any]] = []
        self._heading: list[str] | None = None
        self._row: list[tuple[str, set[str]]] | None = None
        self._cell: list[str] | None = None
        self._cell_tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("h1", "h2", "h3", "h4"):
            self._heading = []
        elif tag == "table":
            self.blocks.append(("table", []))
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell, self._cell_tags = [], set()
        elif self._cell is not None:
            self._cell_tags.add(tag)
            if tag == "br":
                self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3", "h4") and self._heading is not None:
            self.blocks.append(("heading", "".join(self._heading)))
            self._heading = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(("".join(self._cell), self._cell_tags))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.blocks[-1][1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._heading is not None:
            self._heading.append(data)


def markdown_blocks(text: str) -> list[tuple[str, Any]]:
    """('heading', text) and ('table', rows of (cell text, tags in the cell)) in order."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)
    parser = _Tables()
    parser.feed(html)
    return parser.blocks


def table_after(blocks: list[tuple[str, Any]], heading: str) -> list[list[tuple[str, set[str]]]]:
    """The first table after the heading that starts with `heading`."""
    for i, (kind, value) in enumerate(blocks):
        if kind == "heading" and value.startswith(heading):
            return next(v for k, v in blocks[i + 1 :] if k == "table")
    raise AssertionError(f"no heading {heading!r}")
