"""The data's own words shown on pages (node types, tie kinds), marked for the catalogue and
translated where shown: ``_(NODE_WORDS[value])``; a value not listed is shown as it is."""

from __future__ import annotations

from lacgraph.i18n import N_, _

NODE_WORDS = {"person": N_("person"), "group": N_("group"), "service": N_("service"),
              "coordinator": N_("coordinator"), "natural": N_("natural"),
              "community": N_("community"), "paid": N_("paid"), "family": N_("family"),
              "friend": N_("friend"), "neighbour": N_("neighbour"), "peer": N_("peer"),
              "member": N_("member"), "volunteer": N_("volunteer"),
              "household": N_("household")}
"""Node types and tie kinds, in English (the data's values)."""


def word(value: object) -> str:
    """``value`` (a node type or tie kind) in the current language.

    Examples
    --------
    >>> word("group"), word("choir")
    ('group', 'choir')
    """
    text = str(value)
    return _(NODE_WORDS[text]) if text in NODE_WORDS else text
