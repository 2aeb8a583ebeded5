"""The fuzz harnesses' shared runner (tests/e2e/test_fuzz_*.py, docs/fuzzing.md).

Every fuzz case runs a schemagen CLI command (or a read through ``schemagen.read``) on a
generated input in a child process with a timeout, so that a crash or a hang is a test
failure and not a dead test run, and the outcome is classified (:func:`classify`):

clean       exit 0 (or a command's documented exit 1: convert rejected rows), or exit 2
            with a ``schemagen: error: ...`` message and no traceback;
traceback   "Traceback" on stderr, or exit 1 with a Python exception's last line;
hang        the case ran past the timeout (its process group is killed);
crash       killed by a signal (negative return code, or 128+N from a shell);
data lost   (convert) rows in != rows written + rows rejected, or a valid row missing,
            changed or made up (checked by the convert harness, :func:`data_lost`).

Children are forked from one server process per test process (``python sg_fuzz.py
serve``) that has imported schemagen and pyarrow once: a case costs milliseconds, not
the second a fresh interpreter takes.  ``SCHEMAGEN_FUZZ_FORK=0`` runs every case as a
fresh ``python -m schemagen`` instead (slower, for confirming a finding).

Environment (docs/fuzzing.md):

SCHEMAGEN_FUZZ_EXAMPLES   cases per test (default: each test's small CI count)
SCHEMAGEN_FUZZ_TIMEOUT    seconds per case before it counts as a hang (default 30)
SCHEMAGEN_FUZZ_MEMORY_MB  address-space limit of each case (default 4096)
SCHEMAGEN_FUZZ_TALLY      a file: append one JSON line per case (category, outcome, detail)
                          and do not stop at the first non-clean outcome (long runs)
SCHEMAGEN_FUZZ_SAVE       a folder: keep the input of every non-clean case there
SCHEMAGEN_FUZZ_FORK       0: a fresh interpreter per case
SCHEMAGEN_FUZZ_GIANT      longest "giant" JSON line in bytes (default 300000)

``python tests/sg_fuzz.py tally FILE`` prints the outcome table of a tally file.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUTCOMES = ("clean", "traceback", "hang", "crash", "data lost")


def examples(default: int) -> int:
    """Cases per test: ``SCHEMAGEN_FUZZ_EXAMPLES`` or the test's CI default."""
    return int(os.environ.get("SCHEMAGEN_FUZZ_EXAMPLES") or default)


def fuzz_settings(default: int) -> Any:
    """Hypothesis settings for a fuzz test: ``examples(default)`` cases, no deadline, no
    example database; deterministic in CI (the default count), random for long runs."""
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=examples(default), deadline=None, database=None,
        derandomize=not os.environ.get("SCHEMAGEN_FUZZ_EXAMPLES"),
        suppress_health_check=list(HealthCheck), print_blob=True,
    )


# --------------------------------------------------------------------------- outcomes


@dataclass
class Outcome:
    """How one case ended."""

    argv: list[str]
    code: int | None  # None: timed out
    stdout: bytes
    stderr: str
    seconds: float
    kind: str = "clean"
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        tail = "\n".join(self.stderr.strip().splitlines()[-25:])
        return (f"{self.kind}: {self.detail}\n  argv: {self.argv}\n  exit: {self.code} "
                f"after {self.seconds:.2f} s\n  stderr (tail):\n{tail}")


def _python_exception(stderr: str) -> bool:
    """Does the last line of stderr read like an uncaught exception (``KeyError: ...``)?"""
    lines = stderr.strip().splitlines()
    if not lines:
        return False
    head = lines[-1].split(":", 1)[0].strip()
    return head.replace(".", "").replace("_", "").isalnum() and (
        head.endswith(("Error", "Exception", "Exit", "Interrupt")) or head == "Warning")


