"""A foreign Parquet footer's ``schemagen.schema`` never becomes code (issue 15 item 1).

* the exact attacks of the issue: a timestamp's UTC flag, and a oneof group name, set to
  a string holding code.  On the old main the first landed in the emitted writer and reader
  (``_rt.timestamps(..., utc="__import__('os')...")``: a truthy string taken for a flag),
  the second closed the ``which_<group>()`` docstring and ran when the method was called;
* a hypothesis property: a schemagen-written file's footer is mutated (values, keys,
  types), ``schemagen inspect FILE --emit py -o OUT`` runs in a child process and, when it
  succeeds, the emitted package is imported there and reads, writes and reads back the
  file's records (every ``which_*()`` called): a canary the payloads would create never
  appears, and the child never dies or raises (a refused file is exit 2).  One child
  serves every example (a process start costs more than the example).

``SG_FOOTER_EXAMPLES`` (else ``SCHEMAGEN_FUZZ_EXAMPLES``) sets the number of mutated footers
(30 by default; e.g. 2000 for a longer run:
``SG_FOOTER_EXAMPLES=2000 pytest tests/unit/inspect/test_footer_attacks.py``).
"""

from __future__ import annotations

import datetime
import decimal
import json
import os
import select
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schemagen
from schemagen import ir
from schemagen.cli import main as cli
from schemagen.codegen.loader import load_ir
from schemagen.errors import SchemaJSONError

REPO = Path(__file__).resolve().parents[3]
# the harness's own variable, else the fuzz harnesses' common one (docs/fuzzing.md)
EXAMPLES = int(os.environ.get("SG_FOOTER_EXAMPLES")
               or os.environ.get("SCHEMAGEN_FUZZ_EXAMPLES") or "30")


def _payloads(canary: Path) -> list[str]:
    """Code strings that create ``canary`` (or print a marker) if they ever run."""
    touch = f"__import__('pathlib').Path({str(canary)!r}).touch()"
    return [
        f"{touch} or True",
        f'x""";{touch};"""',
        f'x""";__import__("pathlib").Path("{canary}").touch();"""',
        f"x'''; {touch} #",
        f"0 if {touch} else 4",
        f"us', {touch}, '",
        f"\"); {touch} #",
        f"{touch}\n",
        "print('SG-CANARY-FIRED') or True",
    ]


def _record() -> tuple[ir.Schema, str]:
    """A record with every node the emitter specialises on: timestamps (UTC and not),
    a oneof, an enum with numbers, a union, a decimal, a fixed, lists, maps, defaults."""
    e = ir.Enum("fz.Color", ("RED", "GREEN"), values=(1, 2), default="RED")
    inner = ir.Record("fz.Inner", (ir.Field("q", ir.Int(16), default=3),))
    n = ir.Nullable
    rec = ir.Record("fz.Event", (
        ir.Field("at", ir.Timestamp("us", True)),
        ir.Field("local", n(ir.Timestamp("ms", False))),
        ir.Field("a", n(ir.Int(32)), field_id=2),
        ir.Field("b", n(ir.String())),
        ir.Field("color", ir.EnumRef("fz.Color"), default="GREEN"),
        ir.Field("u", n(ir.Union_((ir.Int(64), ir.String(), ir.Timestamp("us", True))))),
        ir.Field("price", ir.Decimal(9, 2), default=decimal.Decimal("1.50")),
        ir.Field("tag", n(ir.Fixed(4))),
        ir.Field("items", ir.List(ir.RecordRef("fz.Inner"))),
        ir.Field("attrs", ir.Map(ir.String(), n(ir.Float(32)))),
        ir.Field("uid", n(ir.Uuid())),
        ir.Field("day", n(ir.Date()), default=datetime.date(2020, 1, 2)),
    ), oneofs=(ir.Oneof("choice", ("a", "b")),), doc="An event.")
    types = {t.name: t for t in (rec, e, inner)}
    return ir.Schema(types, {k: "fz.proto" for k in types}), rec.name


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A file schemagen wrote (two rows) and its footer's ``schemagen.schema`` JSON."""
    schema, root = _record()
    loaded = load_ir(schema, uuid.uuid4().hex)
    cls, inner = loaded.record_class(root), loaded.record_class("fz.Inner")
    rows = [
        cls(at=datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC), local=None, a=5,
            b=None, u="s", tag=b"abcd", items=[inner(q=7)], attrs={"k": 1.5},
            uid=uuid.UUID(int=3)),
        cls(at=datetime.datetime(2024, 5, 6, tzinfo=datetime.UTC), local=None, a=None,
            b="x", u=7, tag=None, items=[], attrs={}, uid=None),
    ]
    path = tmp_path_factory.mktemp("footer") / "events.parquet"
    schemagen.write(rows, path)
    footer = json.loads(pq.read_schema(path).metadata[b"schemagen.schema"])
    return path, footer


