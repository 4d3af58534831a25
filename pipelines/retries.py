"""Retry policies for the steps that can fail for a moment and then work.

Ingestion reads files from a share that an office may still be writing or that is briefly
unreachable: retry twice, 10 s then 20 s. dbt gets no retry: a failed model or blocking test
is deterministic, a retry would only repeat the same `dbt build` (and its check results) and
delay the alert.
"""

from dagster import Backoff, Jitter, RetryPolicy

INGESTION_RETRY = RetryPolicy(max_retries=2, delay=10, backoff=Backoff.EXPONENTIAL, jitter=Jitter.PLUS_MINUS)