def classify(code: int | None, stderr: str, ok_codes: Sequence[int] = (0,)) -> tuple[str, str]:
    """(outcome, detail) of a finished case (``ok_codes``: exit codes that mean a clean
    success for this command besides 0 and a proper exit 2)."""
    if code is None:
        return "hang", "timed out"
    if code < 0 or code > 128:
        sig = -code if code < 0 else code - 128
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        return "crash", f"killed by {name}"
    if "Traceback (most recent call last)" in stderr:
        return "traceback", stderr.strip().splitlines()[-1]
    if code == 2:
        if "schemagen: error:" not in stderr:
            return "traceback", "exit 2 without a 'schemagen: error:' message"
        return "clean", "exit 2"
    if code == 1 and _python_exception(stderr):
        return "traceback", stderr.strip().splitlines()[-1]
    if code in ok_codes or code == 0:
        return "clean", f"exit {code}"
    return "traceback", f"unexpected exit code {code}"


# --------------------------------------------------------------------------- the runner


def _memory_limit() -> int:
    return int(os.environ.get("SCHEMAGEN_FUZZ_MEMORY_MB") or 4096) * 1024 * 1024


def _timeout() -> float:
    return float(os.environ.get("SCHEMAGEN_FUZZ_TIMEOUT") or 30)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), str(REPO / "tests"), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("SCHEMAGEN_FUZZ_TALLY", None)
    return env


class Runner:
    """Runs cases in child processes: forked from a warm server (default) or as fresh
    interpreters (``SCHEMAGEN_FUZZ_FORK=0``)."""

    def __init__(self) -> None:
        self.fork = os.environ.get("SCHEMAGEN_FUZZ_FORK", "1") != "0"
        self.proc: subprocess.Popen[bytes] | None = None
        self.scratch = Path(tempfile.mkdtemp(prefix="sg-fuzz-"))

    def _server(self) -> subprocess.Popen[bytes]:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(
                [sys.executable, __file__, "serve"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, env=_env(), cwd=self.scratch)
        return self.proc

    def warm(self, schema_paths: Sequence[str | Path] = (),
             argv: Sequence[str] | None = None, cwd: Path | None = None) -> None:
        """Compile these schemas in the server once, and run ``schemagen ARGV`` there
        (its output discarded): children inherit the cached load and the modules the
        command imports on first use."""
        if self.fork:
            self._ask({"warm": [str(p) for p in schema_paths], "argv": list(argv or []),
                       "cwd": str(cwd or self.scratch)})

    def _ask(self, req: dict[str, Any]) -> dict[str, Any]:
        proc = self._server()
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps(req).encode() + b"\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the fuzz server died (exit {proc.wait()})")
        return json.loads(line)  # type: ignore[no-any-return]

    def cli(self, argv: Sequence[str], cwd: Path, ok_codes: Sequence[int] = (0,),
            timeout: float | None = None) -> Outcome:
        """``schemagen ARGV`` in ``cwd``, classified."""
        return self._run({"cli": list(argv)}, list(argv), cwd, ok_codes, timeout)

    def call(self, func: str, args: Sequence[str], cwd: Path,
             timeout: float | None = None) -> Outcome:
        """``func(*args)`` (``"module:function"``, a function of this file by default) in a
        child: a SchemagenError is a clean exit 2, any other exception a traceback."""
        return self._run({"call": func, "args": list(args)}, [func, *args], cwd, (0,), timeout)

    def _run(self, what: dict[str, Any], argv: list[str], cwd: Path,
             ok_codes: Sequence[int], timeout: float | None) -> Outcome:
        limit = timeout or _timeout()
        out, err = self.scratch / "stdout", self.scratch / "stderr"
        start = time.monotonic()
        if self.fork:
            res = self._ask({**what, "cwd": str(cwd), "timeout": limit,
                             "out": str(out), "err": str(err)})
            code = res["code"]
            stdout, stderr = out.read_bytes(), err.read_bytes()
        else:
            code, stdout, stderr = _fresh(what, cwd, limit)
        text = stderr.decode("utf-8", "replace")
        kind, detail = classify(code, text, ok_codes)
        return Outcome(argv, code, stdout, text, time.monotonic() - start, kind, detail)

    def close(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(OSError):
                assert self.proc.stdin is not None
                self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)


