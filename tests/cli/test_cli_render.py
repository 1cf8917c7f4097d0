"""The terminal table: columns as wide as their widest cell, counted in terminal columns."""

from __future__ import annotations

import pytest

from cli.render import literal, table, width


@pytest.mark.parametrize(
    ("text", "columns"),
    [("", 0), ("Lotte", 5), ("Zoë", 3), ("Zoe\u0308", 3), ("東京", 4), ("a東b", 4)],
)
def test_width_counts_terminal_columns(text: str, columns: int) -> None:
    assert width(text) == columns


def test_table_pads_to_the_widest_cell_and_leaves_the_last_column_unpadded() -> None:
    lines = table(
        ["id", "naam", "%", "opmerking"],
        [["P1", "東京", "5%", "kort"], ["P10", "Zoe\u0308 Peeters", "100%", "iets langer"]],
        right=(2,),
    )
    assert lines == [
        "id   naam            %  opmerking",
        "P1   東京           5%  kort",
        "P10  Zoe\u0308 Peeters  100%  iets langer",
    ]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Lotte Wouters", "Lotte Wouters"),
        ("Zoë", "Zoë"),
        ("a\tb", "a b"),
        ("a\nb", "a ⏎ b"),
        ("a\x1b[31mb", "a\\x1b[31mb"),
        ("a\u202eb", "a\\u202eb"),
        ("a\u2028b", "a\\u2028b"),
        ("a\x7fb", "a\\x7fb"),
    ],
)
def test_literal_escapes_whatever_could_steer_the_terminal(raw: str, shown: str) -> None:
    assert literal(raw) == shown
