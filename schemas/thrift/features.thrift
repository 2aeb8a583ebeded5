/**
 * Every Thrift feature schemagen supports, in one schema (see the README, "Thrift").
 * Recursive structs are in the tests (tests/test_frontend_thrift.py): Parquet cannot store
 * them, and every record under schemas/ is meant to be writable.
 */
namespace py example.thrift.features
namespace * example.thrift.ignored_because_py_wins
namespace java org.example.thrift.features (java.generated = "true")
namespace cpp example.features
cpp_include "<unordered_map>"
include "common/types.thrift"

// ------------------------------------------------------------------ typedefs

/** An identifier. */
typedef i64 Id
/** A typedef of a typedef: the chain is kept in the field's metadata. */
typedef Id AccountId
typedef list<string> (cpp.template = "std::vector") Tags
typedef map<string, types.Money> Prices
typedef types.Point Location

// ------------------------------------------------------------------ enums

/** Size of a thing. */
enum Size {
  /** The smallest. */
  SMALL = 1,
  /** Implicit value: 2. */
  MEDIUM,
  LARGE = 10 (java.note = "a jump"),
  HUGE
} (py.note = "an enum annotation")

/** Symbols that are keywords or constants in Python. */
enum Reserved {
  None,
  True,
  False,
  class,
  name
}

// ------------------------------------------------------------------ records

/** A circle. */
struct Circle {
  1: required double radius
}

struct Rect {
  1: required double width
  2: required double height
}

/** One of several shapes: at most one member is set. */
union Shape {
  1: Circle circle
  2: Rect rect
  /** A shape known by name. */
  3: string named
  4: list<types.Point> polygon
}

/** Every kind of field. */
struct AllFields {
  /** A required bool. */
  1: required bool flag
  2: required byte tiny
  3: required i8 small = -128
  4: required i16 short_num = 32767
  5: required i32 num = 42
  6: required i64 big
  7: required double ratio = 1
  8: required string text (max.length = "100")
  9: required binary blob = "raw\\bytes"
  10: required uuid id
  11: optional Size size = Size.MEDIUM
  12: optional list<string> names
  13: set<i32> numbers = [3, 1, 2]
  14: map<string, double (precision = "low")> weights = {"a": 1.5}
  15: list<list<i64>> matrix
  16: map<Size, list<types.Point>> by_size
  17: set<set<string>> groups
  /** Keys Python cannot hash: a list of (key, value) pairs. */
  18: map<types.Point, string> labels
  /** Items Python cannot hash: a list. */
  19: set<types.Point> points
  20: optional Tags tags
  21: AccountId account = ADMIN
  22: Prices prices
  23: optional Location location = ORIGIN
  24: optional Shape shape
  25: Reserved reserved = Reserved.None
  26: string quoted = "say \"hi\"\n\ttab's"
  27: bool off = false
  28: uuid fixed_id = '00000000-4444-CCCC-ffff-0123456789ab'
  29: types.Money price = {"units": 1999}
} (cpp.type = "AllFields", python.immutable = "")

/** Field and type names that are keywords in Python or in Thrift. */
struct Keywords {
  1: string class
  2: string from
  3: i32 type
  4: string list
  5: string struct
  6: string self
  7: string print
  8: bool required
  9: string namespace
  10: string __init__
  11: string async
  12: string lambda
  13: string Keywords
  14: string _sg_x
}

/** Thrown by the inventory service. */
exception NotFound {
  1: required string what
  2: optional i32 code = 404
}

// ------------------------------------------------------------------ constants

const bool YES = true
const byte MINUS_EIGHT = -8
const i8 I8_MAX = 127
const i16 I16_MIN = -32768
const i32 I32_MAX = 0x7fffffff
const i64 I64_MIN = -9223372036854775808
const double PI = 3.14159
const double AVOGADRO = 6.02214076e23
/** A string with escapes. */
const string GREETING = "hello \"world\"\n"
const binary MAGIC = 'PK'
const uuid SOME_ID = '{00112233-4455-6677-8899-aaBBccDDeeFF}'
const list<i32> PRIMES = [2, 3, 5, 7]
const set<string> COLORS = ["red", "green", "red"]
const map<string, i64> LIMITS = {"small": 10, "large": I64_MIN}
const map<Size, string> SIZE_NAMES = {Size.SMALL: "s", Size.LARGE: "l"}
const Size DEFAULT_SIZE = Size.MEDIUM
const i32 LARGE_VALUE = Size.LARGE
const AccountId ADMIN = 1
const i32 COMMON_VERSION = types.VERSION
const Location ORIGIN = {"x": 0.0, "y": 0.0}
const list<types.Point> TRIANGLE = [{"x": 0, "y": 0}, {"x": 1, "y": 0}, {"x": 0, "y": 1}]
const types.Money TEN_YEN = {"units": 10, "currency": types.Currency.JPY}
const Shape UNIT_CIRCLE = {"circle": {"radius": 1.0}}
const AllFields EXAMPLE = {"flag": true, "tiny": 1, "big": 2, "text": "t", "id": '00000000-0000-0000-0000-000000000001'}

// ------------------------------------------------------------------ services (ignored)

/** Services are parsed and ignored. */
service Inventory extends types.Base {
  /** Look something up. */
  AllFields lookup(1: Id id, 2: optional Size size = Size.SMALL) throws (1: NotFound missing),
  oneway void ping(),
  void update(1: AllFields e) (http.method = "PUT")
} (service.annotation = "yes")
