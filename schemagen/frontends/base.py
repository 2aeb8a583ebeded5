"""The front-end registry: schema file extension -> loader, and loading many files into one IR."""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path

from schemagen import ir
from schemagen.errors import SchemaError, SchemagenError
from schemagen.runtime.location import special_folder_test

# extension -> loader name (module in this package with a ``load(paths)`` function)
EXTENSIONS: dict[str, str] = {".avsc": "avro", ".avpr": "avro", ".sql": "sql",
                             ".thrift": "thrift", ".proto": "protobuf"}


def schema_roots(paths: Sequence[str | os.PathLike[str]],
                 include_dirs: Sequence[str | os.PathLike[str]] = ()) -> tuple[str, ...]:
    """The folders schema files may be read from, as real paths: each folder given, the
    folder of each file given, and each include folder (``-I``).

    A schema file, an included or imported file, or a folder walked for schema files
    whose real path (symlinks followed) is outside every root is refused, never read:
    a symlink in a schema folder must not make schemagen read (and quote in an error)
    a file the user did not name, nor may a Thrift ``include`` or a protobuf ``import``.
    """
    out: list[str] = []
    for p in map(Path, paths):
        out.append(os.path.realpath(p if p.is_dir() else (p.parent if str(p.parent) else ".")))
    out.extend(os.path.realpath(d) for d in include_dirs)
    return tuple(dict.fromkeys(out))


def inside_roots(path: str | Path, roots: Sequence[str]) -> bool:
    """Whether the real path of ``path`` is one of ``roots`` or below one."""
    real = os.path.realpath(path)
    return any(real == r or real.startswith(os.path.join(r, "")) for r in roots)


def outside_message(path: str | Path, roots: Sequence[str], named: bool = True) -> str | None:
    """None when ``path`` resolves inside ``roots``; else the refusal, naming the symlink
    on the way that leads out (the last one, so a root that is itself a link is not
    blamed) and where it points.  ``named``: the message starts with ``path`` (else the
    caller names it, as the error's file)."""
    if inside_roots(path, roots):
        return None
    real = os.path.realpath(path)
    parts = Path(os.path.abspath(path)).parts
    link = None
    for i in range(1, len(parts) + 1):
        prefix = Path(*parts[:i])
        if prefix.is_symlink() and not inside_roots(prefix, roots):
            link = prefix
    if link is None:
        lead = f"resolves to {real}"
    elif link == Path(os.path.abspath(path)):
        lead = f"a symlink to {real}"
    else:
        lead = (f"in {_shown_like(link, Path(path))}, a symlink to "
                f"{os.path.realpath(link)}")
    if named:
        lead = f"{path} {'is ' if link is not None else ''}{lead}"
    return (f"{lead}, outside the schema paths and include folders "
            f"({', '.join(roots)}): refused, not read (give that folder as a schema path or "
            "with -I to use it)")


def _shown_like(link: Path, given: Path) -> Path:
    """``link`` (absolute) written relative like ``given`` is, when ``given`` is relative."""
    if given.is_absolute():
        return link
    try:
        return Path(os.path.relpath(link))
    except ValueError:  # pragma: no cover - another drive (Windows)
        return link


def _refuse_outside(path: Path, roots: Sequence[str]) -> None:
    message = outside_message(path, roots, named=False)
    if message is not None:
        raise SchemaError(message, str(path))


def _walk(folder: Path, roots: Sequence[str],
          special: Callable[[Path], bool]) -> Iterator[Path]:
    """Schema files below ``folder`` (hidden entries skipped).  A symlinked schema file or
    folder that leads outside ``roots`` is refused; one inside them is used (a symlinked
    folder inside the roots is not descended: its files are found where they are).
    Folders for which ``special`` is true (/proc, /sys, /dev, special file systems) are
    not entered."""
    with os.scandir(folder) as it:
        entries = sorted(it, key=lambda e: e.name)
    for e in entries:
        if e.name.startswith("."):
            continue
        p = folder / e.name
        if e.is_symlink() and (e.is_dir() or p.suffix in EXTENSIONS):
            _refuse_outside(p, roots)
            if e.is_dir():
                continue
        if e.is_dir():
            if not special(p):
                yield from _walk(p, roots, special)
        elif p.suffix in EXTENSIONS and e.is_file():
            yield p


