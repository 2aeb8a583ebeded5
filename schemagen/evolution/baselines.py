"""Baselines: what ``--against`` names.

* a snapshot file (``schemas.lock.json``, written by ``schemagen snapshot``): every
  version it keeps, oldest first (transitive modes check them all);
* a folder of schema files: one version;
* a git ref (``main``, ``origin/main``, ``HEAD~1``, a tag): the schema files under the
  checked paths as they are at that ref, read with git itself (``git ls-tree`` +
  ``git archive`` into a temporary folder).  A ref git does not know (a shallow
  clone, a branch never fetched) is a usage error saying how to fetch it.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import json
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

from schemagen import ir
from schemagen.errors import DamagedSnapshot, InputError, SchemagenError, UsageError, shorten

from .engine import Version, format_of, load_files, relocate

SNAPSHOT_FORMAT = 1


# --------------------------------------------------------------------------- snapshots


def _loc(loc: ir.SourceLocation | None, rel: Callable[[str], str]) -> str | None:
    return None if loc is None else f"{rel(loc.file)}:{loc.line}"


def version_to_json(schema: ir.Schema, rel: Callable[[str], str]) -> dict[str, Any]:
    """A version as JSON: IR of every type, source files and locations (paths via ``rel``)."""
    types = [ir.named_to_json(t) for _, t in sorted(schema.types.items())]
    locations: dict[str, Any] = {}
    for name, t in sorted(schema.types.items()):
        locations[name] = _loc(t.location, rel)
        if isinstance(t, ir.Record):
            for f in t.fields:
                locations[f"{name}#{f.name}"] = _loc(f.location, rel)
    return {
        "types": types,
        "sources": {k: rel(v) for k, v in sorted(schema.sources.items()) if k in schema.types},
        "locations": locations,
    }


_UNITS = ("s", "ms", "us", "ns")


def _str_tuple(v: Any, what: str) -> None:
    if not isinstance(v, tuple | list) or not all(isinstance(x, str) for x in v):
        raise DamagedSnapshot(f"{what} must be a list of strings, got {shorten(v)}")


def _check_type(t: Any, types: dict[str, ir.Named], at: str) -> None:
    """``t`` is a well-formed IR type whose named references resolve (``at``: where)."""
    def need(ok: bool, what: str) -> None:
        if not ok:
            raise DamagedSnapshot(f"{at}: {what}, got {shorten(t)}")

    def is_int(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    if isinstance(t, ir.Nullable):
        need(not isinstance(t.inner, ir.Nullable | ir.Null), "a nullable of a nullable or null")
        _check_type(t.inner, types, at)
    elif isinstance(t, ir.List):
        need(isinstance(t.unique, bool), "a list with unique true/false")
        _check_type(t.item, types, f"{at}[]")
    elif isinstance(t, ir.Map):
        _check_type(t.key, types, f"{at}{{key}}")
        _check_type(t.value, types, f"{at}{{value}}")
    elif isinstance(t, ir.Union_):
        need(isinstance(t.members, tuple) and len(t.members) >= 2,
             "a union of two or more members")
        for m in t.members:
            _check_type(m, types, at)
    elif isinstance(t, ir.EnumRef | ir.RecordRef):
        need(isinstance(t.name, str), "a type name")
        kind = ir.Enum if isinstance(t, ir.EnumRef) else ir.Record
        if not isinstance(types.get(t.name), kind):
            raise DamagedSnapshot(f"{at}: refers to {t.name!r}, which is not "
                                  f"{'an enum' if kind is ir.Enum else 'a record'} of this "
                                  "version")
    elif isinstance(t, ir.Int):
        need(t.bits in (8, 16, 32, 64) and isinstance(t.signed, bool),
             "an int of 8, 16, 32 or 64 bits")
    elif isinstance(t, ir.Float):
        need(t.bits in (16, 32, 64), "a float of 16, 32 or 64 bits")
    elif isinstance(t, ir.Fixed):
        need(is_int(t.size) and t.size > 0, "a fixed with a positive size")
    elif isinstance(t, ir.Decimal):
        need(is_int(t.precision) and is_int(t.scale) and t.precision > 0
             and 0 <= t.scale <= t.precision
             and (t.byte_size is None or (is_int(t.byte_size) and t.byte_size > 0)),
             "a decimal with 0 <= scale <= precision")
    elif isinstance(t, ir.Time | ir.Duration):
        need(t.unit in _UNITS, f"a unit among {', '.join(_UNITS)}")
    elif isinstance(t, ir.Timestamp):
        need(t.unit in _UNITS and isinstance(t.utc, bool),
             f"a unit among {', '.join(_UNITS)} and utc true/false")
    else:
        need(isinstance(t, ir.PRIMITIVES), "an IR type")


def _check_version(schema: ir.Schema) -> None:
    for name, t in schema.types.items():
        _str_tuple(t.aliases, f"{name}: aliases")
        if isinstance(t, ir.Enum):
            _str_tuple(t.symbols, f"{name}: symbols")
            if not t.symbols or len(set(t.symbols)) != len(t.symbols):
                raise DamagedSnapshot(f"{name}: symbols must be distinct and not empty, got "
                                      f"{list(t.symbols)!r}")
            if t.default is not None and t.default not in t.symbols:
                raise DamagedSnapshot(f"{name}: default {t.default!r} is not a symbol")
            if t.values is not None and (
                    len(t.values) != len(t.symbols)
                    or not all(isinstance(v, int) and not isinstance(v, bool)
                               for v in t.values)):
                raise DamagedSnapshot(f"{name}: values must be one integer per symbol, got "
                                      f"{list(t.values)!r}")
            continue
        if t.kind not in ("record", "error", "union"):
            raise DamagedSnapshot(f"{name}: kind {t.kind!r} is not record, error, union or enum")
        seen: set[str] = set()
        for f in t.fields:
            if not isinstance(f.name, str) or not f.name or f.name in seen:
                raise DamagedSnapshot(f"{name}: field name {f.name!r} is empty, not a string "
                                      "or repeated")
            seen.add(f.name)
            _str_tuple(f.aliases, f"{name}.{f.name}: aliases")
            if f.field_id is not None and (not isinstance(f.field_id, int)
                                           or isinstance(f.field_id, bool)):
                raise DamagedSnapshot(f"{name}.{f.name}: field_id must be an integer, got "
                                      f"{f.field_id!r}")
            _check_type(f.type, schema.types, f"{name}.{f.name}")
            for ref in ir.referenced_names(f.type):  # formats are checked one at a time
                if _format(schema, ref) != _format(schema, name):
                    raise DamagedSnapshot(f"{name}.{f.name}: refers to {ref}, a type of "
                                          "another schema format")


def _format(schema: ir.Schema, name: str) -> str | None:
    t = schema.types[name]
    return format_of(schema.sources.get(name) or (t.location.file if t.location else ""))


def version_from_json(doc: Any, fix: Callable[[str], str]) -> ir.Schema:
    """A version of a snapshot file; :class:`DamagedSnapshot` naming the element when the
    JSON does not describe a schema (the file is untrusted: it may have been edited)."""
    if not isinstance(doc, dict):
        raise DamagedSnapshot(f"expected an object with \"types\", got {shorten(doc)}")
    raw_types = doc.get("types")
    if not isinstance(raw_types, list) or not all(isinstance(j, dict) for j in raw_types):
        raise DamagedSnapshot("\"types\" must be a list of objects")
    locs = doc.get("locations", {})
    srcs = doc.get("sources", {})
    for key, m, ok, value in (("locations", locs, (str, type(None)), '"file:line"'),
                              ("sources", srcs, (str,), "file")):
        if not isinstance(m, dict) or not all(isinstance(v, ok) for v in m.values()):
            raise DamagedSnapshot(f'"{key}" must be an object of type name -> {value}')

    def loc(key: str) -> ir.SourceLocation | None:
        j = locs.get(key)  # "file:line"
        if j is None:
            return None
        file, _, line = j.rpartition(":")
        if not file or not line.isdigit():
            raise DamagedSnapshot(f"locations: {key}: expected \"file:line\", got {shorten(j)}")
        return ir.SourceLocation(fix(file), int(line))

    types: dict[str, ir.Named] = {}
    for i, j in enumerate(raw_types):
        what = f"type {i + 1} ({j.get('name')!r})"
        try:
            t = ir.named_from_json(j)
            if isinstance(t, ir.Record):
                # py_name as stored ("" = left to codegen), not named_from_json's fill-in
                fields = tuple(
                    dataclasses.replace(f, py_name=fj.get("py_name", ""),
                                        location=loc(f"{t.name}#{f.name}"))
                    for f, fj in zip(t.fields, j["fields"], strict=True))
                t = dataclasses.replace(t, fields=fields, location=loc(t.name))
            else:
                t = dataclasses.replace(t, location=loc(t.name))
        except DamagedSnapshot:
            raise
        except Exception as exc:  # noqa: BLE001 - untrusted JSON: any failure is "damaged"
            raise DamagedSnapshot(f"{what}: {type(exc).__name__}: {exc}") from None
        if not isinstance(t.name, str) or not t.name:
            raise DamagedSnapshot(f"{what}: the name must be a non-empty string")
        if t.name in types:
            raise DamagedSnapshot(f"{what}: {t.name} is recorded twice")
        types[t.name] = t
    schema = ir.Schema(types, {k: fix(v) for k, v in srcs.items()})
    _check_version(schema)
    return schema


def _relpath_from(base: Path) -> Callable[[str], str]:
    def rel(file: str) -> str:
        if not file:
            return file
        p = Path(file)
        if not p.is_absolute() and not p.exists():
            # not a file on disk (protoc's bundled google/protobuf/*.proto): kept as it is,
            # so the snapshot does not depend on the folder it is written from
            return p.as_posix()
        return Path(os.path.relpath(p.resolve(), base.resolve())).as_posix()
    return rel


def _display_from(base: Path) -> Callable[[str], str]:
    """Snapshot-relative path -> path as shown to the user (relative to the cwd if below it)."""
    @functools.cache
    def fix(file: str) -> str:
        if not file:
            return file
        p = (base / file).resolve()
        try:
            return p.relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return p.as_posix()
    return fix


def read_snapshot(path: Path) -> list[dict[str, Any]]:
    """The raw versions of a snapshot file (oldest first); a clear error when it is not one."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a schemagen snapshot (invalid JSON: {exc})",
                         file=str(path)) from None
    except RecursionError:
        raise InputError("not a schemagen snapshot (JSON nested too deeply)",
                         file=str(path)) from None
    if not isinstance(doc, dict) or doc.get("schemagen_snapshot") != SNAPSHOT_FORMAT \
            or not isinstance(doc.get("versions"), list):
        raise InputError(f"not a schemagen snapshot (expected an object with "
                         f"\"schemagen_snapshot\": {SNAPSHOT_FORMAT} and \"versions\"; write one "
                         "with `schemagen snapshot PATH... -o FILE`)", file=str(path))
    versions: list[dict[str, Any]] = doc["versions"]
    return versions


