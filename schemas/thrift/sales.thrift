/**
 * Apache Drill's sample transaction (the record of its Parquet documentation), as Thrift.
 *
 * Thrift has no date or time types: like Drill's JSON sample, the date and the time
 * of day are ISO 8601 strings.
 */
namespace py example.thrift.sales
namespace java org.example.thrift.sales

/** A sales transaction: the sample record from Apache Drill's Parquet documentation. */
struct Transaction {
  /** Transaction id. */
  1: required i64 trans_id
  /** Day of the sale (ISO 8601, e.g. "2013-07-26"). */
  2: required string date
  /** Time of day of the sale (e.g. "04:56:59"). */
  3: required string time
  /** Amount paid. */
  4: required double amount
  /** Who bought. */
  5: required UserInfo user_info
  /** Campaign that led to the sale. */
  6: required MarketingInfo marketing_info
  /** What was bought. */
  7: required TransInfo trans_info
}

struct UserInfo {
  1: required i64 cust_id
  2: required string device
  3: required string state
}

struct MarketingInfo {
  1: required i64 camp_id
  2: required list<string> keywords
}

struct TransInfo {
  1: required list<i64> prod_id
  2: required bool purch_flag
}