def find_schema_files(paths: Sequence[str | Path],
                      include_dirs: Sequence[str | Path] = ()) -> list[Path]:
    """Schema files under ``paths`` (files or folders, searched recursively), sorted.

    Symlinks (files or folders) that lead outside the roots (:func:`schema_roots` of
    ``paths`` and ``include_dirs``) are refused with a :class:`SchemaError` naming the
    link and where it points."""
    roots = schema_roots(paths, include_dirs)
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(_walk(p, roots, special_folder_test())))
        elif p.is_file():
            if p.suffix not in EXTENSIONS:
                raise SchemaError(
                    f"unknown schema file type {p.suffix!r} (known: {', '.join(sorted(EXTENSIONS))})",
                    str(p),
                )
            _refuse_outside(p, roots)
            out.append(p)
        elif p.is_symlink():
            _refuse_outside(p, roots)
            raise SchemaError("broken symlink (its target does not exist)", str(p))
        else:
            raise SchemaError("no such file or directory", str(p))
    return list(dict.fromkeys(out))


def _raised_in(exc: BaseException, library: str) -> bool:
    """Whether ``exc`` was raised by code of the package ``library`` (its innermost
    Python frame is in that package)."""
    mod = importlib.import_module(library)
    roots = [os.path.join(os.path.realpath(p), "") for p in getattr(mod, "__path__", [])]
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last, tb = tb, tb.tb_next
    if last is None:
        return False
    where = os.path.realpath(last.tb_frame.f_code.co_filename)
    return any(where.startswith(r) for r in roots)


# a run of word characters in a library's message (what redact() looks for in the file)
_WORD = re.compile(r"\w+")


def redact(message: str, source: str, vocabulary: Collection[str] = (),
           fold_case: bool = False) -> str:
    """A parser library's message with the file's own text taken out: each word of
    ``message`` (3 characters or more) that is a word of ``source`` (the text around the
    error) and is not a word of the language (``vocabulary``: its keywords, type names) is
    replaced by ``…`` (``fold_case``: both compared without case, as SQL is).  A syntax error must place the error (file, line, column, what was
    expected), never quote what the file holds: the file may be something else than a
    schema (a secret), and the message may end up in a CI log."""
    fold = str.lower if fold_case else str
    words = {fold(w) for w in vocabulary}
    present = {fold(w) for w in _WORD.findall(source)}

    def one(m: re.Match[str]) -> str:
        w = fold(m.group())
        return "…" if len(w) >= 3 and w in present and w not in words else m.group()

    return _WORD.sub(one, message)


def around(text: str, line: int, context: int = 2) -> str:
    """The lines ``line - context .. line + context`` of ``text`` (1-based; the whole text
    when ``line`` is not known)."""
    if line <= 0:
        return text
    lines = text.split("\n")
    return "\n".join(lines[max(line - 1 - context, 0): line + context])


