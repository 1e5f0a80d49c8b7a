"""The GOV.UK date input: the parser's messages and the macro's boxes."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask, render_template_string

from lacgraph.web.dates import date_parts, read_date_input, uk_date


def boxes(day: str, month: str, year: str) -> dict[str, str]:
    return {"d-day": day, "d-month": month, "d-year": year}


@pytest.mark.parametrize("day,month,year,expected", [
    ("31", "12", "2024", (dt.date(2024, 12, 31), None)),
    (" 7", "03 ", "2024", (dt.date(2024, 3, 7), None)),
    ("29", "2", "2023", (None, "Date must be a real date")),
    ("29", "2", "2024", (dt.date(2024, 2, 29), None)),
    ("31", "", "2024", (None, "Date must include a month")),
    ("", "", "2024", (None, "Date must include a day and month")),
    ("1", "1", "", (None, "Date must include a year")),
    ("a", "1", "2024", (None, "Date must be a real date")),
    ("1", "13", "2024", (None, "Date must be a real date")),
    ("1", "1", "24", (None, "Year must include 4 numbers")),
    ("1", "1", "1066", (None, "Date must be between the years 1900 and 2100")),
])
def test_read_date_input(day, month, year, expected):
    assert read_date_input(boxes(day, month, year), "d") == expected


def test_empty_and_single_fields():
    assert read_date_input({}, "d") == (None, None)
    assert read_date_input({}, "d", label="Start date", required=True) == (None, "Enter start date")
    assert read_date_input({"d": "31/12/2024"}, "d") == (dt.date(2024, 12, 31), None)
    assert read_date_input({"d": "2024-12-31"}, "d") == (dt.date(2024, 12, 31), None)
    assert read_date_input({"d": "12/31/2024"}, "d", label="End date") == (
        None, "End date must be a real date")


def test_uk_date_and_parts():
    assert uk_date(dt.date(2024, 12, 31)) == "31 December 2024"
    assert uk_date("2024-01-05") == "5 January 2024"
    assert uk_date(None) == "" and uk_date("") == ""
    assert date_parts(dt.date(2024, 1, 5)) == {"day": "5", "month": "1", "year": "2024"}


def test_the_macro_draws_the_govuk_pattern():
    app = Flask("lacgraph.web.app")
    app.jinja_env.globals["date_parts"] = date_parts
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    with app.app_context():
        html = render_template_string(
            '{% from "_date_input.html" import date_input %}'
            '{{ date_input("at", "Circle on", value, error=error) }}',
            value={"day": "31", "month": "", "year": "2024"},
            error="Date must include a month")
    assert "<legend>Circle on</legend>" in html
    assert "For example, 31 12 2024" in html
    for part, label in (("day", "Day"), ("month", "Month"), ("year", "Year")):
        assert f'<label for="at-{part}">{label}</label>' in html
        assert f'name="at-{part}" type="text" inputmode="numeric"' in html
    assert 'value="31"' in html and 'value="2024"' in html
    assert '<span class="visually-hidden">Error:</span> Date must include a month' in html
    assert 'aria-describedby="at-hint at-error"' in html
