"""schemagen.errors: the exception families, InputError's message and shorten()."""

from __future__ import annotations

from schemagen import errors
from schemagen.errors import (
    DamagedSnapshot,
    InputError,
    InspectError,
    JSONError,
    ReadError,
    RecordError,
    RecordProblem,
    SchemagenError,
    SyncerError,
    UsageError,
    shorten,
)

# --------------------------------------------------------------------------- shorten


def test_shorten_keeps_a_short_repr() -> None:
    assert shorten("abc") == "'abc'"
    assert shorten(12) == "12"
    assert shorten(None) == "None"


def test_shorten_cuts_to_the_limit_with_an_ellipsis() -> None:
    text = shorten("x" * 100)
    assert len(text) == 60
    assert text == "'" + "x" * 56 + "..."
    assert shorten(list(range(100)), 20) == "[0, 1, 2, 3, 4, 5..."


def test_shorten_at_the_limit_is_not_cut() -> None:
    assert shorten("x" * 58) == "'" + "x" * 58 + "'"  # 60 characters
    assert shorten("x" * 59).endswith("...")


def test_shorten_render_and_tiny_limits() -> None:
    assert shorten("already text", 80, render=str) == "already text"
    assert shorten("abcdefghij", 6, render=str) == "abc..."
    assert shorten("abcdefghij", 3, render=str) == "abc"
    assert shorten({"a": 1}, render=lambda v: "json:" + str(v)) == "json:{'a': 1}"


# --------------------------------------------------------------------------- InputError


def test_input_error_message_names_file_line_row_path_value() -> None:
    e = InputError("not an int", file="data.csv", line=3, row=2, path="user.id", value="x")
    assert str(e) == "data.csv:3: row 2: field user.id: not an int (got 'x')"
    assert (e.file, e.line, e.row, e.path, e.value, e.has_value) == (
        "data.csv", 3, 2, "user.id", "x", True)
    assert e.message == "not an int"


def test_input_error_without_location_is_its_message() -> None:
    e = InputError("bad")
    assert str(e) == "bad"
    assert e.file is None and e.line is None and e.row is None and e.path == ""
    assert not e.has_value


def test_input_error_none_is_a_value_and_long_values_are_shortened() -> None:
    assert str(InputError("required", path="a", value=None)) == "field a: required (got None)"
    assert str(InputError("bad", line=4)) == "line 4: bad"
    long = str(InputError("too long", value="y" * 500))
    assert long.endswith("...)") and len(long) < 100


def test_bad_data_classes_are_input_errors_and_keep_their_bases() -> None:
    for cls in (RecordError, ReadError, InspectError, DamagedSnapshot, JSONError):
        assert issubclass(cls, InputError), cls
        assert issubclass(cls, SchemagenError), cls
    assert issubclass(RecordError, ValueError)
    assert issubclass(DamagedSnapshot, ValueError)
    assert issubclass(JSONError, ValueError)
    assert issubclass(InspectError, ReadError)
    assert issubclass(SyncerError, UsageError)
    assert not issubclass(UsageError, InputError)


def test_record_error_carries_the_first_problem() -> None:
    e = RecordError("Sale", [RecordProblem(3, "amount", "x" * 300, "a decimal"),
                             RecordProblem(5, "id", None, "an int")])
    assert (e.index, e.row, e.path, e.has_value) == (3, 3, "amount", True)
    text = str(e)
    assert text.startswith("invalid Sale: record 3: field amount: got 'xxx")
    assert text.endswith("expected a decimal (and 1 more: see e.problems)")
    assert len(text) < 300
    assert str(RecordError("Sale", [])) == "invalid Sale"
    one = RecordError("Sale", [RecordProblem(3, "id", None, "an int")])
    assert "more" not in str(one) and str(one).endswith("expected an int")
    four = RecordError("Sale", [RecordProblem(i, "id", None, "an int") for i in range(4)])
    assert str(four).endswith(" (and 3 more: see e.problems)") and len(four.problems) == 4


def test_json_error_keeps_line_column_format() -> None:
    e = JSONError("unexpected ','", 2, 7)
    assert str(e) == "2:7: unexpected ','"
    assert (e.line, e.column, e.message) == (2, 7, "unexpected ','")


def test_read_error_is_its_message() -> None:
    assert str(ReadError("f.parquet: cannot be read")) == "f.parquet: cannot be read"


def test_old_import_locations_still_work() -> None:
    from schemagen.adapters.syncer import SyncerError as S
    from schemagen.evolution.baselines import DamagedSnapshot as D
    from schemagen.frontends.avro.jsonpos import JSONError as J
    from schemagen.inspect import InspectError as Ins
    from schemagen.sql.registry import SqlMappingError as Sq
    from schemagen.typemap.avro import AvroMappingError as A

    assert (S, D, J, Ins, Sq, A) == (SyncerError, DamagedSnapshot, JSONError, InspectError,
                                     errors.SqlMappingError, errors.AvroMappingError)


def test_every_exception_class_is_exported() -> None:
    for name in errors.__all__:
        assert hasattr(errors, name), name
    classes = {n for n, v in vars(errors).items()
               if isinstance(v, type) and issubclass(v, BaseException | Warning)}
    assert classes <= set(errors.__all__)