def load_snapshot(path: Path) -> list[Version]:
    out: list[Version] = []
    fix = _display_from(path.parent)
    shown = fix(path.name) if path.is_absolute() else path.as_posix()
    for i, v in enumerate(read_snapshot(path), 1):
        try:
            out.append(Version(f"{shown}#{i}", version_from_json(v, fix)))
        except DamagedSnapshot as exc:
            raise InputError(f"version {i} is damaged ({exc}); restore it from version "
                             "control, or write a new one with `schemagen snapshot`",
                             file=str(path)) from None
    return out


def _recorded_under(schema: ir.Schema, paths: Sequence[str | Path]) -> set[str]:
    """The types of ``schema`` whose source file lies under one of ``paths``."""
    roots = [Path(p).resolve() for p in paths]

    def under(file: str) -> bool:
        if not file:
            return False
        f = Path(file).resolve()
        return any(f == r or r in f.parents for r in roots)

    return {n for n, t in schema.types.items()
            if under(schema.sources.get(n) or (t.location.file if t.location else ""))}


def restrict(schema: ir.Schema, paths: Sequence[str | Path],
             new_names: Collection[str] = (), whole_when_unrelated: bool = True) -> ir.Schema:
    """The part of a snapshot version a check of ``paths`` compares with.

    A snapshot may record more schemas than a check looks at (``schemas/`` recorded,
    ``schemas/avro`` checked): those others are not "removed".  Kept: the types whose
    source file lies under one of ``paths``, the types the new version also has, and the
    types those reach (imports, well-known types).  A snapshot none of whose files lies
    under ``paths`` (taken in another checkout) is kept whole; ``whole_when_unrelated`` is
    False for a version of a snapshot whose *other* versions have such files (the checked
    folder did not exist yet in that version).
    """
    keep = _recorded_under(schema, paths)
    if not keep and whole_when_unrelated:
        return schema
    keep |= {n for n in new_names if n in schema.types}
    for n in list(keep):
        if isinstance(schema.types[n], ir.Record):
            keep.update(m for m in ir.closure(schema.types, n) if m in schema.types)
    return ir.Schema({n: t for n, t in schema.types.items() if n in keep},
                     {n: s for n, s in schema.sources.items() if n in keep})