_WORKER = textwrap.dedent("""
    import contextlib, importlib, io, json, os, sys, traceback
    import schemagen
    from schemagen.cli import main as cli

    def job(src, out, pkg, copy):
        said = io.StringIO()
        os.makedirs(out, exist_ok=True)  # -o creates only the last folder
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            code = cli.main(["inspect", src, "--emit", "py", "-o", out + "/" + pkg])
        if code != 0:
            return {"inspect": code, "said": said.getvalue()}
        sys.path.insert(0, out)
        # "wrote 2 files to OUT/: from emitted.fz import Event"
        line = said.getvalue().strip().splitlines()[-1]
        module, _, name = line.rpartition(": from ")[2].partition(" import ")
        cls = getattr(importlib.import_module(module), name)
        rows = list(schemagen.read(cls, src))
        for r in rows:
            for attr in dir(r):
                if attr.startswith("which"):
                    getattr(r, attr)()
        schemagen.write(rows, copy)
        back = list(schemagen.read(cls, copy))
        assert back == rows, (back, rows)
        return {"inspect": 0, "round_trip": len(rows), "said": said.getvalue()}

    for line in sys.stdin:
        try:
            result = job(*json.loads(line))
        except schemagen.SchemagenError as exc:  # a named refusal (exit 2 in the CLI)
            result = {"refused": type(exc).__name__ + ": " + str(exc)}
        except BaseException:
            result = {"error": traceback.format_exc()}
        sys.stdout.write("SG-RESULT " + json.dumps(result) + "\\n")
        sys.stdout.flush()
""")


