-- dialect: drill
-- The sample transaction from Apache Drill's Parquet documentation (the same record as
-- schemas/avro/sales.avsc), as a SQL table in namespace example.sql.
CREATE TABLE example.sql.`transaction` (
  trans_id BIGINT NOT NULL COMMENT 'Transaction id.',
  `date` DATE NOT NULL COMMENT 'Day of the sale.',
  `time` TIME NOT NULL COMMENT 'Time of day of the sale.',
  amount DOUBLE NOT NULL COMMENT 'Amount paid.',
  user_info STRUCT<
    cust_id BIGINT NOT NULL,
    device VARCHAR NOT NULL,
    state VARCHAR NOT NULL
  > NOT NULL COMMENT 'Who bought.',
  marketing_info STRUCT<
    camp_id BIGINT NOT NULL,
    keywords ARRAY<VARCHAR> NOT NULL
  > NOT NULL COMMENT 'Campaign that led to the sale.',
  trans_info STRUCT<
    prod_id ARRAY<BIGINT> NOT NULL,
    purch_flag BOOLEAN NOT NULL
  > NOT NULL COMMENT 'What was bought.'
) COMMENT 'A sales transaction: the sample record from Apache Drill''s Parquet documentation.';
