"""Input files from bytes to text and TOML, with problems that say where they are.

A byte that is not UTF-8 is named by its line (in a CSV table: its data row, the
header being row 0, and its column); a TOML syntax error by the line the parser
gives. Settings and case files share these, so both report alike.
"""
from __future__ import annotations

import csv
import re
import tomllib
from typing import Any

from decarb.errors import Problem

UTF8 = "utf-8-sig"
MAX_DEPTH = 16   # settings and case files nest 4 levels; deeper is no file of ours   # a byte-order mark, as spreadsheets write, is not part of the text


def decode(file: str, data: bytes, table: bool = False) -> tuple[str | None, list[Problem]]:
    """The text of `data`, or None and a problem at its first byte that is not UTF-8:
    by line, or for a CSV `table` by data row and column."""
    try:
        return data.decode(UTF8), []
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1          # the bad byte's line
        found = f"the byte 0x{data[exc.start]:02x}"
        if not table:
            return None, [Problem(file, data.count(b"\n", 0, start) + 1, None, found,
                                  "UTF-8 text")]
        row = sum(1 for line in data[:start].splitlines() if line.strip())   # header: 0
        prefix = data[start:exc.start].decode(UTF8)           # valid up to the bad byte
        field = max(len(next(csv.reader([prefix]), [])) - 1, 0)
        header = next(csv.reader([data.split(b"\n", 1)[0].decode(UTF8, "replace")]), [])
        column = header[field].strip() if 0 < row and field < len(header) else None
        return None, [Problem(file, row, column, found, "UTF-8 text")]


def parse_toml(file: str, data: bytes, expected: str = "valid TOML"
               ) -> tuple[dict[str, Any], list[Problem]]:
    """The parsed file, or {} and the problem (its row is the TOML line)."""
    text, problems = decode(file, data)
    if text is None:
        return {}, problems
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # "at end of document": the last line, where an unclosed string or table ends
        line = line_of(exc) or (len(text.splitlines()) or 1 if "end of document" in str(exc)
                                else None)
        return {}, [Problem(file, line, None, str(exc), expected)]
    except RecursionError:   # the parser recurses into nested arrays and inline tables
        parsed = None
    if parsed is None or _depth(parsed) > MAX_DEPTH:
        return {}, [Problem(file, None, None, "values nested deeper than that",
                            f"TOML values nested at most {MAX_DEPTH} levels deep")]
    return parsed, []


def _depth(value: Any) -> int:
    """How deep tables and arrays nest in `value` (a scalar: 0), without recursion."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        item, level = todo.pop()
        children = (item.values() if isinstance(item, dict) else item
                    if isinstance(item, list) else ())
        for child in children:
            todo.append((child, level + 1))
        deepest = max(deepest, level)
    return deepest


def line_of(exc: Exception) -> int | None:
    """The line a parser's message names ('line 3'), if any."""
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else None