def snapshot_text(schema: ir.Schema, out: Path) -> tuple[str, bool]:
    """The snapshot file's new text, and whether the schema changed (a version added).

    An existing snapshot keeps its versions: a changed schema is appended as the newest
    version; an unchanged one only refreshes the newest version's file positions.
    """
    rel = _relpath_from(out.parent)
    current = version_to_json(schema, rel)
    versions: list[dict[str, Any]] = []
    if out.exists():
        load_snapshot(out)  # a damaged file is an error, not something to append to
        versions = read_snapshot(out)
    changed = not versions or versions[-1].get("types") != current["types"] \
        or versions[-1].get("sources") != current["sources"]
    if changed:
        versions.append(current)
    else:
        versions[-1] = current
    doc = {"schemagen_snapshot": SNAPSHOT_FORMAT, "versions": versions}
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=True) + "\n", changed


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        if path.exists():
            mode = path.stat().st_mode & 0o7777
        else:  # what open() would give: 0o666 less the umask
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- git


def _git(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("git is not installed: a git ref baseline needs it") from None


def git_root(cwd: Path) -> Path | None:
    r = _git(["rev-parse", "--show-toplevel"], cwd)
    if r.returncode != 0:
        return None
    return Path(r.stdout.decode().strip())


def _fetch_hint(ref: str, root: Path) -> str:
    shallow = _git(["rev-parse", "--is-shallow-repository"], root).stdout.decode().strip()
    remote_ref = ref.split("/", 1)
    fetch = (f"git fetch {remote_ref[0]} {remote_ref[1]}"
             if len(remote_ref) == 2 and not ref.startswith(("refs/", "HEAD"))
             else f"git fetch origin {ref}")
    if shallow == "true":
        return (f"this is a shallow clone, so {ref!r} may not have been fetched: run "
                f"`git fetch --unshallow` (or `{fetch}`), or in GitHub Actions use "
                "actions/checkout with `fetch-depth: 0`")
    return f"fetch it first (e.g. `{fetch}`) or check the spelling"


def resolve_ref(ref: str, root: Path) -> str:
    """The commit id of ``ref``; a usage error saying how to fetch it when unknown."""
    if ref.startswith("-"):
        raise UsageError(f"invalid git ref {ref!r}")
    r = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
             root)
    if r.returncode != 0:
        raise UsageError(f"--against {ref}: not a file, a folder, nor a git ref known to this "
                         f"repository; {_fetch_hint(ref, root)}")
    return r.stdout.decode().strip()