@contextlib.contextmanager
def parser_errors(file: str, library: str, what: str,
                  known: tuple[type[BaseException], ...] = (),
                  source: str | None = None) -> Iterator[None]:
    """The boundary around a parser library's call on a schema file: an exception the
    library raises on this text (a bug or a limit of the library: sqlglot's ``TypeError``
    on ``DEFAULT LOG``) and a ``RecursionError`` (text nested deeper than the parser can
    go) become a :class:`SchemaError` naming the file, never a traceback.  Exceptions
    raised by schemagen's own code pass, and so do the library's ``known`` errors (its
    syntax errors, which the caller turns into messages with a line and column).  The
    library's message is shown with the file's text (``source``) taken out
    (:func:`redact`); without ``source``, only the exception's class is shown."""
    passing: tuple[type[BaseException], ...] = (SchemagenError, *known)
    try:
        yield
    except passing:
        raise
    except RecursionError:
        raise SchemaError(f"{what} nested too deeply for its parser ({library}); the "
                          f"limit is {ir.MAX_NESTING} levels", file) from None
    except Exception as exc:
        if not _raised_in(exc, library):
            raise
        first = (str(exc).strip().splitlines() or [""])[0]
        shown = f": {redact(first, source)}" if source is not None and first else ""
        raise SchemaError(f"the {what} parser ({library}) failed on this file: "
                          f"{type(exc).__name__}{shown}", file) from None


def _loader(kind: str, sql_dialect: str | None = None,
            include_dirs: Sequence[str | Path] = (),
            roots: Sequence[str] = ()) -> Callable[[Sequence[Path]], ir.Schema]:
    if kind == "avro":
        from schemagen.frontends import avro

        return avro.load
    if kind == "thrift":
        from schemagen.frontends import thrift

        return functools.partial(thrift.load, include_dirs=include_dirs, roots=roots)
    if kind == "protobuf":
        from schemagen.frontends import protobuf

        return functools.partial(protobuf.load, include_dirs=include_dirs, roots=roots)
    if kind == "sql":
        from schemagen.frontends import sql

        return functools.partial(sql.load, dialect=sql_dialect)
    raise SchemaError(f"no front end for {kind!r}")  # pragma: no cover


def load(files: Sequence[Path], sql_dialect: str | None = None,
         include_dirs: Sequence[str | Path] = (), roots: Sequence[str] | None = None) -> ir.Schema:
    """Load every schema file (grouped by format) into one IR schema.

    ``sql_dialect`` is the dialect of ``.sql`` files without a ``-- dialect:``
    first line (default ``drill``); ``include_dirs`` are searched for Thrift
    ``include``s not found next to the including file, and are protoc's import
    paths for ``.proto`` files.  ``roots``: the folders included and imported files may
    be read from (:func:`schema_roots` of the paths the files were found under; by
    default, of ``files`` themselves and ``include_dirs``).
    """
    if roots is None:
        roots = schema_roots(files, include_dirs)
    for f in files:
        _refuse_outside(f, roots)
    by_kind: dict[str, list[Path]] = {}
    for f in files:
        by_kind.setdefault(EXTENSIONS[f.suffix], []).append(f)
    types: dict[str, ir.Named] = {}
    sources: dict[str, str] = {}
    constants: dict[str, ir.Constant] = {}
    for kind, group in sorted(by_kind.items()):
        try:
            schema = _loader(kind, sql_dialect, include_dirs, roots)(group)
        except RecursionError:
            shown = str(group[0]) if len(group) == 1 else f"one of {', '.join(map(str, group))}"
            raise SchemaError(f"nested too deeply to be read (the limit is {ir.MAX_NESTING} "
                              "levels of types or values)", shown) from None
        for name, t in schema.types.items():
            if name in types and types[name] != t:
                raise SchemaError.at(
                    t.location,
                    f"{name} is also defined in {sources[name]} with a different definition",
                )
            types[name] = t
            sources[name] = schema.sources.get(name, "")
        for name, c in schema.constants.items():
            if name in constants and constants[name] != c:
                raise SchemaError.at(c.location, f"constant {name} is also defined in "
                                                 f"{constants[name].location}")
            constants[name] = c
    for problem in (ir.name_problem(types), ir.nesting_problem(types)):
        if problem is not None:
            t, message = problem
            if t.location is None:
                raise SchemaError(message, sources.get(t.name, ""))
            raise SchemaError.at(t.location, message)
    return ir.Schema(types, sources, constants)