class _Worker:
    """One child process that runs ``inspect --emit py`` and the emitted package, job after
    job (a fresh process per example would cost a Python and pyarrow start each)."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.count = 0
        self.proc: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        env = dict(os.environ, PYTHONPATH=str(REPO))
        self.errors = (self.work / f"worker{self.count}.err").open("w")
        return subprocess.Popen([sys.executable, "-c", _WORKER], cwd=self.work, env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=self.errors, text=True, bufsize=1)

    def run(self, src: Path, work: Path, timeout: float = 300) -> dict[str, Any]:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        self.count += 1
        pkg = f"emitted_{self.count}"
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps([str(src), str(work / "out"), pkg,
                                          str(work / "copy.parquet")]) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        while line and not line.startswith("SG-RESULT "):  # a payload's print, if any
            assert "SG-CANARY-FIRED" not in line, line
            line = self.proc.stdout.readline()
        if not line.startswith("SG-RESULT "):
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            raise AssertionError(f"the worker hung or died on {src}")
        return json.loads(line[len("SG-RESULT "):])  # type: ignore[no-any-return]

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Worker]:
    w = _Worker(tmp_path_factory.mktemp("worker"))
    yield w
    w.close()


def _with_footer(src: Path, footer: Any, dest: Path) -> Path:
    table = pq.read_table(src)
    meta = dict(table.schema.metadata or {})
    meta[b"schemagen.schema"] = (footer if isinstance(footer, str)
                                 else json.dumps(footer)).encode("utf-8", "surrogatepass")
    pq.write_table(table.replace_schema_metadata(meta), dest)
    return dest


def _field(footer: dict[str, Any], name: str) -> dict[str, Any]:
    [rec] = [t for t in footer["types"] if t["name"] == "fz.Event"]
    return next(f for f in rec["fields"] if f["name"] == name)  # type: ignore[no-any-return]


def _assert_clean(result: dict[str, Any], canary: Path) -> None:
    assert not canary.exists(), f"a footer payload ran: {result}"
    assert "SG-CANARY-FIRED" not in result.get("said", "").replace("print('SG-CANARY-FIRED')",
                                                                    "")
    assert "error" not in result, result["error"]
    # it worked, or the file was refused with exit 2 (never a traceback)
    assert (result.get("round_trip") == 2 or result.get("inspect") == 2
            or "refused" in result), result
    assert "Traceback" not in result.get("said", ""), result


@pytest.mark.parametrize("attack", ["utc", "oneof"])
def test_the_issue_attacks_do_not_reach_generated_code(
        attack: str, written: tuple[Path, dict[str, Any]], worker: _Worker, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    src, good = written
    canary = tmp_path / "CANARY"
    touch = f"__import__('os').system('touch {canary}')"
    footer = json.loads(json.dumps(good))
    if attack == "utc":
        _field(footer, "at")["type"]["utc"] = f"{touch} or True"
        where = "$.types[0].fields[0].type.utc"
    else:
        [rec] = [t for t in footer["types"] if t["name"] == "fz.Event"]
        # double quotes only: its repr is then '...' and closes the docstring on the old main
        rec["oneofs"][0][0] = f'x""";__import__("os").system("touch {canary}");"""'
        where = "$.types[0].oneofs[0][0]"
    with pytest.raises(SchemaJSONError) as info:
        ir.schema_from_json(json.dumps(footer))
    assert info.value.path == where
    bad = _with_footer(src, footer, tmp_path / "evil.parquet")
    result = worker.run(bad, tmp_path)
    _assert_clean(result, canary)
    assert result.get("round_trip") == 2, result
    emitted = "\n".join(p.read_text() for p in (tmp_path / "out").rglob("*.py"))
    assert "system(" not in emitted  # not even as a string: the Parquet schema was used
    # the inspect report names the refused value and where it was
    assert cli.main(["inspect", str(bad)]) == 0
    report = capsys.readouterr().out
    assert "SchemaJSONError" in report and where in report, report


# --------------------------------------------------------------------------- property


def _paths(j: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the JSON tree (object keys and array indexes)."""
    out = [at]
    if isinstance(j, dict):
        for k, v in j.items():
            out += _paths(v, (*at, k))
    elif isinstance(j, list):
        for i, v in enumerate(j):
            out += _paths(v, (*at, i))
    return out


def _replacements(payloads: list[str]) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.sampled_from(payloads), st.booleans(), st.none(),
        st.integers(-(2**70), 2**70), st.sampled_from([0, 1, -1, 8, 31, 64, 2**31, 2**63]),
        st.floats(allow_nan=False), st.text(max_size=8),
        st.sampled_from(["true", "us", "ns", "utc", "string", "int", "nullable", "record",
                         "fz.Inner", "fz.Color", "RED", "$"]),
    )
    return st.one_of(
        scalars, st.lists(scalars, max_size=3),
        st.dictionaries(st.sampled_from(["type", "$", "v", "name", "utc", "evil"]), scalars,
                        max_size=3),
        st.sampled_from([{"$": "union", "m": 9, "v": 1}, {"$": "tuple", "v": [1]},
                         {"type": "int", "bits": 64}, {"type": "timestamp", "unit": "us"}]),
    )


@st.composite
def _mutated(draw: st.DrawFn, good: dict[str, Any], payloads: list[str]) -> Any:
    doc = json.loads(json.dumps(good))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)[1:]
        path = draw(st.sampled_from(paths))
        parent: Any = doc
        for p in path[:-1]:
            parent = parent[p]
        how = draw(st.sampled_from(["replace", "replace", "replace", "delete", "add-key"]))
        if how == "delete":
            del parent[path[-1]]
        elif how == "add-key" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["evil", "utc", "default", "oneofs", "type"]))] = \
                draw(_replacements(payloads))
        else:
            parent[path[-1]] = draw(_replacements(payloads))
    return doc


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_mutated_footers_never_run_code(data: st.DataObject, written: tuple[Path, dict[str, Any]],
                                        worker: _Worker,
                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    src, good = written
    work = tmp_path_factory.mktemp("mut")
    canary = work / "CANARY"
    footer = data.draw(_mutated(good, _payloads(canary)))
    bad = _with_footer(src, footer, work / "mutated.parquet")
    _assert_clean(worker.run(bad, work), canary)