def load_git(ref: str, paths: Sequence[str | Path], include_dirs: Sequence[str | Path],
             sql_dialect: str | None, root: Path,
             on_warning: Callable[[str], None] | None = None,
             on_skip: Callable[[str], None] | None = None) -> Version:
    """The schema files under ``paths`` as they are at ``ref`` (``on_skip``: told of each
    archive entry skipped because extracting it would leave the temporary tree)."""
    commit = resolve_ref(ref, root)
    cwd = Path.cwd().resolve()
    rels: list[str] = []
    outside: dict[int, Path] = {}  # include folders outside the repository: used as they are
    for i, p in enumerate([*paths, *include_dirs]):
        try:
            rels.append(Path(p).resolve().relative_to(root.resolve()).as_posix() or ".")
        except ValueError:
            if i < len(paths):
                raise UsageError(f"{p}: outside the git repository {root} (a git baseline "
                                 "reads files of that repository)") from None
            outside[i - len(paths)] = Path(p)
            rels.append("")
    r = _git(["ls-tree", "-r", "-z", "--name-only", "--full-tree", commit, "--",
              *dict.fromkeys(r for r in rels if r)], root)
    if r.returncode != 0:
        raise UsageError(f"git ls-tree {ref} failed: {r.stderr.decode(errors='replace').strip()}")
    names = [n for n in r.stdout.decode("utf-8", errors="surrogateescape").split("\0")
             if n and format_of(n) is not None]
    with tempfile.TemporaryDirectory(prefix="schemagen-baseline-") as tmp:
        tmp_root = Path(tmp)
        if names:
            a = _git(["archive", "--format=tar", commit, "--", *names], root)
            if a.returncode != 0:
                raise UsageError(f"git archive {ref} failed: "
                                 f"{a.stderr.decode(errors='replace').strip()}")
            _extract(a.stdout, tmp_root, ref, on_skip)
        rel_paths = [tmp_root / rel for rel in rels[:len(paths)] if (tmp_root / rel).exists()]
        rel_incs = [outside.get(i, tmp_root / rel) for i, rel in enumerate(rels[len(paths):])]
        prefix = str(tmp_root.resolve())

        def fix(file: str) -> str:
            f = str(Path(file).resolve()) if file else file
            if f.startswith(prefix + os.sep):
                real = root / f[len(prefix) + 1:]
                try:
                    return real.resolve().relative_to(cwd).as_posix()
                except ValueError:
                    return real.as_posix()
            return file

        try:
            schema = load_files(rel_paths, rel_incs, sql_dialect, on_warning) if rel_paths \
                else ir.Schema({}, {})
        except SchemagenError as exc:
            raise UsageError(f"baseline {ref}: {_unprefix(str(exc), prefix, root, cwd)}") \
                from None
        return Version(ref, relocate(schema, fix))


