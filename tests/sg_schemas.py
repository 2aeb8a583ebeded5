"""Schema texts shared by several test modules (the codegen checks compile them all)."""

ALL_TYPES = r"""
{"type": "record", "name": "AllTypes", "namespace": "rt.all", "doc": "Every Avro type.",
 "fields": [
  {"name": "b", "type": "boolean"},
  {"name": "i", "type": "int"},
  {"name": "lg", "type": "long"},
  {"name": "f", "type": "float"},
  {"name": "d", "type": "double"},
  {"name": "s", "type": "string"},
  {"name": "by", "type": "bytes"},
  {"name": "n", "type": "null"},
  {"name": "suit", "type": {"type": "enum", "name": "Suit",
     "symbols": ["SPADES", "HEARTS", "DIAMONDS", "CLUBS"]}},
  {"name": "fx", "type": {"type": "fixed", "name": "Four", "size": 4}},
  {"name": "strs", "type": {"type": "array", "items": "string"}},
  {"name": "longs", "type": {"type": "array", "items": "long"}},
  {"name": "counts", "type": {"type": "map", "values": "long"}},
  {"name": "inner", "type": {"type": "record", "name": "Inner", "fields": [
      {"name": "a", "type": "int"},
      {"name": "note", "type": ["null", "string"]},
      {"name": "leaf", "type": {"type": "record", "name": "Leaf", "fields": [
          {"name": "v", "type": "double"}]}}]}},
  {"name": "opt_s", "type": ["null", "string"]},
  {"name": "s_opt", "type": ["string", "null"]},
  {"name": "opt_inner", "type": ["null", "Inner"]},
  {"name": "u", "type": ["int", "string", "Inner"]},
  {"name": "opt_u", "type": ["null", "long", "string"]},
  {"name": "dec9", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
  {"name": "dec18", "type": {"type": "bytes", "logicalType": "decimal", "precision": 18, "scale": 4}},
  {"name": "dec30", "type": {"type": "bytes", "logicalType": "decimal", "precision": 30, "scale": 5}},
  {"name": "decfx", "type": {"type": "fixed", "name": "Money", "size": 16,
     "logicalType": "decimal", "precision": 38, "scale": 10}},
  {"name": "decfx8", "type": {"type": "fixed", "name": "Small", "size": 4,
     "logicalType": "decimal", "precision": 9, "scale": 3}},
  {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
  {"name": "day", "type": {"type": "int", "logicalType": "date"}},
  {"name": "t_ms", "type": {"type": "int", "logicalType": "time-millis"}},
  {"name": "t_us", "type": {"type": "long", "logicalType": "time-micros"}},
  {"name": "ts_ms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
  {"name": "ts_us", "type": {"type": "long", "logicalType": "timestamp-micros"}},
  {"name": "ts_ns", "type": {"type": "long", "logicalType": "timestamp-nanos"}},
  {"name": "lts_ms", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
  {"name": "lts_us", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
  {"name": "lts_ns", "type": {"type": "long", "logicalType": "local-timestamp-nanos"}},
  {"name": "wait", "type": {"type": "fixed", "name": "Wait", "size": 12, "logicalType": "duration"}},
  {"name": "opt_items", "type": {"type": "array", "items": ["null", "long"]}},
  {"name": "opt_values", "type": {"type": "map", "values": ["null", "string"]}},
  {"name": "recs", "type": {"type": "array", "items": "Inner"}},
  {"name": "rec_map", "type": {"type": "map", "values": ["null", "Inner"]}},
  {"name": "grid", "type": {"type": "array", "items": {"type": "array", "items": "string"}}},
  {"name": "opt_list", "type": ["null", {"type": "array", "items": "long"}]},
  {"name": "opt_map", "type": ["null", {"type": "map", "values": "long"}]},
  {"name": "opt_suit", "type": ["null", "Suit"]},
  {"name": "opt_day", "type": ["null", {"type": "int", "logicalType": "date"}]},
  {"name": "opt_ts", "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}]},
  {"name": "opt_dec", "type": ["null", {"type": "bytes", "logicalType": "decimal",
                                         "precision": 12, "scale": 3}]},
  {"name": "opt_id", "type": ["null", {"type": "string", "logicalType": "uuid"}]},
  {"name": "deep", "type": ["null", {"type": "record", "name": "Deep", "fields": [
      {"name": "inner", "type": ["null", "Inner"]},
      {"name": "tags", "type": {"type": "array", "items": ["null", "string"]}},
      {"name": "lists", "type": {"type": "array", "items": ["null",
          {"type": "array", "items": ["null", "Leaf"]}]}}]}]}
 ]}
"""

