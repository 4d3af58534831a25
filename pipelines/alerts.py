"""Alerts for runs nobody is watching: a row in the operations store, a log line, and
optionally a webhook POST or an e-mail.

Nothing is sent anywhere unless configured:
  GHG_ALERT_WEBHOOK   an http(s) URL; receives a JSON POST {"text", "run_id", "job", ...}
  GHG_ALERT_EMAIL     one or more addresses (comma separated); sent through GHG_SMTP_HOST
                      (default localhost), GHG_SMTP_PORT (default 25), from GHG_ALERT_FROM
Sending is best effort: a failure to notify is logged and recorded, never raised, so an
unreachable mail server cannot hide the alert row itself.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import smtplib
import urllib.request
from email.message import EmailMessage
from pathlib import Path

import polars as pl

from pipelines import ops_store

log = logging.getLogger("ghg.alerts")

ALERTS_TABLE = "alerts"


def _send_webhook(url: str, payload: dict) -> None:
    if not url.startswith(("https://", "http://")):
        raise ValueError("GHG_ALERT_WEBHOOK must be an http(s) URL")
    request = urllib.request.Request(
        url, data=json.dumps(payload, ensure_ascii=False).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310 (scheme checked above)
        pass


def _send_email(recipients: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = os.environ.get("GHG_ALERT_FROM", "ghg-platform@localhost")
    message["To"] = recipients
    message.set_content(body)
    host = os.environ.get("GHG_SMTP_HOST", "localhost")
    port = int(os.environ.get("GHG_SMTP_PORT", "25"))
    with smtplib.SMTP(host, port, timeout=10) as smtp:
        smtp.send_message(message)


def notify(subject: str, body: str, payload: dict) -> list[str]:
    """Send to the configured channels; returns what was sent or why not (never raises)."""
    outcomes = []
    webhook = os.environ.get("GHG_ALERT_WEBHOOK", "").strip()
    if webhook:
        try:
            _send_webhook(webhook, {"text": f"{subject}\n{body}", **payload})
            outcomes.append("webhook: sent")
        except Exception as error:  # best effort: the alert row is what counts
            outcomes.append(f"webhook: not sent ({type(error).__name__}: {error})")
    email = os.environ.get("GHG_ALERT_EMAIL", "").strip()
    if email:
        try:
            _send_email(email, subject, body)
            outcomes.append("email: sent")
        except Exception as error:
            outcomes.append(f"email: not sent ({type(error).__name__}: {error})")
    for outcome in outcomes:
        log.info("alert %s", outcome)
    return outcomes


def record_alert(
    run_id: str,
    job_name: str,
    message: str,
    failed_steps: list[str] | None = None,
    kind: str = "run_failure",
    store: Path | None = None,
) -> dict:
    """Append one alert to ops.alerts, log it and send it to the configured channels."""
    raised_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    steps = ", ".join(failed_steps or [])
    subject = f"[ghg] {job_name} run {run_id} failed" if kind == "run_failure" else f"[ghg] {kind}: {job_name}"
    body = f"{message}\nfailed steps: {steps or '-'}\nThe published warehouse was left as it was."
    log.error("%s: %s (failed steps: %s)", subject, message, steps or "-")
    outcomes = notify(subject, body, {"run_id": run_id, "job": job_name, "kind": kind, "failed_steps": steps})
    row = {
        "raised_at_utc": raised_at,
        "kind": kind,
        "run_id": run_id,
        "job_name": job_name,
        "failed_steps": steps,
        "message": message[:4000],
        "notified": "; ".join(outcomes) or "not configured",
    }
    ops_store.append(ALERTS_TABLE, pl.DataFrame([row]), store=store)
    return row
