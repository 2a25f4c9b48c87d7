"""Properties of the e-forms core, checked with hypothesis (no database): validation is idempotent
(cleaned data validates to itself, without errors when it had none), and hidden fields never
reach the cleaned data."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.domain import eforms as ef
from tests.eforms.forms import UNITS, birth

PROPS = settings(max_examples=200, deadline=None, database=None)
TODAY = date(2026, 12, 3)
CTX = {"units": UNITS, "received_date": TODAY}
DEFN = birth()

junk = st.one_of(st.none(), st.just(""), st.just("   "), st.text(max_size=8), st.integers(-5, 10_000),
                 st.booleans(), st.floats(allow_nan=True), st.lists(st.integers(), max_size=2))
dates = st.one_of(st.dates(date(1900, 1, 1), date(2030, 1, 1)).map(lambda d: d.isoformat()),
                  st.dates(date(1900, 1, 1), date(2030, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
                  st.just("31/02/2020"))
SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "text": st.one_of(st.text(min_size=1, max_size=12), st.text(min_size=101, max_size=110)),
    "textarea": st.text(max_size=30),
    "number": st.one_of(st.integers(0, 10_000), st.floats(0, 10_000), st.integers(0, 9000).map(str),
                        st.just("3200,5")),
    "date": dates,
    "boolean": st.sampled_from([True, False, "on", "", "1", "0", None]),
    "id_number": st.one_of(st.from_regex(r"\A\d{12}\Z"), st.from_regex(r"\A\d{9}\Z"), st.just("001 195 000 123")),
    "email": st.sampled_from(["an@example.vn", "x@y", " b@c.vn "]),
    "phone": st.sampled_from(["0912345678", "+84912345678", "12"]),
}


def value_for(field: dict[str, Any]) -> st.SearchStrategy[Any]:
    kind = field["type"]
    if kind == "choice":
        values = [c["value"] for c in ef.choices_of(field)][:5]
        return st.one_of(st.sampled_from([*values, "zz"]), junk)
    if kind == "address":
        return st.one_of(st.fixed_dictionaries({
            "province": st.sampled_from(["01", "79", "02", ""]),
            "commune": st.sampled_from(["00004", "26734", ""]),
            "detail": st.text(max_size=10)}), junk)
    if kind == "person":
        return st.one_of(st.fixed_dictionaries({}, optional={
            p: value_for(dict(ef.PERSON_FIELDS[p])) for p in ef.PERSON_PARTS}), junk)
    if kind == "group":
        item = st.fixed_dictionaries({}, optional={s["key"]: value_for(s) for s in field["fields"]})
        return st.one_of(st.lists(item, max_size=4), junk)
    return st.one_of(SCALARS[kind], junk)


def section_data(section: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={f["key"]: value_for(f) for f in section["fields"]})


DATA = st.fixed_dictionaries({}, optional={s["key"]: section_data(s) for s in DEFN["sections"]})


@PROPS
@given(DATA)
def test_validating_cleaned_data_changes_nothing(data):
    cleaned, errors = ef.validate(DEFN, data, today=TODAY, context=CTX)
    again, errors_again = ef.validate(DEFN, cleaned, today=TODAY, context=CTX)
    if not errors:
        assert again == cleaned
        assert errors_again == {}
    third, _ = ef.validate(DEFN, again, today=TODAY, context=CTX)
    assert third == again


@PROPS
@given(DATA)
def test_hidden_fields_never_appear_in_cleaned_data(data):
    cleaned, _ = ef.validate(DEFN, data, today=TODAY, context=CTX)
    shown = ef.visible(DEFN, data, CTX)
    for section, fields in cleaned.items():
        for key, value in fields.items():
            assert f"{section}.{key}" in shown
            for i, item in enumerate(value if isinstance(value, list) else []):
                for sub in item:
                    assert f"{section}.{key}[{i}].{sub}" in ef.visible(DEFN, cleaned, CTX)


@PROPS
@given(DATA)
def test_flatten_and_changes_never_fail(data):
    cleaned, _ = ef.validate(DEFN, data, today=TODAY, context=CTX)
    rows = ef.flatten(DEFN, cleaned, context=CTX)
    assert all(isinstance(v, str) for _, _, v in rows)
    assert ef.changes(DEFN, cleaned, cleaned) == {}
    assert ef.flatten(DEFN, data) is not None  # raw data too
