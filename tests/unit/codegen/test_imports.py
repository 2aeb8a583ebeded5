"""codegen.imports: the aliases generated code uses, recorded while it is emitted."""

from __future__ import annotations

from schemagen import ir
from schemagen.codegen import literals
from schemagen.codegen.emit import union_check
from schemagen.codegen.imports import ALIASES, RUNTIME, STDLIB, Imports
from schemagen.codegen.render import annotation


def test_name_records_the_alias_and_returns_its_local_name() -> None:
    imp = Imports()
    assert imp.stdlib_lines(False) == [] and imp.runtime_line() is None
    assert imp.name("dt") == "_dt" and "dt" in imp and "uuid" not in imp
    imp.use("rt", "Any")
    assert imp.used() == {"dt", "rt", "Any"}
    assert imp.stdlib_lines(False) == [STDLIB["dt"], STDLIB["Any"]]
    assert imp.runtime_line() == RUNTIME
    assert set(ALIASES) == {*STDLIB, "rt"}


def test_type_checking_sorts_before_the_typing_aliases() -> None:
    imp = Imports()
    imp.use("uuid", "Final", "Sequence")
    assert imp.stdlib_lines(True) == [STDLIB["uuid"], STDLIB["Sequence"],
                                      "from typing import TYPE_CHECKING", STDLIB["Final"]]
    only = Imports()
    only.use("dc")
    assert only.stdlib_lines(True) == [STDLIB["dc"], "from typing import TYPE_CHECKING"]


def test_annotations_literals_and_union_checks_record_what_they_name() -> None:
    imp = Imports()
    t = ir.Map(ir.String(), ir.List(ir.Nullable(ir.Decimal(9, 2))))
    assert annotation(t, str, imp) == "dict[str, list[_decimal.Decimal | None]]"
    assert imp.used() == {"decimal"}
    imp = Imports()
    lit = literals.Literals(str, {}, {}, {}, imp)
    import datetime

    assert lit.literal(datetime.date(2024, 1, 2), ir.Date()) == "_dt.date(2024, 1, 2)"
    assert lit.literal("x", ir.String()) == "'x'" and imp.used() == {"dt"}
    imp = Imports()
    assert "_uuid.UUID" in union_check(ir.Uuid(), str, imp) and imp.used() == {"uuid"}
    assert union_check(ir.Int(8), str, imp) == (
        "isinstance(_sg_v, int) and not isinstance(_sg_v, bool) and -128 <= _sg_v <= 127")
    assert union_check(ir.Int(16, signed=False), str, imp).endswith("0 <= _sg_v <= 65535")
    assert imp.used() == {"uuid"}
