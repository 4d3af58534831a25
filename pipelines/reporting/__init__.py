"""Reports written from the marts (Python presents; the figures and their rules are dbt's)."""
