"""Record-level activity → the fund's metrics, the same way everywhere.

generate (synthetic records) → validate (data-quality report) → link (keyed pseudonyms replace NHS
numbers) → metrics (definitions written once, run on DuckDB or Spark).
"""
