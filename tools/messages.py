"""Keep the Welsh catalogue in step with the code: ``make messages``.

Extracts every message people read (``_()`` and ``ngettext()`` in Python, the same in the
Jinja templates) into ``lacgraph/locale/messages.pot``, merges it into the Welsh catalogue
``lacgraph/locale/cy/LC_MESSAGES/messages.po`` (new messages arrive empty, for a
translator; messages no longer in the code are dropped) and compiles ``messages.mo``.
``tests/unit/test_welsh_catalogue.py`` fails when the code and the catalogue differ, when a
Welsh entry is empty or fuzzy, or when the compiled file is stale.

Run with the project's Python: ``.venv/bin/python tools/messages.py [--check]``.
"""

from __future__ import annotations

import datetime
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "lacgraph" / "locale"
POT = LOCALE / "messages.pot"
PO = LOCALE / "cy" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
REVIEW = ROOT / "docs" / "translations-to-check.md"
SOURCES = ("lacgraph", "viz", "loaders")
METHODS = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
STAMP = datetime.datetime(2026, 12, 6, tzinfo=datetime.UTC)
"""A fixed header date, so the files change only when a message does."""


def extract() -> Catalog:
    """Every message of the code, with the places it is used."""
    template = Catalog(project="lacgraph", fuzzy=False, creation_date=STAMP,
                       revision_date=STAMP)
    for folder in SOURCES:
        for filename, line, message, comments, context in extract_from_dir(
                ROOT / folder, METHODS, keywords=KEYWORDS,
                options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}):
            where = (f"{folder}/{filename}", line)
            template.add(message, None, [where], auto_comments=comments, context=context)
    return template


def read_welsh() -> Catalog:
    """The Welsh catalogue as it is in the repository."""
    with PO.open("rb") as handle:
        return read_po(handle, locale="cy")


def compiled(catalog: Catalog) -> bytes:
    """The ``.mo`` bytes of ``catalog`` (fuzzy entries are never used)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def translated(string: object) -> bool:
    """Whether a catalogue entry has its Welsh (every plural form for a plural message)."""
    if isinstance(string, str):
        return bool(string)
    return bool(string) and all(string)  # type: ignore[arg-type]


PLURAL_NAMES = ("zero", "one", "two", "few", "many", "other")
"""Babel's CLDR plural categories for Welsh, in the catalogue's order of forms."""


def _cell(text: str) -> str:
    """``text`` for one cell of a Markdown table."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def review(catalog: Catalog) -> str:
    """The Welsh translations to check, one table per file they are used in (Markdown)."""
    places: dict[str, list[tuple[str, str]]] = {}
    for message in catalog:
        if not message.id:
            continue
        where = message.locations[0][0] if message.locations else "(unknown)"
        if isinstance(message.id, tuple):
            english = " / ".join(message.id)
            welsh = " / ".join(f"*{name}:* {form}" for name, form in zip(
                PLURAL_NAMES, message.string, strict=False))
        else:
            english, welsh = message.id, str(message.string)
        places.setdefault(where, []).append((english, welsh))
    count = sum(len(rows) for rows in places.values())
    lines = [
        "# Translations to check (Cymraeg)",
        "",
        "Every Welsh string in lacgraph was written by the development team, not by a "
        "professional translator. This file lists all of them, by the file that uses them, "
        "for a council's translation unit to check; terms first in "
        "[the glossary](glossary-cy.md). To correct one, edit its `msgstr` in "
        "`lacgraph/locale/cy/LC_MESSAGES/messages.po` and run `make messages` (which also "
        "rewrites this file). `%(name)s` is filled in by the program (a name, a number, a "
        "date) and must stay as it is; names are never mutated by the program. A plural "
        "message has one Welsh form per CLDR category (zero, one, two, few, many, other: "
        "n = 0, 1, 2, 3, 6, and the rest).",
        "",
        f"{count} messages in {len(places)} files.",
    ]
    for where in sorted(places):
        lines += ["", f"## {where}", "", "| English | Cymraeg |", "|---|---|"]
        lines += [f"| {_cell(e)} | {_cell(w)} |" for e, w in places[where]]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    template = extract()
    catalog = read_welsh() if PO.exists() else Catalog(locale="cy", project="lacgraph")
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=True)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    catalog.revision_date = STAMP
    catalog.last_translator = "lacgraph team (to be checked: docs/translations-to-check.md)"
    catalog.language_team = "Cymraeg"
    for path, write in ((POT, template), (PO, catalog)):
        with path.open("wb") as handle:
            write_po(handle, write, width=100, omit_header=False, sort_output=True)
    MO.write_bytes(compiled(read_welsh()))
    REVIEW.write_text(review(read_welsh()), encoding="utf-8")
    missing = [m.id for m in catalog if m.id and not translated(m.string)]
    print(f"{len(template)} messages; {len(missing)} still to translate into Welsh")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
