"""Readers for the three source families: files in the inbox → raw tables and a quarantine.

One module per family (enterprise_reports, energy_statistics, exchange_prices), each a set of
pure functions from a path to a ReadResult; common holds what they share (decoding, parsing,
units, checks), vocab the names offices write, schemas the raw tables' columns.
"""
