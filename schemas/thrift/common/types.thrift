/** Types shared by the other Thrift schemas (included from another folder). */
namespace py example.thrift.common

/** A point in the plane. */
struct Point {
  1: required double x
  2: required double y
}

/** ISO 4217 currencies, with their numeric codes. */
enum Currency {
  EUR = 978,
  USD = 840,
  JPY = 392
}

/** An amount of money in minor units. */
struct Money {
  1: required i64 units
  2: required Currency currency = Currency.EUR
}

const i32 VERSION = 2

service Base {
  void hello()
}
