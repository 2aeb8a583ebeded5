"""codegen.views: the typed views the templates render."""

from __future__ import annotations

import dataclasses

import pytest

from schemagen.codegen import render, views


def _enum(**kw: object) -> views.EnumView:
    base: dict[str, object] = {
        "name": "Color", "doc": '"""Colours."""',
        "members": (views.MemberView("RED", "'red'", '"""Warm."""'),
                    views.MemberView("BLUE", "'blue'", "")),
        "default": None, "open": False, "numbers": None,
    }
    base.update(kw)
    return views.EnumView(**base)  # type: ignore[arg-type]


def _body(**kw: object) -> str:
    fields: dict[str, object] = {"enums": (), "shared": (), "factories": (), "records": (),
                                 "constants": ()}
    fields.update(kw)
    return render.TEMPLATES.get_template("body.py.j2").render(
        view=views.BodyView(**fields))  # type: ignore[arg-type]


def test_views_are_frozen() -> None:
    e = _enum()
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.name = "Other"  # type: ignore[misc]


def test_body_template_renders_enum_views() -> None:
    numbers = views.NumbersView("_SG_NUMBERS_Color", "'red': 1, 'blue': 2", "1: 'red', 2: 'blue'")
    src = _body(enums=(_enum(default="RED", numbers=numbers),))
    assert "class Color(str, _enum.Enum):" in src
    assert "    RED = 'red'\n    \"\"\"Warm.\"\"\"\n    BLUE = 'blue'\n" in src
    assert "return cls.RED" in src and "_SG_NUMBERS_Color: tuple[" in src
    compile(src, "<body>", "exec")


def test_shared_definitions_and_constant_factories_are_placed_at_module_level() -> None:
    factory = views.FactoryView("_sg_const_X", "int", "    return 1")
    const = views.ConstantView("X", "int", "1", "", factory)
    src = _body(shared=("_SG_SYMBOLS_C: frozenset[str] = frozenset(('a',))",), constants=(const,))
    assert src.startswith("\n\n_SG_SYMBOLS_C: frozenset[str] = frozenset(('a',))\n\n\ndef ")
    assert "def _sg_const_X() -> int:\n    return 1\n" in src
    assert "X: _Final[int] = _sg_const_X()\n" in src
    compile(src, "<body>", "exec")
