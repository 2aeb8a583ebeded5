"""cli/main.py: the parser wiring (one module per command) and exit codes by class."""

from __future__ import annotations

import pytest

from schemagen import errors
from schemagen.cli import main as cli
from schemagen.errors import InputError, SyncerError, UsageError


@pytest.mark.parametrize("exc, code", [
    (InputError("x"), 2), (UsageError("x"), 2), (errors.SchemaError("x"), 2),
    (errors.SqlMappingError("x"), 2), (SyncerError("x"), 2), (OSError("x"), 2),
    (errors.DamagedSnapshot("x"), 2), (KeyboardInterrupt(), 130), (ValueError("x"), None),
])
def test_exit_codes_by_class(exc: BaseException, code: int | None) -> None:
    assert cli.exit_code(exc) == code


def test_every_command_has_its_module_in_help_order() -> None:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices is not None
    names = list(sub.choices)
    assert names == ["compile", "sql", "check", "convert", "inspect", "snapshot"]
    for name, command in sub.choices.items():
        func = command.get_default("func")
        assert func.__module__ == f"schemagen.cli.commands.{name}" and func.__name__ == "run"


def test_input_error_exit_2_with_message(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from schemagen.cli.commands import compile as compile_cmd

    def bad(args: object) -> int:
        raise InputError("not an int", file="d.csv", line=3, path="a.b", value="x")

    monkeypatch.setattr(compile_cmd, "run", bad)
    assert cli.main(["compile", "s"]) == 2
    assert capsys.readouterr().err == "schemagen: error: d.csv:3: field a.b: not an int (got 'x')\n"


def test_os_error_and_interrupt(monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    from schemagen.cli.commands import compile as compile_cmd

    def denied(args: object) -> int:
        raise PermissionError(13, "Permission denied", "out/x.py")

    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(compile_cmd, "run", denied)
    assert cli.main(["compile", "s"]) == 2
    assert capsys.readouterr().err == "schemagen: error: out/x.py: Permission denied\n"
    monkeypatch.setattr(compile_cmd, "run", interrupted)
    assert cli.main(["compile", "s"]) == 130
    assert capsys.readouterr().err == ""


def test_other_exceptions_propagate(monkeypatch: pytest.MonkeyPatch) -> None:
    from schemagen.cli.commands import compile as compile_cmd

    def broken(args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(compile_cmd, "run", broken)
    with pytest.raises(RuntimeError):
        cli.main(["compile", "s"])
