"""Apache Drill's Parquet example, reproduced with `schemagen convert` and DuckDB.

Drill's documentation converts sample transactions (JSON) to Parquet with a CTAS::

    CREATE TABLE dfs.tmp.sampleparquet AS
      (SELECT trans_id, cast(`date` AS date) transdate, cast(`time` AS time) transtime,
              cast(amount AS double) amountm, user_info, marketing_info, trans_info
       FROM dfs.`/Users/drilluser/sample.json`);

and queries it::

    SELECT extract(year from transdate) AS `Year`, t.user_info.cust_id AS Customer
    FROM dfs.tmp.`sampleparquet` t;

Here the schema says the types once (`schemas/avro/sales.avsc`: `date` is a date,
`time` a time-millis, `purch_flag` a boolean although the JSON has "false"), so
no casts are written in SQL.  Run from the repository root::

    python examples/drill_example.py [--out out/drill]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

try:
    import duckdb
except ImportError:  # pragma: no cover - duckdb comes with the test extras
    sys.exit("this example queries the result with DuckDB: pip install -e '.[test]' (or duckdb)")

from schemagen.cli.main import main as schemagen_main  # noqa: E402

# Drill's CTAS names the columns transdate/transtime/amountm: a view gives the same names
VIEW = """
CREATE VIEW sampleparquet AS
SELECT trans_id, "date" AS transdate, "time" AS transtime, amount AS amountm,
       user_info, marketing_info, trans_info
FROM read_parquet('{path}')
"""
# Drill's query, as written in its documentation
QUERY = 'SELECT extract(year from transdate) AS "Year", t.user_info.cust_id AS Customer ' \
        "FROM sampleparquet t"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "out" / "drill"), help="output folder")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    parquet = out / "sampleparquet.parquet"
    # the CTAS: `schemagen convert sample.json --schema ... --record Transaction --out ...`
    code = schemagen_main([
        "convert", str(ROOT / "examples" / "drill" / "transactions.json"),
        "--schema", str(ROOT / "schemas" / "avro" / "sales.avsc"),
        "--record", "Transaction", "--out", str(parquet),
        "--rejects", str(out / "rejects.jsonl"),
    ])
    if code != 0:
        return code
    con = duckdb.connect()
    con.execute(VIEW.format(path=parquet))
    print(con.sql("SELECT * FROM sampleparquet"))
    print(QUERY)
    print(con.sql(QUERY))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
