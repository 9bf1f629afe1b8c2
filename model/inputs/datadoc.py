"""Render the input-data reference (`docs/data.md`) from the schema and settings metadata.

Regenerate after changing `model/inputs/schema.py` or `model/inputs/settings.py`:
    python -m decarb.inputs.datadoc docs/data.md
"""
from __future__ import annotations

import sys
from dataclasses import Field
from pathlib import Path

from decarb.inputs import schema
from decarb.inputs.schema import TABLES, Column, Table
from decarb.inputs.settings import SETTING_FIELDS, SETTINGS_FILE
from decarb.inputs.validation import range_text

REGENERATE = "python -m decarb.inputs.datadoc docs/data.md"


def render_data_reference() -> str:
    doc = schema.__doc__ or ""
    conventions = doc[doc.index("Conventions"):].split("\n", 1)[1].strip()
    parts = [
        "# Input data reference",
        f"Generated from `model/inputs/schema.py` and `model/inputs/settings.py` by `{REGENERATE}`; "
        "do not edit by hand.",
        "A dataset is a folder of CSV files (one per table, with a header row) and an "
        f"optional `{SETTINGS_FILE}`. Problems are reported by file, data row (the header is "
        "row 0) and column.",
        "## Conventions", conventions,
        "## Tables", *[_table_section(t) for t in TABLES],
        f"## Run settings (`{SETTINGS_FILE}`)",
        "Every key is optional; a missing file means all defaults.",
        _settings_table(),
    ]
    return "\n\n".join(parts) + "\n"


def _table_section(table: Table) -> str:
    facts = (f"Required: {'yes' if table.required else 'no'}. "
             f"Key: {', '.join(f'`{k}`' for k in table.key)}. "
             + ("Time series: anchor years, interpolated over the model years."
                if table.series else "Not a time series."))
    rows = [_row(f"`{c.name}`", c.dtype, c.unit, "yes" if c.required else "no",
                 _default(c.default), _allowed(c), c.description) for c in table.columns]
    header = _row("column", "type", "unit", "required", "default", "allowed", "description")
    return "\n\n".join([f"### `{table.file}`", table.description, facts,
                        "\n".join([header, _row(*["---"] * 7), *rows])])


def _allowed(column: Column) -> str:
    parts = [range_text(column.min, column.max)]
    if column.choices:
        parts.append(_choices(column.choices))
    if column.references:
        table, key = column.references.split(".")
        parts.append(f"a `{key}` of `{table}.csv`"
                     + "".join(f" or `{v}`" for v in column.extra_values))
    return "; ".join(p for p in parts if p)


def _settings_table() -> str:
    header = _row("key", "type", "unit", "default", "allowed", "description")
    rows = [_setting_row(f) for f in SETTING_FIELDS.values()]
    return "\n".join([header, _row(*["---"] * 6), *rows])


def _setting_row(spec: Field) -> str:
    meta = spec.metadata
    allowed = "; ".join(p for p in [range_text(meta["min"], meta["max"]),
                                    _choices(meta["choices"])] if p)
    optional = " (optional)" if "None" in str(spec.type) else ""
    return _row(f"`{spec.name}`", str(spec.type).split("|")[0].strip() + optional,
                meta["unit"], _toml(spec.default), allowed, meta["description"])


def _choices(choices: tuple[str, ...]) -> str:
    return "one of " + ", ".join(f"`{c}`" for c in choices) if choices else ""


def _default(value: float | str | None) -> str:
    if value is None or value == "":
        return ""
    return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"


def _toml(value: object) -> str:
    """A default as it would be written in settings.toml."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f'`"{value}"`' if isinstance(value, str) else f"`{value:g}`"


def _row(*cells: str) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(render_data_reference(), encoding="utf-8")