def _extract(archive: bytes, dest: Path, ref: str,
             on_warning: Callable[[str], None] | None) -> None:
    """Extract a ``git archive`` under ``dest`` with tarfile's ``data`` filter, entry by
    entry: an entry the filter refuses (a symlink to an absolute path or out of the tree,
    a device file) is skipped with a warning naming it, never followed."""
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar:
            try:
                tar.extract(member, dest, filter="data")
            except tarfile.FilterError as exc:
                if on_warning is not None:
                    on_warning(f"baseline {ref}: {member.name}: skipped, not extracted: {exc}")


def _unprefix(text: str, prefix: str, root: Path, cwd: Path) -> str:
    try:
        shown = root.resolve().relative_to(cwd).as_posix()
    except ValueError:
        shown = root.as_posix()
    return text.replace(prefix + os.sep, "" if shown == "." else shown + "/")


# --------------------------------------------------------------------------- any


def _folder_includes(folder: Path, paths: Sequence[str | Path],
                     include_dirs: Sequence[str | Path],
                     on_warning: Callable[[str], None] | None = None) -> list[Path]:
    """The include folders of a folder baseline standing for the checked folder (or of a
    schema file baseline, whose folder stands for the checked file's folder).

    An include folder inside the checked folder (``-I schemas/proto`` with ``schemas/``
    checked) means the same folder of the baseline (``old/proto``): the new files must not
    stand in for the baseline's own imports.  An include folder above the checked folder
    (``-I schemas`` with ``schemas/proto/b`` checked against ``old/proto/b``) means the
    baseline's folder as many levels up, when the baseline's path ends like the checked
    one (``old``).  Include folders elsewhere (third-party protos, shared Thrift includes)
    are used as they are.
    """
    dirs = [Path(p).resolve() if Path(p).is_dir() else Path(p).resolve().parent
            for p in paths if Path(p).exists()]
    base = folder.resolve()
    out: list[Path] = []
    for inc in include_dirs:
        mapped = Path(inc)
        resolved = mapped.resolve()
        if len(dirs) == 1 and (resolved == dirs[0] or dirs[0] in resolved.parents):
            mapped = folder / resolved.relative_to(dirs[0])
            if not mapped.is_dir():  # not in the baseline: nothing to import from there
                continue
        elif len(dirs) == 1 and resolved in dirs[0].parents:
            # an include folder above the checked one (`check new/b -I new --against old/b`):
            # when the baseline folder has the same tail (old/b), its ancestor (old) stands
            # for it, else the baseline would import the NEW files under it
            tail = dirs[0].relative_to(resolved).parts
            if base.parts[-len(tail):] == tail and len(base.parts) > len(tail):
                mapped = Path(os.path.relpath(base.parents[len(tail) - 1]))
            elif on_warning is not None:
                on_warning(f"-I {inc} is above the checked folder, and the baseline {folder} "
                           f"does not end in {'/'.join(tail)}: the baseline imports from "
                           f"{inc} as it is now (changes to the files it imports from there "
                           "are not seen); check the parent folder instead")
        out.append(mapped)
    return out


