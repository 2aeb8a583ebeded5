"""Reports of a check: text for humans, JSON, GitHub Actions annotations, JUnit XML."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import counted
from .engine import Result
from .model import Finding

FORMATS = ("text", "json", "github", "junit")


def _where(f: Finding) -> str:
    if f.file and f.line:
        return f"{f.file}:{f.line}"
    return f.file or "<schema>"


def _old_new(f: Finding) -> str:
    if f.old is None and f.new is None:
        return ""
    return f" (old: {f.old if f.old is not None else '-'}; new: {f.new if f.new is not None else '-'})"


def _status(f: Finding, result: Result) -> str:
    if f.fails(result.directions):
        return "error"
    return "warning" if f.severity == "warning" else "note"


def _summary(result: Result) -> str:
    n = len(result.failures)
    against = ", ".join(result.versions)
    verdict = counted(n, "incompatible change") if n else "compatible"
    others = len(result.findings) - n
    extra = (f"; {counted(others, 'other finding')} not failing under this mode" if others
             else "")
    ign = f"; {len(result.ignored):,} ignored by [tool.schemagen.check]" if result.ignored else ""
    return f"schemagen check: {verdict} (mode {result.mode}, against {against}){extra}{ign}"


def text(result: Result, quiet: bool = False) -> str:
    lines: list[str] = []
    for f in result.findings:
        status = _status(f, result)
        if quiet and status != "error":
            continue
        vs = f" [against {f.against}]" if len(result.versions) > 1 and f.against else ""
        lines.append(f"{_where(f)}: {status}: {f.rule} ({f.category}) {f.path}: "
                     f"{f.message}{_old_new(f)}{vs}")
    if not quiet or result.failures:
        lines.append(_summary(result))
    return "".join(line + "\n" for line in lines)


def _finding_json(f: Finding, result: Result, ignored: bool) -> dict[str, Any]:
    return {
        "rule": f.rule, "category": f.category, "severity": f.severity,
        "breaks": sorted(f.breaks), "path": f.path, "message": f.message,
        "old": f.old, "new": f.new, "file": f.file, "line": f.line, "against": f.against,
        "fails": (not ignored) and f.fails(result.directions), "ignored": ignored,
    }


def to_json(result: Result) -> str:
    doc = {
        "mode": result.mode, "baseline": result.baseline, "against": result.versions,
        "compatible": result.ok, "failures": len(result.failures),
        "findings": [_finding_json(f, result, False) for f in result.findings]
        + [_finding_json(f, result, True) for f in result.ignored],
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def _gh_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(s: str) -> str:
    return _gh_data(s).replace(":", "%3A").replace(",", "%2C")


def _workspace_relative() -> Callable[[str], str]:
    """File name -> the path GitHub annotations need: relative to the workspace
    (``$GITHUB_WORKSPACE``, else the root of the git work tree around the current folder),
    so that a check run from a subfolder still annotates the right file."""
    cwd = Path.cwd().resolve()
    env = os.environ.get("GITHUB_WORKSPACE")
    root = Path(env).resolve() if env else next(
        (d for d in (cwd, *cwd.parents) if (d / ".git").exists()), None)

    def fix(file: str) -> str:
        if root is None:
            return file
        try:
            return (cwd / file).resolve().relative_to(root).as_posix()
        except (ValueError, OSError):
            return file
    return fix


def github(result: Result) -> str:
    """GitHub Actions workflow commands (``::error file=F,line=L,title=RULE::message``)."""
    out: list[str] = []
    where = _workspace_relative()
    for f in result.findings:
        status = _status(f, result)
        level = {"error": "error", "warning": "warning", "note": "notice"}[status]
        props = []
        if f.file:
            props.append(f"file={_gh_prop(where(f.file))}")
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_gh_prop(f.rule)}")
        msg = f"{f.path}: {f.message}{_old_new(f)}"
        out.append(f"::{level} {','.join(props)}::{_gh_data(msg)}")
    out.append(_summary(result))
    return "".join(line + "\n" for line in out)


# a schema warning's place: "file:line:col: message" (as every front end words it)
_WARNING_AT = re.compile(r"(?s)(?P<file>[^\n]+?):(?P<line>[0-9]+):(?P<col>[0-9]+): (?P<msg>.*)")


def github_warning(message: str) -> str:
    """A schema warning (``file:line:col: message``) as a GitHub ``::warning`` workflow
    command, annotating that place of the file."""
    m = _WARNING_AT.fullmatch(message)
    if m is None:
        return f"::warning title=schema warning::{_gh_data(message)}"
    props = (f"file={_gh_prop(_workspace_relative()(m['file']))},line={m['line']},"
             f"col={m['col']},title=schema warning")
    return f"::warning {props}::{_gh_data(m['msg'])}"


# characters XML 1.0 cannot hold, even escaped (control characters, lone surrogates such as
# the ones a file name that is not UTF-8 decodes to)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(s: str) -> str:
    """``s`` with the characters XML cannot hold written as ``\\xNN``/``\\uNNNN``."""
    return _NOT_XML.sub(lambda m: ascii(m.group())[1:-1], s)


def junit(result: Result) -> str:
    """JUnit XML: one test case per finding (failure when it fails the mode), or one passing
    case when there is nothing to report."""
    suites = ET.Element("testsuites", name="schemagen check")
    suite = ET.SubElement(suites, "testsuite", name=f"schemagen check ({result.mode})")
    cases = 0
    for f in [*result.findings, *result.ignored]:
        cases += 1
        case = ET.SubElement(suite, "testcase", classname=_xml(f"{f.category}.{f.rule}"),
                             name=_xml(f.path))
        if f.file:
            case.set("file", _xml(f.file))
        if f.line:
            case.set("line", str(f.line))
        body = _xml(f"{_where(f)}: {f.message}{_old_new(f)}")
        if cases > len(result.findings):  # the ignored ones come last
            ET.SubElement(case, "skipped", message="ignored by [tool.schemagen.check]").text = body
        elif f.fails(result.directions):
            ET.SubElement(case, "failure", message=_xml(f.message), type=_xml(f.rule)).text = body
        else:
            ET.SubElement(case, "system-out").text = f"{_status(f, result)}: {body}"
    if cases == 0:
        ET.SubElement(suite, "testcase", classname="schemagen.check",
                      name=_xml(f"compatible against {', '.join(result.versions)}"))
        cases = 1
    failures = len(result.failures)
    for el in (suites, suite):
        el.set("tests", str(cases))
        el.set("failures", str(failures))
        el.set("errors", "0")
    suite.set("skipped", str(len(result.ignored)))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def render(result: Result, fmt: str, quiet: bool = False) -> str:
    if fmt == "json":
        return to_json(result)
    if fmt == "github":
        return github(result)
    if fmt == "junit":
        return junit(result)
    return text(result, quiet)
