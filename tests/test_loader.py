"""The strict YAML loader: what it accepts, what it refuses, and where it says the problem is."""

from __future__ import annotations

import pytest

from pipeline import loader
from pipeline.errors import RecordError
from pipeline.loader import MAX_BYTES, MAX_DEPTH, MAX_VALUES, format_path, load_bytes, load_file


def refuse(raw: bytes | str, name: str = "r.yaml") -> list:
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    with pytest.raises(RecordError) as info:
        load_bytes(raw, name)
    return info.value.problems


def only(problems):
    assert len(problems) == 1, problems
    return problems[0]


# --- accepted ----------------------------------------------------------------

def test_plain_data_with_positions():
    src = load_bytes(b"id: x\narms:\n  - id: a\n    label: A\n", "r.yaml")
    assert src.data == {"id": "x", "arms": [{"id": "a", "label": "A"}]}
    assert src.problems == []
    assert src.keys[("arms",)] == (2, 1)
    assert src.values[("arms", 0, "label")] == (4, 12)
    assert src.position(("arms", 0, "missing")) == (3, 5)   # nearest existing ancestor
    assert src.scalars[("id",)] == "x"


def test_byte_order_mark_is_skipped():
    src = load_bytes(b"\xef\xbb\xbfid: x\n", "r.yaml")
    assert src.data == {"id": "x"}


def test_explicit_document_markers_are_one_document():
    assert load_bytes(b"---\nid: x\n...\n", "r.yaml").data == {"id": "x"}


def test_keys_are_taken_as_written():
    src = load_bytes(b"no: 1\nyes: 2\non: 3\n", "r.yaml")
    assert list(src.data) == ["no", "yes", "on"]


def test_dates_stay_text_and_str_tag_is_plain():
    src = load_bytes(b"a: 2019-01-31\nb: !!str 010\nc: '010'\n", "r.yaml")
    assert src.data == {"a": "2019-01-31", "b": "010", "c": "010"}
    assert src.problems == []


def test_ordinary_numbers_are_not_traps():
    src = load_bytes(b"a: 0\nb: 10\nc: 0.5\nd: -3\ne: 1_000\n", "r.yaml")
    assert src.data == {"a": 0, "b": 10, "c": 0.5, "d": -3, "e": 1000}
    assert src.problems == []


def test_modest_alias_reuse_is_fine():
    src = load_bytes(b"a: &c [Denmark, Sweden]\nb: *c\n", "r.yaml")
    assert src.data == {"a": ["Denmark", "Sweden"], "b": ["Denmark", "Sweden"]}


def test_nesting_up_to_the_limit_is_fine():
    # The top mapping is one level; MAX_DEPTH - 1 lists inside it reach the limit exactly.
    depth = MAX_DEPTH - 1
    src = load_bytes(("x: " + "[" * depth + "1" + "]" * depth + "\n").encode(), "r.yaml")
    value = src.data["x"]
    for _ in range(depth):
        value = value[0]
    assert value == 1


# --- refused, and where ---------------------------------------------------------

@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "  \n# c\n"])
def test_empty_files(text):
    p = only(refuse(text))
    assert (p.line, p.field) == (1, "") and "empty" in p.message


@pytest.mark.parametrize("text, kind", [("- a\n- b\n", "a list"), ("just text\n", "a single value"),
                                        ("---\n", "a single value"), ("42\n", "a single value")])
def test_top_level_must_be_a_mapping(text, kind):
    assert f"the top level is {kind}" in only(refuse(text)).message


def test_second_document():
    p = only(refuse("id: a\n---\nid: b\n"))
    assert p.line == 2 and "second YAML document" in p.message


def test_too_big_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * MAX_BYTES + b"\n")
    with pytest.raises(RecordError) as raised:
        load_file(path)
    p = only(raised.value.problems)
    assert "at most 1,048,576 bytes" in p.message and p.file == str(path)


def test_unreadable_paths(tmp_path):
    for path in (tmp_path / "missing.yaml", tmp_path):
        with pytest.raises(RecordError) as raised:
            load_file(path)
        p = only(raised.value.problems)
        assert "cannot read the file" in p.message


def test_invalid_utf8_names_line_column_and_field():
    p = only(refuse(b"id: x\nquestion:\n  population: caf\xe9\n"))
    assert (p.line, p.column, p.field) == (3, 18, "question.population")
    assert "0xE9" in p.message


def test_invalid_utf8_in_a_key():
    p = only(refuse(b"id: x\nti\xfftle: y\n"))
    assert p.line == 2 and "not valid UTF-8" in p.message


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\x7f", "\ufffe", "\uffff"])
def test_raw_control_characters_are_located_not_a_crash(char):
    p = only(refuse(f"id: x\narms:\n  - label: a{char}b\n"))
    assert (p.line, p.column, p.field) == (3, 13, "arms[0].label")
    assert f"U+{ord(char):04X}" in p.message