def _fresh(what: dict[str, Any], cwd: Path, limit: float) -> tuple[int | None, bytes, bytes]:
    if "cli" in what:
        cmd = [sys.executable, "-m", "schemagen", *what["cli"]]
    else:
        cmd = [sys.executable, __file__, "call", what["call"], *what["args"]]
    proc = subprocess.Popen(cmd, cwd=cwd, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True, preexec_fn=_limit_memory)
    try:
        stdout, stderr = proc.communicate(timeout=limit)
        return proc.returncode, stdout, stderr
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        return None, stdout, stderr


def _limit_memory() -> None:
    import resource

    limit = _memory_limit()
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# --------------------------------------------------------------------------- tallies


def record(category: str, outcome: Outcome, saved: Sequence[Path] = ()) -> None:
    """Count the case (``SCHEMAGEN_FUZZ_TALLY``), keep its inputs if it was not clean
    (``SCHEMAGEN_FUZZ_SAVE``), and fail the test on a non-clean outcome unless tallying."""
    tally = os.environ.get("SCHEMAGEN_FUZZ_TALLY")
    if outcome.kind != "clean" and os.environ.get("SCHEMAGEN_FUZZ_SAVE"):
        keep = Path(os.environ["SCHEMAGEN_FUZZ_SAVE"]) / category / f"{time.time_ns()}"
        keep.mkdir(parents=True, exist_ok=True)
        (keep / "outcome.txt").write_text(str(outcome), encoding="utf-8")
        for p in saved:
            if p.is_file():
                shutil.copy(p, keep / p.name)
    if tally:
        with open(tally, "a", encoding="utf-8") as f:
            f.write(json.dumps({"category": category, "outcome": outcome.kind,
                                "code": outcome.code,
                                "detail": outcome.detail if outcome.kind != "clean" else "",
                                "seconds": round(outcome.seconds, 3)}) + "\n")
        return
    assert outcome.kind == "clean", str(outcome)


def tally_table(path: Path) -> str:
    """The outcome table (Markdown) of a tally file."""
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    codes: dict[str, collections.Counter[Any]] = collections.defaultdict(collections.Counter)
    seconds: dict[str, float] = collections.defaultdict(float)
    details: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        counts[row["category"]][row["outcome"]] += 1
        codes[row["category"]][row.get("code")] += 1
        seconds[row["category"]] += row["seconds"]
        if row["detail"]:
            details[row["category"]][f"{row['outcome']}: {row['detail'][:100]}"] += 1
    out = ["| category | cases | " + " | ".join(OUTCOMES) + " | exit codes | seconds |",
           "|---" * (len(OUTCOMES) + 4) + "|"]
    for cat in sorted(counts):
        c = counts[cat]
        exits = ", ".join(f"{'timeout' if k is None else k}: {n}"
                          for k, n in sorted(codes[cat].items(), key=lambda kv: str(kv[0])))
        out.append(f"| {cat} | {sum(c.values())} | "
                   + " | ".join(str(c[o]) for o in OUTCOMES)
                   + f" | {exits} | {seconds[cat]:.0f} |")
    for cat in sorted(details):
        for d, n in details[cat].most_common():
            out.append(f"\n{cat}: {n} x {d}")
    return "\n".join(out)


# --------------------------------------------------------------------------- pytest fixture

try:
    import pytest
except ImportError:  # pragma: no cover - the server does not need pytest
    pytest = None  # type: ignore[assignment]

if pytest is not None:
    @pytest.fixture(scope="session")
    def fuzz() -> Iterator[Runner]:
        """The fuzz runner of this test process (one warm server)."""
        runner = Runner()
        yield runner
        runner.close()


# --------------------------------------------------------------------------- child side


def read_all(schema: str, record_name: str, parquet: str) -> None:
    """Read every record of ``parquet`` as ``record_name`` of ``schema`` (fuzz target)."""
    import schemagen
    from schemagen.codegen.loader import load_schemas

    cls = load_schemas(schema).record_class(record_name)
    n = sum(1 for _ in schemagen.read(cls, parquet))
    table = schemagen.read_arrow(cls, parquet)
    print(n, table.num_rows)


