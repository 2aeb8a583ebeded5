"""Compile every ``.thrift`` file of a checkout of Apache Thrift's ``test/`` folder.

Usage (from the repository root)::

    python benchmarks/apache_thrift_test_idl.py PATH/TO/thrift            # the checkout
    python benchmarks/apache_thrift_test_idl.py PATH/TO/thrift/test -v    # or its test/

Apache Thrift's own test IDL is the broadest real-world Thrift corpus (ThriftTest, EnumTest,
DebugProtoTest, the audit/ versions, ...).  No package that CI can install ships it, so this
script is not run by pytest: the constructs of those files that schemagen once refused are
reproduced in ``tests/unit/frontends/test_thrift_apache_idl.py``.  Each file is compiled on
its own (parsed, resolved and rendered to Python in memory, as ``schemagen compile FILE``
would, nothing written; with ``--import``, also written to a temporary folder and every
generated module imported in a fresh interpreter), with its includes found next to it as
the Apache compiler finds them.  The files meant to fail (:data:`BROKEN`) must be refused with an error naming the
file and line; every other file must compile.  Exit 0 when both hold, 1 otherwise.

``-v`` prints every file and its schema warnings; by default only the failures and the
counts.  benchmarks/README.md ("Apache Thrift's test IDL") records the last result.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schemagen.codegen import compiler  # noqa: E402
from schemagen.errors import SchemagenError, counted  # noqa: E402

# files of test/ that the Apache compiler itself refuses (its test suite expects them to fail)
BROKEN = {
    "BrokenConstants.thrift": "an i64 constant above 2**63",
}


PACKAGE = "apache_thrift_test_idl"
# imports every module of package argv[2] in the folder argv[1]
IMPORT_ALL = """
import importlib, pkgutil, sys
sys.path.insert(0, sys.argv[1])
pkg = importlib.import_module(sys.argv[2])
for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
    importlib.import_module(m.name)
"""


def compile_one(path: Path, import_too: bool) -> tuple[str | None, list[str], float]:
    """(error or None, schema warnings, seconds) of compiling ``path`` in memory (and,
    with ``import_too``, writing the package to a temporary folder and importing every
    module of it in a fresh interpreter)."""
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            rendered = compiler.render([path], PACKAGE)
            error = None
        except SchemagenError as exc:
            error = str(exc)
    if error is None and import_too:
        with tempfile.TemporaryDirectory() as tmp:
            compiler.write(rendered, Path(tmp) / PACKAGE)
            done = subprocess.run([sys.executable, "-c", IMPORT_ALL, tmp, PACKAGE], capture_output=True,
                                  text=True, check=False)
            if done.returncode != 0:
                error = f"generated code does not import: {done.stderr.strip()[-500:]}"
    return error, [str(w.message) for w in caught], time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("path", type=Path, help="an Apache Thrift checkout, or its test/ folder")
    p.add_argument("-v", "--verbose", action="store_true", help="every file and its warnings")
    p.add_argument("--import", dest="import_too", action="store_true",
                   help="also write each generated package and import all its modules")
    args = p.parse_args(argv)
    test = args.path / "test" if (args.path / "test").is_dir() else args.path
    files = sorted(test.rglob("*.thrift"))
    if not files:
        print(f"{test}: no .thrift files", file=sys.stderr)
        return 2
    compiled = refused = unexpected = warned = 0
    t0 = time.perf_counter()
    for f in files:
        rel = f.relative_to(test).as_posix()
        error, found, seconds = compile_one(f, args.import_too)
        warned += len(found)
        if rel in BROKEN:
            ok = error is not None and f"{f}:" in error
            refused += ok
            status = "refused (expected)" if ok else "COMPILED, but is broken"
        else:
            ok = error is None
            compiled += ok
            status = "ok" if ok else "FAILED"
        unexpected += not ok
        if args.verbose or not ok:
            print(f"{status:<20} {rel} ({seconds:.2f} s){': ' + error if error else ''}")
            if args.verbose:
                for w in found:
                    print(f"    warning: {w}")
    print(f"{counted(len(files), 'file')} under {test}: {compiled:,} compiled, "
          f"{refused:,} of {len(BROKEN):,} broken refused, {unexpected:,} unexpected, "
          f"{counted(warned, 'schema warning')}, {time.perf_counter() - t0:.1f} s")
    return 1 if unexpected else 0


if __name__ == "__main__":
    raise SystemExit(main())
