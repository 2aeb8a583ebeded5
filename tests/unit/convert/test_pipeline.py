"""``schemagen.convert.pipeline``: convert(), the CLI, outputs, modes, exit codes, memory."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sg_convert import (
    DRILL,
    SALES,
    convert_rows,
    read_rejects,
    write_jsonl,
)
from sg_helpers import REPO

import schemagen
from schemagen import convert as cv
from schemagen.cli.main import main
from schemagen.errors import InputError


def test_drill_sample_cli_pyarrow_duckdb_and_typed_read(tmp_path: Path, sales: Any,
                                                        capsys: Any) -> None:
    out = tmp_path / "sample.parquet"
    code = main(["convert", str(DRILL), "--schema", SALES, "--record", "Transaction",
                 "--out", str(out), "--rejects", str(tmp_path / "rej.jsonl")])
    assert code == 0
    assert "5 rows written, 0 rejected" in capsys.readouterr().err
    assert (tmp_path / "rej.jsonl").read_text() == ""
    t = pq.read_table(out)
    assert t.schema.field("date").type == pa.date32()
    assert t.schema.field("time").type == pa.time32("ms")
    assert t.column("trans_info").to_pylist()[2] == {"prod_id": [293, 90], "purch_flag": True}
    recs = list(schemagen.read(sales.Transaction, out))
    assert [r.trans_id for r in recs] == [0, 1, 2, 3, 4]
    assert recs[0].date == dt.date(2013, 7, 26) and recs[0].time == dt.time(4, 56, 59)
    assert recs[1].amount == 100.40 and recs[1].trans_info.prod_id == []
    assert recs[0].marketing_info.keywords[:3] == ["go", "to", "thing"]
    con = duckdb.connect()
    types = dict(con.execute(f"DESCRIBE SELECT * FROM '{out}'").fetchall()[i][:2]
                 for i in range(7))
    assert types["date"] == "DATE" and types["time"] == "TIME" and types["amount"] == "DOUBLE"
    got = con.execute(f"SELECT extract(year FROM t.date) AS y, t.user_info.cust_id AS c "
                      f"FROM '{out}' t ORDER BY trans_id").fetchall()
    assert got == [(2013, 28), (2013, 86623), (2013, 11), (2013, 666), (2013, 999)]


def test_drill_example_script_runs(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, str(REPO / "examples" / "drill_example.py"),
                           "--out", str(tmp_path / "drill")], capture_output=True, text=True,
                          check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "2013" in proc.stdout and "86623" in proc.stdout


def test_cli_rejects_file_and_exit_1(tmp_path: Path, capsys: Any) -> None:
    lines = DRILL.read_text().splitlines()
    bad = json.loads(lines[1])
    bad["user_info"]["cust_id"] = "eighty"
    src = tmp_path / "t.jsonl"
    src.write_text("\n".join([lines[0], json.dumps(bad), "", "{not json", lines[2]]) + "\n")
    out = tmp_path / "t.parquet"
    rej = tmp_path / "r.jsonl"
    code = main(["convert", str(src), "--schema", SALES, "--record", "Transaction", "--out",
                 str(out), "--rejects", str(rej), "-q"])
    assert code == 1
    assert capsys.readouterr().err == ""
    r1, r2 = read_rejects(rej)
    assert r1 == {"file": str(src), "line": 2, "path": "user_info.cust_id",
                  "reason": "expected an integer, got 'eighty'", "row": json.dumps(bad)}
    assert r2["line"] == 4 and r2["path"] == "" and r2["reason"].startswith("invalid JSON")
    assert r2["row"] == "{not json"
    assert pq.read_table(out).column("trans_id").to_pylist() == [0, 2]


def test_cli_rejects_printed_without_rejects_file(tmp_path: Path, capsys: Any) -> None:
    src = write_jsonl(tmp_path / "t.jsonl", ['{"trans_id": 1}'])
    code = main(["convert", str(src), "--schema", SALES, "--record", "Transaction",
                 "--out", str(tmp_path / "o.parquet")])
    err = capsys.readouterr().err
    assert code == 1
    assert f"rejected: {src}:1: missing required field at date" in err
    assert "0 rows written, 1 rejected" in err


@pytest.mark.parametrize("argv, message", [
    (["--record", "Nope"], "no record 'Nope' in the schemas (records: "),
    (["--record", "Transaction", "--compression", "zip"], "unknown compression 'zip'"),
    (["--record", "Transaction", "--partition-by", "trans_id"], "applies to a dataset folder"),
    (["--record", "Transaction", "--mode", "append"], "cannot append to the single Parquet"),
    (["--record", "Transaction", "--csv-delimiter", ";;"], "CSV delimiter must be one character"),
])
def test_cli_usage_errors_exit_2(tmp_path: Path, capsys: Any, argv: list[str],
                                 message: str) -> None:
    code = main(["convert", str(DRILL), "--schema", SALES, "--out",
                 str(tmp_path / "o.parquet"), *argv])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o.parquet").exists()


def test_cli_missing_input_and_bad_schema_exit_2(tmp_path: Path, capsys: Any) -> None:
    assert main(["convert", str(tmp_path / "nope.jsonl"), "--schema", SALES, "--record",
                 "Transaction", "--out", str(tmp_path / "o.parquet")]) == 2
    assert "no such input file" in capsys.readouterr().err
    assert main(["convert", str(tmp_path), "--schema", SALES, "--record", "Transaction",
                 "--out", str(tmp_path / "o.parquet")]) == 2
    assert "is a folder; give the input files" in capsys.readouterr().err
    bad = tmp_path / "bad.avsc"
    bad.write_text('{"type": "record", "name": "X", "fields": [{"name": "a"}]}')
    assert main(["convert", str(DRILL), "--schema", str(bad), "--record", "X", "--out",
                 str(tmp_path / "o.parquet")]) == 2
    assert "bad.avsc" in capsys.readouterr().err


def test_unknown_fields_ignored_and_counted(kitchen: Any, tmp_path: Path) -> None:
    rows = [{"id": 1, "x": 1, "owner": {"name": "a", "y": [1]}}, {"id": 2, "x": None},
            {"id": 3, "x": "s"}]
    res, table, rejects = convert_rows(kitchen, tmp_path, rows, unknown_fields="ignore")
    assert res.rows == 3 and not rejects
    assert res.ignored_keys == {"owner.y": 1, "x": 2}


def test_dataset_output_partitioned_and_streamed(sales: Any, tmp_path: Path) -> None:
    rows = [json.loads(x) for x in DRILL.read_text().splitlines()]
    many = []
    for i in range(4000):
        r = json.loads(json.dumps(rows[i % 5]))
        r["trans_id"] = i
        many.append(r)
    src = write_jsonl(tmp_path / "many.jsonl", many)
    batches: list[int] = []
    out = tmp_path / "ds"
    res = cv.convert(sales.Transaction, [src], out, chunk_bytes=64 * 1024,
                     block_size=64 * 1024, progress=batches.append)
    assert res.rows == 4000 and res.rejected == 0
    assert len(res.files) > 1  # the writer rolled files: nothing held the whole input
    assert sum(batches) == src.stat().st_size and len(batches) > 10
    assert all(pq.ParquetFile(f).metadata.num_row_groups >= 1 for f in res.files)
    back = schemagen.read_arrow(sales.Transaction, out)
    assert sorted(back.column("trans_id").to_pylist()) == list(range(4000))
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*), count(DISTINCT trans_id) FROM "
                       f"read_parquet('{out}/*.parquet')").fetchone() == (4000, 4000)
    # order is kept within the single-file output as well
    res = cv.convert(sales.Transaction, [src], tmp_path / "one.parquet",
                     chunk_bytes=64 * 1024, row_group_size=500)
    pf = pq.ParquetFile(tmp_path / "one.parquet")
    assert pf.metadata.num_row_groups == 8
    assert pf.read().column("trans_id").to_pylist() == list(range(4000))


def test_partition_by_via_cli(tmp_path: Path) -> None:
    out = tmp_path / "parts"
    assert main(["convert", str(DRILL), "--schema", SALES, "--record", "Transaction", "--out",
                 str(out), "--partition-by", "trans_id", "-q"]) == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == [
        f"trans_id={i}" for i in range(5)]
    con = duckdb.connect()
    got = con.execute(f"SELECT trans_id, user_info.cust_id FROM read_parquet('{out}/**/*.parquet',"
                      f" hive_partitioning=true) ORDER BY trans_id").fetchall()
    assert got == [(0, 28), (1, 86623), (2, 11), (3, 666), (4, 999)]


def test_failed_input_commits_nothing(sales: Any, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "a.jsonl", [DRILL.read_text().splitlines()[0]])
    missing = tmp_path / "b.avro"
    missing.write_bytes(b"garbage")
    with pytest.raises(InputError):
        cv.convert(sales.Transaction, [src, missing], tmp_path / "o.parquet",
                   rejects=tmp_path / "r.jsonl")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "b.avro"]


def test_single_file_modes(sales: Any, tmp_path: Path) -> None:
    out = tmp_path / "o.parquet"
    out.write_bytes(b"old")
    with pytest.raises(schemagen.UsageError, match="exists"):
        cv.convert(sales.Transaction, [DRILL], out, mode="error")
    assert out.read_bytes() == b"old"
    res = cv.convert(sales.Transaction, [DRILL], out)  # overwrite is the default for a file
    assert res.rows == 5 and pq.read_table(out).num_rows == 5


def test_bad_options_leave_nothing_behind(sales: Any, tmp_path: Path) -> None:
    for kwargs in ({"unknown_fields": "drop"}, {"compression": "zip"}):
        with pytest.raises(schemagen.UsageError):
            cv.convert(sales.Transaction, [DRILL], tmp_path / "ds", rejects=tmp_path / "r.jsonl",
                       **kwargs)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name, fmt", [("x.csv", "csv"), ("x.json", "json")])
def test_not_utf8_text_is_usage_error(flat: Any, tmp_path: Path, name: str, fmt: str) -> None:
    src = tmp_path / name
    src.write_bytes(b'[{"i": 1, "s": "\xff\xfe"}]' if fmt == "json" else b"i,s\n1,\xff\n")
    with pytest.raises(InputError, match="not UTF-8"):
        cv.convert(flat, [src], tmp_path / "o.parquet", input_format=fmt)
    assert not (tmp_path / "o.parquet").exists()


_RSS_SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[3])
from schemagen.cli.commands.convert import record_class
from schemagen.convert import convert
row = open(sys.argv[4]).readline()
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(row)
cls = record_class([sys.argv[5]], "Transaction")
res = convert(cls, [sys.argv[1]], sys.argv[1] + ".out", chunk_bytes=1 << 20,
              block_size=2 << 20)
# VmHWM, not ru_maxrss: ru_maxrss survives exec, so it would report the (bigger) pytest
# process this one was forked from, and the test could never fail
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(res.rows, len(res.files), int(hwm.split()[1]))
"""