def load_baseline(spec: str, paths: Sequence[str | Path], include_dirs: Sequence[str | Path],
                  sql_dialect: str | None, base_dir: Path | None = None,
                  on_warning: Callable[[str], None] | None = None,
                  new_names: Collection[str] = (),
                  on_include_warning: Callable[[str], None] | None = None) -> list[Version]:
    """The versions (oldest first) of a baseline: snapshot file, schema file, folder, or git
    ref.

    ``base_dir`` resolves a relative file/folder baseline (the pyproject's folder for a
    configured one); the current folder otherwise.  A snapshot is limited to what the
    check of ``paths`` compares (see :func:`restrict`; ``new_names``: the new version's
    types).  ``on_include_warning``: told when a folder baseline has to import from an
    include folder of the new version, or a git baseline skips an entry it must not
    extract (a symlink out of the tree).
    """
    candidate = Path(spec)
    if base_dir is not None and not candidate.is_absolute():
        candidate = base_dir / candidate
    if candidate.is_file() and format_of(str(candidate)) is not None:
        # a single schema file (old.avsc): one version, like a folder holding only it
        try:
            incs = _folder_includes(candidate.parent, paths, include_dirs, on_include_warning)
            return [Version(spec, load_files([candidate], incs, sql_dialect, on_warning))]
        except SchemagenError as exc:
            raise UsageError(f"baseline {spec}: {exc}") from None
    if candidate.is_file():
        versions = load_snapshot(candidate)
        # "taken in another checkout" is decided for the whole snapshot, not per version
        related = any(_recorded_under(v.schema, paths) for v in versions)
        return [Version(v.label, restrict(v.schema, paths, new_names, not related))
                for v in versions]
    if candidate.is_dir():
        try:
            schema = load_files([candidate], _folder_includes(candidate, paths, include_dirs,
                                                                  on_include_warning),
                                sql_dialect, on_warning)
        except SchemagenError as exc:
            raise UsageError(f"baseline {spec}: {exc}") from None
        if not schema.types:
            from schemagen.frontends import EXTENSIONS

            # a wrong folder would otherwise make every check pass (everything is "new")
            raise UsageError(f"--against {spec}: no schema types in this folder (no "
                             f"{', '.join(sorted(EXTENSIONS))} file defines one); give the folder "
                             "holding the baseline's schemas")
        return [Version(spec, schema)]
    # the repository holding the checked paths (the current folder may be outside it)
    first = Path(paths[0]) if paths else Path.cwd()
    first = first if first.is_dir() else first.parent
    root = (git_root(first) if first.is_dir() else None) or git_root(Path.cwd())
    if root is None:
        raise UsageError(f"--against {spec}: no such snapshot file or folder, and not in a git "
                         "repository (so not a git ref either)")
    return [load_git(spec, paths, include_dirs, sql_dialect, root, on_warning,
                     on_skip=on_include_warning)]
