"""Find English sentences left on a Welsh page: compare its visible text with the English
messages of the catalogue (the words between placeholders), ignoring names, numbers and dates.
"""

from __future__ import annotations

import functools
import html
import re

from babel.messages.pofile import read_po

from lacgraph.i18n import LOCALE_DIR

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|<[^>]+>|&lt;|&gt;")


@functools.cache
def english_pieces(min_words: int = 3) -> frozenset[str]:
    """Every run of at least ``min_words`` words of an English message (between its
    placeholders and markup) whose Welsh is different."""
    with (LOCALE_DIR / "cy" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="cy")
    pieces = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        welsh = [message.string] if isinstance(message.string, str) else list(message.string)
        for english in ids:
            if english in welsh:
                continue
            for piece in PLACEHOLDER.split(english.replace("%%", "%")):
                piece = piece.strip(" .,;:()—–*“”\"'\n")
                if len(piece.split()) >= min_words:
                    pieces.add(piece)
    return frozenset(pieces)


def visible_text(page: str) -> str:
    """The text a reader sees or hears: element text, ``alt``/``aria-label``/``title``
    attributes, no styles or scripts (one line per piece)."""
    page = re.sub(r"<(style|script)\b[^>]*>.*?</\1>", " ", page, flags=re.S | re.I)
    attributes = re.findall(r'\b(?:aria-label|alt|title|data-label)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", "\n", page)
    lines = [html.unescape(t).strip() for t in [*text.split("\n"), *attributes]]
    return "\n".join(t for t in lines if t)


def english_left(page: str) -> list[str]:
    """The English messages' word runs found in ``page``'s visible text."""
    seen = re.sub(r"\s+", " ", visible_text(page))
    return sorted(piece for piece in english_pieces() if piece in seen)


def numbers(page: str) -> list[str]:
    """Every number in ``page``'s visible text (digits with their separators)."""
    return re.findall(r"\d+(?:[.,]\d+)*", visible_text(page))