def read_recovered(seed: str, parquet: str) -> None:
    """Read every record of ``parquet`` as the record recovered from the (unmutated) file
    ``seed``, compiled in memory as ``inspect --emit py`` would (fuzz target)."""
    import hashlib

    import schemagen
    from schemagen import ir
    from schemagen.codegen.loader import load_ir
    from schemagen.frontends import parquet as pqfront

    rec = pqfront.recover(seed, name="Fz" + pqfront.record_name(seed))
    schema = ir.Schema(rec.types, {n: seed for n in rec.types})
    digest = hashlib.sha256(Path(seed).read_bytes()).hexdigest()
    cls = load_ir(schema, digest).record_class(rec.root)
    n = sum(1 for _ in schemagen.read(cls, parquet))
    table = schemagen.read_arrow(cls, parquet)
    print(n, table.num_rows)


def _run_in_child(req: dict[str, Any]) -> int:
    """What a forked (or fresh) child does: the CLI, or a function; the exit code."""
    from schemagen.errors import SchemagenError

    try:
        if "cli" in req:
            from schemagen.cli.main import main

            return int(main(req["cli"]))
        module, _, name = req["call"].rpartition(":")
        func = globals()[name] if not module else getattr(__import__(module), name)
        func(*req["args"])
        return 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except SchemagenError as exc:
        print(f"schemagen: error: {exc}", file=sys.stderr)
        return 2
    except BaseException:  # an uncaught exception, as the interpreter would show it
        traceback.print_exc()
        return 1


def _child(req: dict[str, Any]) -> None:
    code = 1
    try:
        os.setpgid(0, 0)
        _limit_memory()
        os.chdir(req["cwd"])
        fd_in = os.open(os.devnull, os.O_RDONLY)
        os.dup2(fd_in, 0)
        for fd, name in ((1, req["out"]), (2, req["err"])):
            os.dup2(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
        sys.stdin = open(os.devnull)  # noqa: SIM115 - the server's buffered pipe is not ours
        code = _run_in_child(req)
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        with contextlib.suppress(BaseException):
            traceback.print_exc()
            sys.stderr.flush()
    finally:
        os._exit(code)


def _wait(pid: int, limit: float) -> int | None:
    """The child's return code (negative: a signal), or None after ``limit`` seconds
    (its process group is killed)."""
    fd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([fd], [], [], limit)
    finally:
        os.close(fd)
    if not ready:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return None
    _, status = os.waitpid(pid, 0)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)  # anything the case left running
    return os.waitstatus_to_exitcode(status)


def _warm(req: dict[str, Any]) -> None:
    import io

    from schemagen.cli.main import main
    from schemagen.codegen.loader import load_schemas

    with contextlib.suppress(Exception):
        if req["warm"]:
            load_schemas(req["warm"])
    if req["argv"]:
        here = os.getcwd()
        with contextlib.suppress(BaseException), contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            os.chdir(req["cwd"])
            main(req["argv"])
        os.chdir(here)


def serve() -> None:
    """The fork server: one JSON request per line on stdin, one JSON answer per line."""
    import pyarrow.csv  # noqa: F401 - imported once here, inherited by every child
    import pyarrow.json  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import schemagen
    import schemagen.cli.main  # noqa: F401
    import schemagen.convert  # noqa: F401

    for line in sys.stdin.buffer:
        req = json.loads(line)
        if "warm" in req:
            _warm(req)
            answer: dict[str, Any] = {"ok": True}
        else:
            pid = os.fork()
            if pid == 0:
                _child(req)
            answer = {"code": _wait(pid, req["timeout"])}
        os.write(1, json.dumps(answer).encode() + b"\n")


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve()
    elif sys.argv[1] == "call":
        raise SystemExit(_run_in_child({"call": sys.argv[2], "args": sys.argv[3:]}))
    elif sys.argv[1] == "tally":
        print(tally_table(Path(sys.argv[2])))