PROPS = r"""
[
 {"type": "enum", "name": "Suit", "namespace": "props", "symbols": ["S", "H", "D", "C"]},
 {"type": "record", "name": "Leaf", "namespace": "props", "fields": [
   {"name": "v", "type": "string"}, {"name": "w", "type": ["null", "bytes"]}]},
 {"type": "record", "name": "Child", "namespace": "props", "fields": [
   {"name": "a", "type": "int"},
   {"name": "b", "type": {"type": "array", "items": "long"}},
   {"name": "c", "type": ["null", "Leaf"]}]},
 {"type": "record", "name": "Props", "namespace": "props", "fields": [
   {"name": "id", "type": "long"},
   {"name": "opt_i", "type": ["null", "int"]},
   {"name": "name", "type": ["string", "null"]},
   {"name": "f32", "type": "float"},
   {"name": "flag", "type": "boolean"},
   {"name": "tags", "type": {"type": "array", "items": ["null", "string"]}},
   {"name": "scores", "type": {"type": "map", "values": ["null", "double"]}},
   {"name": "child", "type": ["null", "Child"]},
   {"name": "children", "type": {"type": "array", "items": "Child"}},
   {"name": "u", "type": ["null", "long", "string", "Child"]},
   {"name": "nu", "type": ["boolean", "double", "Suit"]},
   {"name": "suit", "type": "Suit"},
   {"name": "opt_suit", "type": ["null", "Suit"]},
   {"name": "when", "type": {"type": "long", "logicalType": "timestamp-millis"}},
   {"name": "when_ns", "type": ["null", {"type": "long", "logicalType": "timestamp-nanos"}]},
   {"name": "local", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
   {"name": "day", "type": ["null", {"type": "int", "logicalType": "date"}]},
   {"name": "t", "type": {"type": "long", "logicalType": "time-micros"}},
   {"name": "t_ms", "type": {"type": "int", "logicalType": "time-millis"}},
   {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
   {"name": "small", "type": {"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 4}},
   {"name": "big", "type": {"type": "fixed", "name": "Big", "size": 16, "logicalType": "decimal",
                            "precision": 38, "scale": 9}},
   {"name": "nested", "type": {"type": "array", "items": {"type": "map", "values":
       {"type": "array", "items": ["null", "int"]}}}},
   {"name": "grid", "type": ["null", {"type": "array", "items": {"type": "array", "items": "Leaf"}}]},
   {"name": "uid", "type": {"type": "string", "logicalType": "uuid"}},
   {"name": "wait", "type": {"type": "fixed", "name": "Wait", "size": 12, "logicalType": "duration"}},
   {"name": "fx", "type": {"type": "fixed", "name": "Three", "size": 3}},
   {"name": "raw", "type": "bytes"},
   {"name": "nothing", "type": "null"}
 ]}
]
"""

WRITER_ERRORS = r"""
[
 {"type": "record", "name": "User", "namespace": "errs", "fields": [
   {"name": "cust_id", "type": "long"}, {"name": "device", "type": "string"}]},
 {"type": "record", "name": "Other", "namespace": "errs", "fields": [
   {"name": "cust_id", "type": "long"}, {"name": "device", "type": "string"}]},
 {"type": "record", "name": "Row", "namespace": "errs", "fields": [
   {"name": "id", "type": "long"},
   {"name": "small", "type": "int"},
   {"name": "amount", "type": "double"},
   {"name": "ratio", "type": "float"},
   {"name": "name", "type": "string"},
   {"name": "raw", "type": "bytes"},
   {"name": "flag", "type": "boolean"},
   {"name": "user", "type": "User"},
   {"name": "opt_user", "type": ["null", "User"]},
   {"name": "users", "type": {"type": "array", "items": "User"}},
   {"name": "tags", "type": {"type": "array", "items": "string"}},
   {"name": "ids", "type": {"type": "array", "items": "long"}},
   {"name": "m", "type": {"type": "map", "values": "long"}},
   {"name": "suit", "type": {"type": "enum", "name": "Suit", "symbols": ["SPADES", "HEARTS"]}},
   {"name": "fx", "type": {"type": "fixed", "name": "Four", "size": 4}},
   {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
   {"name": "big", "type": {"type": "fixed", "name": "Money", "size": 16, "logicalType": "decimal",
                            "precision": 38, "scale": 10}},
   {"name": "day", "type": {"type": "int", "logicalType": "date"}},
   {"name": "t_ms", "type": {"type": "int", "logicalType": "time-millis"}},
   {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
   {"name": "at_ns", "type": {"type": "long", "logicalType": "timestamp-nanos"}},
   {"name": "local", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
   {"name": "choice", "type": ["int", "string", "User"]},
   {"name": "maybe", "type": ["null", "boolean", "double"]},
   {"name": "uid", "type": {"type": "string", "logicalType": "uuid"}},
   {"name": "wait", "type": {"type": "fixed", "name": "Wait", "size": 12, "logicalType": "duration"}},
   {"name": "nothing", "type": "null"}
 ]}
]
"""

UNIONS = r"""
{"type": "record", "name": "U", "namespace": "unions", "fields": [
  {"name": "dl", "type": ["double", "long"], "default": 0.0},
  {"name": "il", "type": ["int", "long"], "default": 0},
  {"name": "fd", "type": ["float", "double"], "default": 0.0},
  {"name": "dd", "type": [{"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2},
                          {"type": "fixed", "name": "M", "size": 16, "logicalType": "decimal",
                           "precision": 38, "scale": 10}],
   "default": "\u0000"},
  {"name": "ok", "type": ["long", "double", "string"], "default": 0}
]}
"""