def test_memory_does_not_grow_with_input_size(tmp_path: Path) -> None:
    import subprocess
    import sys

    def peak(n: int) -> tuple[int, int]:
        proc = subprocess.run(
            [sys.executable, "-c", _RSS_SCRIPT, str(tmp_path / f"in{n}.jsonl"), str(n), str(REPO),
             str(DRILL), SALES], capture_output=True, text=True, check=True, timeout=120)
        rows, files, rss_kib = map(int, proc.stdout.split())
        assert rows == n
        return files, rss_kib

    files_small, small = peak(80_000)  # ~25 MB of JSON (past the warm-up of pools and buffers)
    files_big, big = peak(640_000)  # ~200 MB of JSON
    assert files_big > files_small >= 1
    # KiB: the peaks differ by +-10 MiB from run to run (thread timing, malloc arenas) and
    # level off by ~300k rows; keeping even a fifth of the 175 MB more input would show
    assert big - small < 40 * 1024, (small, big)


def test_rejects_never_replaces_an_input_or_the_output(sales: Any, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(DRILL.read_text())
    before = src.read_bytes()
    for out, rejects, message in [
            (tmp_path / "o.parquet", src, "is also an input file"),
            (tmp_path / "o.parquet", tmp_path / "o.parquet", "is also the --out path"),
            (tmp_path / "ds", tmp_path / "ds" / "rej.jsonl", "inside the dataset folder"),
            (src, None, "is also an input file")]:
        with pytest.raises(schemagen.UsageError, match=message):
            cv.convert(sales.Transaction, [src], out, rejects=rejects, input_format="jsonl")
    assert src.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_csv_and_json_array_progress_counts_bytes(flat: Any, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("\ufeffi,s\n" + "".join(f'{i},"é€ {i}\n😀"\n' for i in range(3000)),
                   encoding="utf-8")
    seen: list[int] = []
    res = cv.convert(flat, [src], tmp_path / "o.parquet", progress=seen.append,
                     chunk_bytes=16 * 1024)
    assert res.rows == 3000 and len(seen) > 3
    assert sum(seen) == src.stat().st_size and all(n >= 0 for n in seen)
    src = tmp_path / "in.json"
    src.write_text("\ufeff[" + ",\n".join(f'{{"i": {i}, "s": "é€ {i}😀"}}' for i in range(3000))
                   + "]", encoding="utf-8")
    seen.clear()
    res = cv.convert(flat, [src], tmp_path / "o.parquet", progress=seen.append,
                     chunk_bytes=16 * 1024)
    assert res.rows == 3000 and len(seen) > 3
    assert sum(seen) == src.stat().st_size and all(n >= 0 for n in seen)


@pytest.mark.parametrize("name, encoding", [("a.jsonl", "utf-16"), ("a.csv", "utf-16-be"),
                                            ("a.json", "utf-32")])
def test_utf16_and_utf32_inputs_are_usage_errors(kitchen: Any, tmp_path: Path, name: str,
                                                  encoding: str) -> None:
    tmp_path = tmp_path / "w"
    tmp_path.mkdir()
    src = tmp_path / name
    text = "id\n1\n" if name.endswith(".csv") else '{"id": 1}\n'
    src.write_bytes(("\ufeff" if encoding.endswith("-be") else "").encode(encoding)
                    + text.encode(encoding))
    with pytest.raises(InputError, match=f"{encoding[:6].upper()} text"):
        cv.convert(kitchen, [src], tmp_path / "o.parquet", rejects=tmp_path / "r.jsonl")
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]



def test_convert_engine_writes_the_profile(tmp_path: Path, sales: Any, capsys: Any) -> None:
    out = tmp_path / "spark"
    code = main(["convert", str(DRILL), "--schema", SALES, "--record", "Transaction",
                 "--out", str(out), "--engine", "spark", "-q"])
    assert code == 0
    (f,) = out.rglob("*.parquet")
    schema = pq.read_schema(f)
    assert schema.metadata[b"schemagen.engine"] == b"spark"
    assert schema.field("time").type == pa.int32()  # TIME(MILLIS) is refused by Spark
    recs = list(schemagen.read(sales.Transaction, out))
    assert recs[0].time == dt.time(4, 56, 59)
    assert main(["convert", str(DRILL), "--schema", SALES, "--record", "Transaction",
                 "--out", str(tmp_path / "x"), "--engine", "spark3"]) == 2
    assert "unknown engine 'spark3'; expected one of any, spark" in capsys.readouterr().err


def _tree(root: Path) -> list[str]:
    """Every path under ``root`` (hidden temporary files too), relative."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("out, rejects, message", [
    ("o.parquet", "rejdir", "--rejects {t}/rejdir is a folder; give a file name"),
    ("dsdir.parquet", None, "--out {t}/dsdir.parquet is a folder; give a file name"),
    ("afile", None, "--out {t}/afile is a file, not a dataset folder (a .parquet name "
                      "writes one file)"),
    ("o.parquet", "afile/r.jsonl", "--rejects {t}/afile/r.jsonl: cannot create it, {t}/afile "
                                   "is a file"),
    ("afile/deeper/o.parquet", None, "--out {t}/afile/deeper/o.parquet: cannot create it, "
                                     "{t}/afile is a file"),
    ("afile/ds", "r.jsonl", "--out {t}/afile/ds: cannot create it, {t}/afile is a file"),
])
def test_bad_output_paths_exit_2_before_anything_is_read_or_written(
        tmp_path: Path, capsys: Any, out: str, rejects: str | None, message: str) -> None:
    # --rejects naming a folder used to be found only at the end: the output was already
    # committed and the rejects' temporary file was left in the folder
    (tmp_path / "rejdir").mkdir()
    (tmp_path / "dsdir.parquet").mkdir()
    (tmp_path / "afile").write_text("x")
    src = write_jsonl(tmp_path / "in.jsonl", ['{"trans_id": 1}'])
    before = _tree(tmp_path)
    extra = ["--rejects", str(tmp_path / rejects)] if rejects else []
    code = main(["convert", str(src), "--schema", SALES, "--record", "Transaction",
                 "--out", str(tmp_path / out), *extra])
    assert code == 2
    assert capsys.readouterr().err == f"schemagen: error: {message.format(t=tmp_path)}\n"
    assert _tree(tmp_path) == before


def test_rejects_folder_in_a_real_run_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "conv").mkdir()
    proc = subprocess.run([sys.executable, "-m", "schemagen", "convert", str(DRILL), "--schema",
                           SALES, "--record", "Transaction", "--out", "o.parquet",
                           "--rejects", "conv"], cwd=tmp_path, capture_output=True, text=True,
                          check=False, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr == "schemagen: error: --rejects conv is a folder; give a file name\n"
    assert _tree(tmp_path) == ["conv"]


def test_rejects_file_that_cannot_be_committed_leaves_no_temp(sales: Any, tmp_path: Path) -> None:
    # the rejects path turns into a folder while the input is read: the commit fails, the
    # error says the rejected rows were not kept, and no temporary file stays behind
    src = write_jsonl(tmp_path / "in.jsonl", ['{"trans_id": 1}'])
    rej = tmp_path / "r.jsonl"

    def progress(n: int) -> None:
        rej.mkdir(exist_ok=True)

    with pytest.raises(schemagen.UsageError) as e:
        cv.convert(sales.Transaction, [src], tmp_path / "o.parquet", rejects=rej,
                   progress=progress)
    assert str(e.value).startswith(f"cannot write the rejects file {rej}: ")
    assert str(e.value).endswith("; 1 rejected row not kept")
    assert _tree(tmp_path) == ["in.jsonl", "o.parquet", "r.jsonl"]
