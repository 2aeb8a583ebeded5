"""Issue 15 item 3: a syntax error places the error (file, line, column, what was
expected) and never quotes the file's text, in every front end: Avro's JSON parser,
the Thrift tokenizer and parser, sqlglot's messages (its tokenizer quotes 100
characters of the file) and protoc's.  Keywords and punctuation of the language may be
quoted; a name, number or string is named by its kind.  The file may be no schema at
all (a secret behind a path the user mistyped), and the message may go to a CI log.

Errors about a file that did parse name the schema's own definitions (``unknown type
'Foo'``): those are listed in ``NAMED`` below, and only those may quote the canary.

On the old main, the first token (the canary) was quoted by the Avro, Thrift and SQL
syntax errors and by protoc's ``Unrecognized syntax identifier``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schemagen import frontends
from schemagen.cli.main import main
from schemagen.errors import SchemaError

S = "SECRET_TOKEN_12345"
BODIES = [
    S, f"{S} more", f"'{S}", f'"{S}', f"struct A {{ 1: i32 x @{S} }}", f"struct A {{ 1: {S} }}",
    f'{{"type": "{S}"}}', f"[{S}]", f'{{"a" {S}}}', f"CREATE TABLE t (a {S} x y",
    f"CREATE TABLE t (a INT) '{S}", f"CREATE TABLE t (a STRUCT<{S}: INT, (>)",
    f"message M {{ {S} }}", f'syntax = "proto3"; message M {{ int32 a = {S}; }}',
    f'syntax = "{S}";', f"\x00{S}", f"CREATE TABLE t (a INT DEFAULT '{S})", f"#{S}\n{S}",
    f"/*{S}", f'"{S}\\q"', f"{S}=1", f"enum E {{ {S} = x }}", f"const i32 X = {S}",
    f'{{"type":"record","name":"R","fields":[{{"name":"a","type":"{S}"}}]}}',
    f"CREATE TABLE {S} (a {S}(", f"CREATE TABLE t (a INT) COMMENT = {S} (", f"`{S}",
    f'{{"{S}": 1, "{S}": 2}}', f"[1 {S}]", f"CREATE TABLE t (a INT, {S} (",
    f'syntax = "proto3";\nmessage M {{ int32 a = 1 [{S} = 2]; }}',
    f'syntax = "proto3";\nmessage M {{ int32 a = 1; }}\n{S}',
]
# files that parse, whose errors name a definition of the schema (by design)
NAMED = {("avsc", f'{{"type": "{S}"}}'), ("thrift", f"const i32 X = {S}"),
         ("avsc", f'{{"type":"record","name":"R","fields":[{{"name":"a","type":"{S}"}}]}}'),
         ("proto", f'syntax = "proto3";\nmessage M {{ int32 a = 1 [{S} = 2]; }}')}


@pytest.mark.parametrize("ext", ["avsc", "thrift", "sql", "proto"])
def test_syntax_errors_never_quote_the_file(tmp_path: Path, ext: str) -> None:
    failed = 0
    for i, body in enumerate(BODIES):
        f = tmp_path / f"b{i}.{ext}"
        f.write_text(body)
        try:
            frontends.load([f])
        except SchemaError as exc:
            failed += 1
            text = str(exc)
            assert text.startswith(str(f)), text
            if (ext, body) not in NAMED:
                assert "ECRET" not in text and "12345" not in text, (body, text)
        f.unlink()
    assert failed >= len(BODIES) - 8  # nearly all are errors (a few are SQL or Thrift)


@pytest.mark.parametrize(("ext", "body", "where", "message"), [
    ("avsc", f"{S} more", ":1:1:", "invalid JSON: expected a JSON value, got a word"),
    ("thrift", f"{S} more", ":1:1:", "syntax error: unexpected name; expected 'const'"),
    ("sql", f"CREATE TABLE t (a INT) '{S}", ":1:43:",
     "syntax error: the text cannot be split into tokens here (an unterminated string"),
    ("proto", f'syntax = "{S}";', ":1:10:",
     'Unrecognized syntax identifier "…".  This parser only recognizes "proto2" and "proto3"'),
])
def test_check_github_and_compile_place_the_error_without_the_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        ext: str, body: str, where: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / f"x.{ext}").write_text(body)
    for argv in [["check", "s", "--format", "github", "--against", "s"],
                 ["compile", "s", "-o", "gen_text"]]:
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert S not in out + err and "Traceback" not in err
        assert re.search(rf"s/x\.{ext}{where} .*{re.escape(message)}", err), err
