"""Readers for the three source families: files in the inbox → raw tables and a quarantine.

The registry is families.py (families.FAMILIES: each family's folders, reader and raw tables,
declared in catalog.py). Each family has a module that is its entry point, a set of pure
functions from a path to a ReadResult:

  enterprise_reports   enterprise_reports.py (export CSV: enterprise_export.py, template workbooks:
                       enterprise_workbooks.py, both parsed and checked by enterprise_lines.py,
                       re-deliveries resolved by deliveries.py), allocations.py (its family
                       reader) and mrv.py (verifier tasks, captive power plants)
  energy_statistics    energy_statistics.py (energy_balance.py, activity_statistics.py,
                       department_indicators.py)
  exchange_prices      exchange_prices.py

What the readers share, from the bottom up: schemas.py (the raw tables' columns), files.py
(finding and decoding files), text.py (header and name matching), vocab.py (the names offices
write), values.py (cells → numbers, years, dates, codes), units.py (the unit table), checks.py
(one function per rule, apply_checks, quarantine rows), results.py (ReadResult, FileRead),
csv_cells.py (a CSV as strings, and its damage), excel.py (workbooks, formulas without a saved
value, headers over two rows).
"""
