"""Protobuf front end: ``.proto`` files -> :class:`schemagen.ir.Schema`, through the real protoc.

The files are compiled by grpcio-tools' bundled protoc (``python -m
grpc_tools.protoc``, run as a subprocess so its messages reach us) into a
``FileDescriptorSet`` (``--include_imports --include_source_info``), which is
walked with ``google.protobuf.descriptor_pb2``.  protoc's error lines are
relayed as :class:`~schemagen.errors.SchemaError` (``file:line:col: message``).

Import paths: the ``include_dirs`` in order, then the folder of each given file
that no earlier import path contains (shallowest files first, so a folder of
schemas is one import root), then the bundled ``google/protobuf`` folder.

Mapping decisions (see README, "Protobuf"):

* package -> namespace (a file without a package: its file name);
* nested messages and enums -> ``Outer_Inner`` classes in the package's module
  (a name taken by another definition gets a further ``_``);
* int32/sint32/sfixed32 -> int32, int64/sint64/sfixed64 -> int64, uint32/fixed32
  -> uint32, uint64/fixed64 -> uint64; enums -> IR enums with their numbers;
* fields with presence (proto2 ``optional``, proto3 ``optional``, message
  fields, oneof members, editions ``EXPLICIT``) are nullable; proto3 implicit
  fields are required with the zero value as default; proto2 ``required`` (and
  editions ``LEGACY_REQUIRED``) are required without a default;
* ``oneof`` -> nullable members plus ``Record.oneofs`` (``ir.Oneof(name, wire
  names)``); generated code checks at most one is set and
  has ``which_<name>()``; proto3 ``optional`` synthetic oneofs are dropped;
* well-known types: Timestamp -> timestamp(us, UTC), Duration -> duration(us),
  wrappers -> nullable primitives, Struct/Value/ListValue -> JSON, Any ->
  record(type_url, value), Empty -> a record without fields (Parquet refuses
  it with a clear error), FieldMask -> list of strings;
* field numbers -> field ids; comments -> docs; ``json_name`` -> ``Field.json_name``;
  presence and label -> ``Field.presence``; open enums -> ``Enum.open``; the
  protobuf type and well-known type -> ``Field.origin`` (an ``ir.ProtobufOrigin``)
  so the message conversion needs no descriptors;
* extensions are ignored with a warning;
* for ``schemagen check``: records and enums carry an ``ir.ProtobufOrigin`` with
  their protobuf name, file, package and ``reserved`` numbers (inclusive ranges)
  and names.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from .. import ir
from ..errors import SchemaError, SchemaWarning
from ..typemap import parquet as pqkeys
from .base import around, outside_message, redact, schema_roots

__all__ = ["load", "bundled_include"]

_FD: Any = None  # descriptor_pb2.FieldDescriptorProto, imported lazily

_INT32: Final = ir.Int(32)
_INT64: Final = ir.Int(64)
_UINT32: Final = ir.Int(32, signed=False)
_UINT64: Final = ir.Int(64, signed=False)

# FieldDescriptorProto.Type numbers
_SCALARS: Final[dict[int, tuple[str, ir.Type]]] = {
    1: ("double", ir.Float(64)), 2: ("float", ir.Float(32)), 3: ("int64", _INT64),
    4: ("uint64", _UINT64), 5: ("int32", _INT32), 6: ("fixed64", _UINT64),
    7: ("fixed32", _UINT32), 8: ("bool", ir.Bool()), 9: ("string", ir.String()),
    12: ("bytes", ir.Bytes()), 13: ("uint32", _UINT32), 15: ("sfixed32", _INT32),
    16: ("sfixed64", _INT64), 17: ("sint32", _INT32), 18: ("sint64", _INT64),
}
_TYPE_GROUP: Final = 10
_TYPE_MESSAGE: Final = 11
_TYPE_ENUM: Final = 14
_LABEL_REQUIRED: Final = 2
_LABEL_REPEATED: Final = 3

_WRAPPERS: Final[dict[str, ir.Type]] = {
    "google.protobuf.DoubleValue": ir.Float(64), "google.protobuf.FloatValue": ir.Float(32),
    "google.protobuf.Int64Value": _INT64, "google.protobuf.UInt64Value": _UINT64,
    "google.protobuf.Int32Value": _INT32, "google.protobuf.UInt32Value": _UINT32,
    "google.protobuf.BoolValue": ir.Bool(), "google.protobuf.StringValue": ir.String(),
    "google.protobuf.BytesValue": ir.Bytes(),
}
_JSON_WKT: Final = ("google.protobuf.Struct", "google.protobuf.Value",
                    "google.protobuf.ListValue")

# protoc (abseil) log lines: ``W0000 00:00:1795321137.58 10681 parser.cc:659] message``
_ABSL_LINE: Final = re.compile(
    r"^(?P<level>[IWEF])\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] (?P<msg>.*)$")
_ABSL_PREAMBLE: Final = "WARNING: All log messages before absl::InitializeLog()"
_ERROR_LINE: Final = re.compile(r"^(?P<file>[^:\n]+?):(?P<line>\d+):(?P<col>\d+):\s*(?P<msg>.*)$")
# strings and comments of a .proto file (comments are blanked before imports are looked for)
_STRING_OR_COMMENT: Final = re.compile(
    r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|//[^\n]*|/\*.*?(?:\*/|\Z)', re.S)
# protoc's parser and tokenizer messages (parser.cc, tokenizer.cc): syntax errors
_SYNTAX_ERRORS: Final = ("Expected", "Unrecognized", "Invalid", "Unknown edition", "Unexpected",
                         "Need space", "String literals", "Reached end", "Illegal", "Missing",
                         "Interpreting", "Integer out of range", "Unmatched", "Unterminated",
                         "Comment", "Edition", "Numbers starting", "Hex", "Octal", "\"\\\"")
# the words of the protobuf language, which a syntax error may quote
_PROTO_WORDS: Final = frozenset({
    "syntax", "edition", "proto2", "proto3", "import", "weak", "public", "package", "option",
    "message", "enum", "service", "rpc", "returns", "stream", "extend", "extensions",
    "reserved", "to", "max", "oneof", "map", "optional", "required", "repeated", "group",
    "true", "false", "inf", "nan", "double", "float", "int32", "int64", "uint32", "uint64",
    "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string",
    "bytes", "default", "json_name", "export", "local",
})
_STRING_PART: Final = re.compile(r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'')
_IMPORT: Final = re.compile(
    r'\bimport\s+(?:(?:public|weak)\s+)?((?:"(?:[^"\\\n]|\\.)*"\s*|\'(?:[^\'\\\n]|\\.)*\'\s*)+);')


def bundled_include() -> str:
    """The folder holding ``google/protobuf/*.proto`` shipped with grpcio-tools."""
    try:
        import grpc_tools  # type: ignore[import-untyped]
    except ImportError:
        raise SchemaError("compiling .proto files needs grpcio-tools (pip install grpcio-tools)",
                          "<protobuf>") from None
    return str(Path(grpc_tools.__file__).parent / "_proto")


def _zero(t: ir.Type) -> Any:
    if isinstance(t, ir.Bool):
        return False
    if isinstance(t, ir.Int):
        return 0
    if isinstance(t, ir.Float):
        return 0.0
    if isinstance(t, ir.String):
        return ""
    if isinstance(t, ir.Bytes):
        return b""
    return ir.NO_DEFAULT


def _unescape_bytes(text: str) -> bytes:
    """protoc's C-escaped ``default_value`` of a bytes field."""
    out = bytearray()
    i = 0
    simple = {"n": 10, "r": 13, "t": 9, "\\": 92, "'": 39, '"': 34, "a": 7, "b": 8,
              "f": 12, "v": 11, "?": 63}
    while i < len(text):
        c = text[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        n = text[i + 1]
        if n in simple:
            out.append(simple[n])
            i += 2
        elif n == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", text[i + 2:])
            assert m
            out.append(int(m.group(), 16))
            i += 2 + len(m.group())
        else:
            m = re.match(r"[0-7]{1,3}", text[i + 1:])
            assert m
            out.append(int(m.group(), 8) & 0xFF)
            i += 1 + len(m.group())
    return bytes(out)


def _named_origin(key: str, fd: Any, ranges: list[tuple[int, int]],
                  names: Sequence[str]) -> ir.ProtobufOrigin:
    """What ``schemagen check`` needs of a message or enum: its protobuf name, the
    defining file and package, and its ``reserved`` numbers (inclusive ranges) and names."""
    return ir.ProtobufOrigin(name=key.lstrip("."), file=str(fd.name), package=str(fd.package),
                             reserved=tuple(sorted(ranges)), reserved_names=tuple(names))


def _wkt_type(full: str) -> ir.Type | None:
    """The IR type of a well-known message type (None: not one)."""
    if full == "google.protobuf.Timestamp":
        return ir.Timestamp("us", True)
    if full == "google.protobuf.Duration":
        return ir.Duration("us")
    if full in _WRAPPERS:
        return _WRAPPERS[full]
    if full in _JSON_WKT:
        return ir.Json()
    if full == "google.protobuf.FieldMask":
        return ir.List(ir.String())
    return None


class _Loader:
    def __init__(self, paths: Sequence[str | Path],
                 include_dirs: Sequence[str | os.PathLike[str]],
                 allowed: Sequence[str] = ()) -> None:
        self.paths = [Path(p) for p in paths]
        # the folders protoc may read from: the schema roots and the bundled protos
        self.allowed = (*(allowed or schema_roots(paths, include_dirs)),
                        os.path.realpath(bundled_include()))
        self.include_dirs = [Path(d) for d in include_dirs]
        self.files: dict[str, Any] = {}  # descriptor file name -> FileDescriptorProto
        self.disk: dict[str, str] = {}  # descriptor file name -> path as shown to the user
        self.names: dict[str, str] = {}  # ".pkg.Outer.Inner" -> IR full name
        self.kinds: dict[str, str] = {}  # ".pkg.Outer.Inner" -> message / enum / map
        self.messages: dict[str, tuple[Any, Any, list[int]]] = {}  # (file, descriptor, path)
        self.enums: dict[str, tuple[Any, Any, list[int]]] = {}
        self.docs: dict[tuple[str, tuple[int, ...]], tuple[str, int, int]] = {}
        self.types: dict[str, ir.Named] = {}
        self.sources: dict[str, str] = {}
        self.roots: list[Path] = []

    # ---------------------------------------------------------------- protoc

    def run_protoc(self) -> Any:
        from google.protobuf import descriptor_pb2  # type: ignore[import-untyped]

        for d in self.include_dirs:
            if not d.is_dir():
                raise SchemaError(f"include folder {str(d)!r} does not exist", str(d))
        roots: list[Path] = list(self.include_dirs)
        rel: list[str] = []
        disk: list[Path] = []
        # shallowest files first: a file's folder becomes an import root for the files
        # below it (``common/x.proto`` next to ``a.proto`` is imported as such)
        for p in sorted(self.paths, key=lambda q: (len(q.resolve().parts), str(q))):
            if not p.is_file():
                raise SchemaError("no such file", str(p))
            ap = p.resolve()
            disk.append(ap)
            self.disk.setdefault(str(ap), str(p))  # protoc names given files by disk path
            for r in roots:
                try:
                    rel.append(ap.relative_to(r.resolve()).as_posix())
                    self.disk.setdefault(rel[-1], str(p))
                    break
                except ValueError:
                    continue
            else:
                roots.append(p.parent)
                rel.append(p.name)
                self.disk.setdefault(p.name, str(p))
        roots = list(dict.fromkeys(roots))
        self.roots = roots
        self.check_imports(disk)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "set.pb"
            cmd = [sys.executable, "-m", "grpc_tools.protoc",
                   *(f"-I{r.resolve()}" for r in roots), f"-I{bundled_include()}",
                   "--include_imports", "--include_source_info",
                   f"--descriptor_set_out={out}",
                   # disk paths, not virtual names: protoc maps each to the import root
                   # holding it and refuses a file shadowed by an earlier root (a virtual
                   # name would silently pick the other file)
                   *(str(p) for p in disk)]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            self.relay(proc.stderr, proc.returncode, rel)
            fds = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
        for fd in fds.file:  # what protoc read (a second line of defence: see check_imports)
            target = self.find_import(fd.name)
            if target is not None:
                self.refuse_outside(str(target))
        return fds

    def refuse_outside(self, file: str, where: tuple[str, int, int] | None = None,
                       name: str = "") -> None:
        refused = outside_message(file, self.allowed, named=where is not None)
        if refused is None:
            return
        if where is None:
            raise SchemaError(refused, file)
        raise SchemaError(f"import {name!r}: {refused}", *where)

    def find_import(self, name: str) -> Path | None:
        """The file protoc reads for ``import "name"`` (the first import root holding it)."""
        if name.startswith("/") or ".." in name.split("/") or "\\" in name:
            return None  # protoc refuses these virtual paths itself
        for r in [*self.roots, Path(bundled_include())]:
            cand = r / name
            if cand.is_file():
                return cand
        return None

    def check_imports(self, given: list[Path]) -> None:
        """Refuse, before protoc runs, an import (transitively) that resolves outside the
        schema roots and include folders: protoc would read the file (through a symlink)
        and quote it in its errors."""
        todo, seen = list(given), set()
        while todo:
            f = todo.pop()
            key = os.path.realpath(f)
            if key in seen:
                continue
            seen.add(key)
            try:
                text = f.read_text("utf-8", errors="replace")
            except OSError:
                continue  # protoc reports it
            blank = _STRING_OR_COMMENT.sub(
                lambda m: m.group() if m.group()[0] in "\"'" else re.sub(r"[^\n]", " ", m.group()),
                text)
            for m in _IMPORT.finditer(blank):
                name = "".join(a or b for a, b in _STRING_PART.findall(m.group(1)))
                target = self.find_import(name)
                if target is None:
                    continue
                line = text.count("\n", 0, m.start()) + 1
                col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
                self.refuse_outside(str(target), (self.disk.get(str(f), str(f)), line, col), name)
                todo.append(target)

    def shown(self, name: str) -> str:
        """A descriptor file name as a path the user recognises."""
        if name in self.disk:
            return self.disk[name]
        for r in self.roots:
            cand = r / name
            if cand.is_file():
                self.disk[name] = str(cand)
                return str(cand)
        self.disk[name] = name
        return name

    def without_text(self, file: str, line: int, msg: str) -> str:
        """protoc's message with the file's text taken out when it is a syntax error (the
        file did not parse, so it may be no schema at all): ``Unrecognized syntax
        identifier "..."`` keeps its words, not the file's.  The errors of files that
        parsed (``"Foo" is not defined``) name the schema's own definitions and stay."""
        if not msg.startswith(_SYNTAX_ERRORS):
            return msg
        try:
            text = Path(file).read_text("utf-8", errors="replace")
        except OSError:
            text = ""
        return redact(msg, around(text, line), _PROTO_WORDS)

    def relay(self, stderr: str, code: int, rel: list[str]) -> None:
        errors: list[tuple[str, int, int, str]] = []
        other: list[str] = []
        for line in stderr.splitlines():
            if not line.strip() or line.startswith(_ABSL_PREAMBLE):
                continue
            absl = _ABSL_LINE.match(line)
            if absl:  # protoc's own log line: keep the message, drop the log prefix
                if absl["level"] in "IW" and code == 0:
                    warnings.warn(absl["msg"], SchemaWarning, stacklevel=4)
                    continue
                line = absl["msg"]
            m = _ERROR_LINE.match(line)
            if m:
                item = (self.shown(m["file"]), int(m["line"]), int(m["col"]),
                        self.without_text(self.shown(m["file"]), int(m["line"]), m["msg"]))
                if m["msg"].lower().startswith("warning:") and code == 0:
                    warnings.warn_explicit(
                        f"{item[0]}:{item[1]}:{item[2]}: {m['msg'][8:].strip()}",
                        SchemaWarning, item[0], item[1])
                else:
                    errors.append(item)
            elif code == 0 and line.lower().startswith("warning"):
                warnings.warn(line, SchemaWarning, stacklevel=4)
            else:
                other.append(line)
        if code == 0:
            return
        if errors:
            f, ln, col, msg = errors[0]
            more = [f"{a}:{b}:{c}: {d}" for a, b, c, d in errors[1:]] + other
            raise SchemaError("\n".join([msg, *more]), f, ln, col)
        text = "\n".join(other) or f"protoc failed (exit {code})"
        m = re.match(r"^([^:\s]+\.proto):\s*(.*)$", text, re.S)
        if m:
            raise SchemaError(m.group(2), self.shown(m.group(1)))
        raise SchemaError(text, self.shown(rel[0]) if rel else "<protobuf>")

    # ---------------------------------------------------------------- indexing

    def index(self, fds: Any) -> None:
        for fd in fds.file:
            self.files[fd.name] = fd
            for loc in fd.source_code_info.location:
                doc = "\n\n".join(
                    t.strip("\n") for t in (loc.leading_comments, loc.trailing_comments) if t.strip()
                )
                lines = [ln[1:] if ln.startswith(" ") else ln for ln in doc.split("\n")]
                span = list(loc.span)
                self.docs[(fd.name, tuple(loc.path))] = (
                    "\n".join(lines).strip(), span[0] + 1 if span else 0,
                    span[1] + 1 if len(span) > 1 else 0)
        # top-level names first (in every file of a package), so a nested
        # ``Outer.Inner`` never takes the name of a top-level ``Outer_Inner``
        taken_by_ns: dict[str, set[str]] = {}
        for fd in fds.file:
            top = taken_by_ns.setdefault(self.namespace(fd), set())
            top.update(m.name for m in fd.message_type)
            top.update(e.name for e in fd.enum_type)
        for fd in fds.file:
            ns = self.namespace(fd)
            prefix = f".{fd.package}" if fd.package else ""
            taken = taken_by_ns[ns]
            for i, m in enumerate(fd.message_type):
                self.index_message(fd, m, prefix, ns, "", [4, i], taken)
            for i, e in enumerate(fd.enum_type):
                self.index_enum(fd, e, prefix, ns, "", [5, i], taken)

    @staticmethod
    def namespace(fd: Any) -> str:
        return str(fd.package) or re.sub(r"\W", "_", Path(fd.name).stem)

    def _unique(self, ns: str, short: str, taken: set[str], top: bool) -> str:
        if not top:
            while short in taken:
                short += "_"
            taken.add(short)
        return f"{ns}.{short}" if ns else short

    def index_message(self, fd: Any, m: Any, prefix: str, ns: str, outer: str,
                      path: list[int], taken: set[str]) -> None:
        key = f"{prefix}.{m.name}"
        short = f"{outer}_{m.name}" if outer else m.name
        if m.options.map_entry:
            self.kinds[key] = "map"
        else:
            self.kinds[key] = "message"
            self.names[key] = self._unique(ns, short, taken, not outer)
        self.messages[key] = (fd, m, path)
        for i, n in enumerate(m.nested_type):
            self.index_message(fd, n, key, ns, short, [*path, 3, i], taken)
        for i, e in enumerate(m.enum_type):
            self.index_enum(fd, e, key, ns, short, [*path, 4, i], taken)

    def index_enum(self, fd: Any, e: Any, prefix: str, ns: str, outer: str,
                   path: list[int], taken: set[str]) -> None:
        key = f"{prefix}.{e.name}"
        self.kinds[key] = "enum"
        self.names[key] = self._unique(ns, f"{outer}_{e.name}" if outer else e.name, taken,
                                       not outer)
        self.enums[key] = (fd, e, path)

    def doc(self, fd: Any, path: list[int]) -> tuple[str, ir.SourceLocation]:
        d, line, col = self.docs.get((fd.name, tuple(path)), ("", 0, 0))
        return d, ir.SourceLocation(self.shown(fd.name), line, col)

    # ---------------------------------------------------------------- conversion

    def convert(self, fds: Any) -> ir.Schema:
        self.index(fds)
        given = self.given_files(fds)
        queue: list[str] = []
        for fd in fds.file:
            if fd.name not in given:
                continue
            if fd.extension:
                self.warn_extensions(fd, fd.extension, [7])
            for key, (mfd, _m, _p) in self.messages.items():
                if mfd is fd and self.kinds[key] == "message":
                    queue.append(key)
            for key, (efd, _e, _p) in self.enums.items():
                if efd is fd:
                    queue.append(key)
        done: set[str] = set()
        while queue:
            key = queue.pop(0)
            if key in done:
                continue
            done.add(key)
            if self.kinds[key] == "enum":
                self.enum(key)
            else:
                queue.extend(self.message(key))
        ordered = {k: self.types[k] for k in sorted(self.types, key=self._order)}
        return ir.Schema(ordered, {k: self.sources[k] for k in ordered})

    def _order(self, name: str) -> tuple[int, ...]:
        t = self.types[name]
        loc = t.location
        return (0, loc.line, loc.column) if loc else (1,)

    def given_files(self, fds: Any) -> set[str]:
        resolved = {p.resolve() for p in self.paths}
        out = set()
        for fd in fds.file:
            for r in self.roots:
                if (r / fd.name).resolve() in resolved:
                    out.add(fd.name)
        return out

    def warn_extensions(self, fd: Any, exts: Any, path: list[int]) -> None:
        for i, x in enumerate(exts):
            _, loc = self.doc(fd, [*path, i])
            warnings.warn_explicit(
                f"{loc}: extension {x.name!r} (of {x.extendee.lstrip('.')}) is ignored: "
                "extensions are not part of the generated records",
                SchemaWarning, loc.file, loc.line)

    def enum(self, key: str) -> None:
        fd, e, path = self.enums[key]
        doc, loc = self.doc(fd, path)
        name = self.names[key]
        symbols, values, sdocs = [], [], []
        for i, v in enumerate(e.value):
            symbols.append(v.name)
            values.append(v.number)
            sdocs.append(self.doc(fd, [*path, 2, i])[0])
        # enum reserved ranges are inclusive at both ends
        origin = _named_origin(key, fd, [(r.start, r.end) for r in e.reserved_range],
                               e.reserved_name)
        self.types[name] = ir.Enum(
            name, tuple(symbols), doc=doc, values=tuple(values), location=loc,
            symbol_docs=tuple(sdocs) if any(sdocs) else (),
            open=not self.closed_enum(fd, e), origin=origin)
        self.sources[name] = loc.file

    @staticmethod
    def closed_enum(fd: Any, e: Any) -> bool:
        if fd.syntax == "proto3":
            return False
        if fd.syntax == "editions":
            ft = e.options.features.enum_type or fd.options.features.enum_type
            return bool(ft == 2)  # CLOSED
        return True  # proto2

    def presence(self, fd: Any, f: Any) -> str:
        """"required", "explicit" or "implicit"."""
        if f.label == _LABEL_REQUIRED:
            return "required"
        if fd.syntax == "editions":
            fp = f.options.features.field_presence or fd.options.features.field_presence
            if fp == 3:  # LEGACY_REQUIRED
                return "required"
            if fp == 2 and f.type not in (_TYPE_MESSAGE, _TYPE_GROUP) \
                    and not f.HasField("oneof_index"):
                return "implicit"
            return "explicit"
        if fd.syntax == "proto3":
            if f.proto3_optional or f.type in (_TYPE_MESSAGE, _TYPE_GROUP) \
                    or f.HasField("oneof_index"):
                return "explicit"
            return "implicit"
        return "explicit"

    def value_type(self, f: Any, refs: list[str]) -> tuple[ir.Type, ir.ProtobufOrigin]:
        """The non-null IR type of one value of ``f`` (ignoring its label), with the
        protobuf kind of that value (``type``, ``wkt``; for maps the key's and value's)."""
        if f.type in _SCALARS:
            pname, t = _SCALARS[f.type]
            return t, ir.ProtobufOrigin(type=pname)
        tn = f.type_name
        full = tn.lstrip(".")
        if f.type == _TYPE_ENUM:
            refs.append(tn)
            return ir.EnumRef(self.names[tn]), ir.ProtobufOrigin(type="enum")
        wkt = _wkt_type(full)
        if wkt is not None:
            return wkt, ir.ProtobufOrigin(wkt=full)
        if self.kinds.get(tn) == "map":
            _fd, entry, _p = self.messages[tn]
            kt, ko = self.value_type(entry.field[0], refs)
            vt, vo = self.value_type(entry.field[1], refs)
            return ir.Map(kt, vt), ir.ProtobufOrigin(
                type="map", key_type=ko.type, value_type=vo.type, value_wkt=vo.wkt)
        refs.append(tn)
        return (ir.RecordRef(self.names[tn]),
                ir.ProtobufOrigin(type="group" if f.type == _TYPE_GROUP else "message"))

    def default(self, f: Any, t: ir.Type) -> Any:
        text = f.default_value
        if isinstance(t, ir.Bool):
            return text == "true"
        if isinstance(t, ir.Int):
            return int(text, 0)
        if isinstance(t, ir.Float):
            low = text.lower()
            if low in ("inf", "+inf"):
                return math.inf
            if low == "-inf":
                return -math.inf
            if low == "nan":
                return math.nan
            return float(text)
        if isinstance(t, ir.String):
            return text
        if isinstance(t, ir.Bytes):
            return _unescape_bytes(text)
        if isinstance(t, ir.EnumRef):
            return text
        return ir.NO_DEFAULT  # pragma: no cover

    def message(self, key: str) -> list[str]:
        fd, m, path = self.messages[key]
        doc, loc = self.doc(fd, path)
        name = self.names[key]
        refs: list[str] = []
        if m.extension:
            self.warn_extensions(fd, m.extension, [*path, 6])
        oneofs: dict[int, list[str]] = {}
        fields = []
        for i, f in enumerate(m.field):
            fields.append(self.field(fd, f, [*path, 2, i], refs))
            if f.HasField("oneof_index") and not f.proto3_optional:
                oneofs.setdefault(f.oneof_index, []).append(f.name)
        native = ((pqkeys.WRITER_MODEL_KEY, "protobuf"), (pqkeys.PROTOBUF_CLASS_KEY, key.lstrip(".")),
                  (pqkeys.PROTOBUF_FILE_KEY, fd.name))
        # message reserved ranges end one past the last reserved number
        origin = _named_origin(key, fd, [(r.start, r.end - 1) for r in m.reserved_range],
                               m.reserved_name)
        self.types[name] = ir.Record(
            name, tuple(fields), doc=doc, location=loc, native=native,
            oneofs=tuple(ir.Oneof(m.oneof_decl[idx].name, tuple(members))
                         for idx, members in sorted(oneofs.items())),
            origin=origin)
        self.sources[name] = loc.file
        return refs

    def field(self, fd: Any, f: Any, path: list[int], refs: list[str]) -> ir.Field:
        fdoc, floc = self.doc(fd, path)
        vt, origin = self.value_type(f, refs)
        pres = self.presence(fd, f)
        presence: ir.Presence
        if f.label == _LABEL_REPEATED:
            t: ir.Type = vt if isinstance(vt, ir.Map) else ir.List(vt)
            default: Any = ()
            presence = "repeated"
        elif pres == "required":
            t, default, presence = vt, ir.NO_DEFAULT, "required"
        elif pres == "implicit":
            t, presence = vt, "implicit"
            default = _zero(vt)
            if isinstance(vt, ir.EnumRef):
                enum = self.enums[f.type_name][1]
                default = enum.value[0].name if enum.value else ir.NO_DEFAULT
        else:
            t, default, presence = ir.Nullable(vt), None, "explicit"
            if f.HasField("default_value"):
                default = self.default(f, vt)
                origin = dataclasses.replace(origin, default=f.default_value)
        return ir.Field(f.name, t, doc=fdoc, default=default, field_id=f.number, location=floc,
                        json_name=f.json_name, presence=presence, origin=origin)


def load(paths: Sequence[str | Path],
         include_dirs: Sequence[str | os.PathLike[str]] = (),
         roots: Sequence[str] = ()) -> ir.Schema:
    """Load ``.proto`` files (and the files they import) through protoc.

    Raises :class:`~schemagen.errors.SchemaError` for anything protoc rejects
    (``file:line:col: message``) and warns :class:`~schemagen.errors.SchemaWarning`
    for ignored extensions.  An import that resolves outside ``roots`` (default:
    :func:`~schemagen.frontends.base.schema_roots` of ``paths`` and ``include_dirs``;
    the bundled ``google/protobuf`` files are always allowed) is refused, not read.
    """
    loader = _Loader(paths, include_dirs, roots)
    fds = loader.run_protoc()
    return loader.convert(fds)