def test_tabs_and_hint():
    p = only(refuse("id: x\nquestion:\n\tpopulation: p\n"))
    assert p.line == 3 and p.field == "question" and "tabs" in p.message


def test_unclosed_quote_points_at_the_opening_quote():
    p = only(refuse('id: x\ntitle: "never closed\nother: 1\nmore: 2\n'))
    assert (p.line, p.column, p.field) == (2, 8, "title")
    assert "closing quote" in p.message


def test_syntax_error_inside_a_list_names_the_item():
    p = only(refuse("id: x\narms:\n  - id: a\n  - id: [b\n"))
    assert p.field.startswith("arms[1]")


def test_duplicate_keys_name_both_lines():
    src = load_bytes(b"id: x\nq:\n  a: 1\n  b: 2\n  a: 3\n", "r.yaml")
    p = only(src.problems)
    assert (p.line, p.field) == (5, "q.a")
    assert "first given at line 3, again at line 5" in p.message
    assert src.data["q"]["a"] == 1


@pytest.mark.parametrize("tagged", ["!!python/object:os.system x", "!!python/name:os.system ''",
                                    "!!binary aGk=", "!!set {a: null}", "!custom x", "!!omap [a: 1]"])
def test_tags_are_refused_not_constructed(tagged):
    src = load_bytes(f"id: x\nv: {tagged}\n".encode(), "r.yaml")
    p = only(src.problems)
    assert p.field == "v" and "is not allowed" in p.message
    assert src.data["v"] is None and ("v",) in src.refused


@pytest.mark.parametrize("raw, value", [("010", 8), ("12:30", 750), ("1:30:00", 5400), ("-07", -7)])
def test_yaml11_number_traps(raw, value):
    src = load_bytes(f"v: {raw}\n".encode(), "r.yaml")
    assert src.data["v"] == value
    p = only(src.problems)
    assert p.field == "v" and f"reads '{raw}' as the number" in p.message and "quotes" in p.message


def test_deep_nesting_is_refused_by_the_event_pass():
    depth = 1000
    p = only(refuse("x: " + "[" * depth + "]" * depth + "\n"))
    assert p.line == 1 and p.field.startswith("x[0][0]") and f"more than {MAX_DEPTH}" in p.message
    assert len(p.field) <= 60


def test_deep_nesting_of_mappings_names_the_keys():
    text = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * (MAX_DEPTH + 5) + "v\n"
    p = only(refuse(text))
    assert p.field.startswith("k0.k1.k2")


def test_alias_bomb_is_bounded():
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    p = only(refuse("\n".join(lines) + "\n"))
    assert f"more than {MAX_VALUES:,} values" in p.message and p.field.startswith("a")


def test_self_referencing_alias_is_refused():
    p = only(refuse("a: &a [1, *a]\n"))
    assert p.field.startswith("a[1]") and "aliases are expanded" in p.message


def test_undefined_alias():
    p = only(refuse("id: x\nb: *nowhere\n"))
    assert (p.line, p.field) == (2, "b") and "undefined alias" in p.message


def test_non_scalar_key_is_a_problem_not_a_crash():
    src = load_bytes(b"? [a, b]\n: 1\nid: x\n", "r.yaml")
    assert src.data == {"id": "x"}
    assert "plain word" in only(src.problems).message


def test_field_at_and_format_path():
    text = "id: x\narms:\n  - id: a\n    label: b\n"
    assert loader._field_at(text, text.index("b\n")) == "arms[0].label"
    assert loader._field_at(text, 0) == "id"
    assert format_path(("arms", 0, "label")) == "arms[0].label"
    assert format_path(()) == ""


def test_an_integer_over_pythons_digit_limit_is_a_problem_not_a_crash():
    src = load_bytes(("id: x\nn: " + "7" * 5000 + "\n").encode(), "r.yaml")
    p = only(src.problems)
    assert (p.line, p.column, p.field) == (2, 4, "n")
    assert p.message == "a whole number of 5,000 characters; no field holds a number this long"
    assert src.data["n"] is None and ("n",) in src.refused


def test_floats_keep_their_printed_text():
    src = load_bytes(b"a: 0.60\nb: 14.0\nc: 1.0e-7\nd: .5\ne: 3\nf: 1e-7\n", "r.yaml")
    assert [getattr(src.data[k], "text", None) for k in "abcde"] == ["0.60", "14.0", "1.0e-7", "0.5", None]
    assert src.data["a"] == 0.6 and src.data["e"] == 3
    assert src.data["f"] == "1e-7"  # YAML 1.1 needs a decimal point in a float; validation explains it


def test_field_name_is_the_dotted_path():
    src = load_bytes(b"arms:\n  - id: a\n", "r.yaml")
    assert src.field_name(("arms", 0, "id")) == "arms[0].id"
    assert str(src.problem(("arms", 0, "id"), "m")) == "r.yaml:2:9: arms[0].id: m"
