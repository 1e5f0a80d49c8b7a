"""The Welsh catalogue is complete, checked and compiled, and Welsh plurals follow CLDR.

The catalogue (``lacgraph/locale/cy/LC_MESSAGES/messages.po``) must hold exactly the
messages the code asks for (``_()``/``ngettext()`` in Python and templates), each with its
Welsh, none fuzzy, every placeholder kept; ``messages.mo`` must be the compiled ``.po``.
``make messages`` (tools/messages.py) brings them back in step after a change.
"""

from __future__ import annotations

from babel import Locale
from babel.messages.plurals import get_plural

from lacgraph import i18n
from tools import messages

WELSH = messages.read_welsh()


def ids(catalog) -> set:
    return {m.id for m in catalog if m.id}


def test_every_message_in_the_code_is_in_the_catalogue_and_no_other():
    code = ids(messages.extract())
    catalogue = ids(WELSH)
    assert not code - catalogue, f"not in the Welsh catalogue (run make messages): {code - catalogue}"
    assert not catalogue - code, f"in the catalogue but not in the code: {catalogue - code}"


def test_no_welsh_entry_is_empty_or_fuzzy():
    empty = [m.id for m in WELSH if m.id and not messages.translated(m.string)]
    fuzzy = [m.id for m in WELSH if m.id and m.fuzzy]
    assert not empty, f"{len(empty)} Welsh entries are empty: {empty[:10]}"
    assert not fuzzy, f"{len(fuzzy)} Welsh entries are fuzzy: {fuzzy[:10]}"


def test_welsh_keeps_every_placeholder():
    problems = [(m.id, [str(e) for e in errors]) for m, errors in WELSH.check()]
    assert not problems, problems


def test_the_compiled_catalogue_is_the_po_file():
    assert messages.MO.read_bytes() == messages.compiled(WELSH), "run make messages"


def test_plural_forms_are_babels_cldr_rule():
    assert WELSH.plural_forms == get_plural("cy").plural_forms
    assert WELSH.num_plurals == 6
    plurals = [m for m in WELSH if isinstance(m.id, tuple)]
    assert plurals, "the catalogue holds no plural message to check"
    for message in plurals:
        assert len(message.string) == 6 and all(message.string), message.id


def test_welsh_plural_chosen_for_each_count_by_cldr():
    rule = Locale("cy").plural_form
    forms = ["zero", "one", "two", "few", "many", "other"]
    plurals = [m for m in WELSH if isinstance(m.id, tuple)]
    catalogue = i18n.translations("cy")
    for message in plurals:
        for n in (0, 1, 2, 3, 6, 8, 11):
            expected = message.string[forms.index(rule(n))]
            assert catalogue.ngettext(*message.id, n) == expected, (message.id, n)


def test_english_plurals_are_one_and_other():
    with i18n.use_language("en"):
        assert [i18n.ngettext("%(num)d person", "%(num)d people", n) for n in (0, 1, 2)] == \
            ["0 people", "1 person", "2 people"]


def test_welsh_month_and_day_names_come_from_babel():
    import datetime as dt

    from babel.dates import get_day_names, get_month_names

    months = get_month_names("wide", locale="cy")
    for month in range(1, 13):
        day = dt.date(2024, month, 1)
        assert i18n.long_date(day, "cy") == f"1 {months[month]} 2024"
    assert get_day_names("wide", locale="cy")[0] == "Dydd Llun"


def test_an_unknown_language_is_refused_plainly():
    import pytest

    with pytest.raises(ValueError, match="expected one of en, cy"):
        i18n.check_language("de")


def test_a_change_reads_as_one_welsh_sentence_names_and_dates_in_place():
    import pandas as pd

    from lacgraph.analysis.wording import change_sentences

    rows = pd.DataFrame({"change": ["added", "ended", "both"], "id": ["m", "o", "z"],
                         "label": ["Mary Wright", "Owain Bevan", "Zoë"],
                         "kind": ["friend", "member", "neighbour"],
                         "start": ["2024-08-17", "2023-01-01", "2024-01-05"],
                         "end": ["", "2024-09-30", "2024-03-01"],
                         "brokered_by": ["c1;c2", "", "c1"]})
    names = {"c1": "Dafydd Phillips", "c2": "Siân Llŷr"}.get
    with i18n.use_language("cy"):
        welsh = change_sentences(rows, names)
    assert welsh == [
        "Newydd: Mary Wright, ffrind, cyflwynwyd gan Dafydd Phillips a Siân Llŷr, "
        "17 Awst 2024",
        "Daeth i ben: Owain Bevan, aelod o grŵp, 30 Medi 2024",
        "Newydd ac wedi dod i ben: Zoë, cymydog, cyflwynwyd gan Dafydd Phillips, "
        "5 Ionawr 2024 i 1 Mawrth 2024"]
    assert change_sentences(rows, names)[0] == (
        "New: Mary Wright, friend, introduced by Dafydd Phillips and Siân Llŷr, 17 August 2024")


def test_the_translations_to_check_list_every_welsh_message_as_it_is():
    """docs/translations-to-check.md is the catalogue as a council's translation unit reads
    it (issue 26: "translations a Welsh speaker should check are listed in one file")."""
    assert messages.REVIEW.read_text(encoding="utf-8") == messages.review(WELSH), (
        "run make messages")
    listed = messages.REVIEW.read_text(encoding="utf-8").count("\n| ") - messages.REVIEW.read_text(
        encoding="utf-8").count("\n| English |")
    assert listed == len([m for m in WELSH if m.id])
