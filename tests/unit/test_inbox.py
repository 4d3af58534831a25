"""No launch path reads a file that is still being written (pipelines/inbox.py)."""

from __future__ import annotations

import dataclasses
import os
import time

import pytest

from pipelines import inbox
from pipelines.assets import ingestion


class FakeClock:
    """time.time and time.sleep for the settle loop, without waiting for real."""

    def __init__(self, start: float) -> None:
        self.now = start
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _write(path, text: str, mtime: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))


def test_an_old_inbox_is_read_at_once(tmp_path):
    now = time.time()
    _write(tmp_path / "exchange_prices" / "a.csv", "x\n", now - 3600)
    clock = FakeClock(now)
    snapshot = inbox.wait_until_settled(tmp_path, "exchange_prices", settle=30, max_wait=600, clock=clock.time, sleep=clock.sleep)
    assert list(snapshot) == ["exchange_prices/a.csv"] and clock.slept == []


def test_a_file_modified_just_now_is_waited_for(tmp_path):
    now = time.time()
    _write(tmp_path / "exchange_prices" / "a.csv", "x\n", now - 5)
    clock = FakeClock(now)
    messages = []
    inbox.wait_until_settled(tmp_path, "exchange_prices", settle=30, max_wait=600, clock=clock.time, sleep=clock.sleep,
                             log=messages.append)
    assert sum(clock.slept) >= 25 - 1e-6  # until 30 s after its last change
    assert messages and "a.csv" in messages[0]


def test_a_file_still_growing_after_the_longest_wait_stops_the_read(tmp_path):
    path = tmp_path / "energy_statistics" / "energy_balance" / "b.xlsx"
    clock = FakeClock(time.time())

    def sleep_while_the_copy_goes_on(seconds: float) -> None:  # the file keeps changing
        clock.sleep(seconds)
        _write(path, "more" * int(clock.now % 97), clock.now)

    _write(path, "start", clock.now)
    with pytest.raises(inbox.InboxNotSettled, match="b.xlsx"):
        inbox.wait_until_settled(tmp_path, "energy_statistics", settle=30, max_wait=120, clock=clock.time,
                                 sleep=sleep_while_the_copy_goes_on)


def test_a_future_modification_time_settles_once_the_file_stays_the_same(tmp_path):
    """A share whose clock runs ahead: the file's time is an hour in the future. Its age says
    nothing, so it is watched for the settle time; unchanged, it is read."""
    now = time.time()
    _write(tmp_path / "exchange_prices" / "a.csv", "x\n", now + 3600)
    clock = FakeClock(now)
    inbox.wait_until_settled(tmp_path, "exchange_prices", settle=30, max_wait=600, clock=clock.time, sleep=clock.sleep)
    assert 30 - 1e-6 <= sum(clock.slept) <= 35
    # With no settle time (tests, or an office that turns the wait off) nothing waits at all.
    assert inbox.wait_until_settled(tmp_path, "exchange_prices", settle=0, max_wait=0) == inbox.snapshot(tmp_path, "exchange_prices")


def test_partial_copies_and_office_lock_files_are_not_inputs(tmp_path):
    now = time.time()
    for name in ("a.csv.part", "~$b.xlsx", ".hidden.csv", "c.crdownload"):
        _write(tmp_path / "exchange_prices" / name, "x", now)
    assert inbox.wait_until_settled(tmp_path, "exchange_prices", settle=30, max_wait=0) == {}


def test_changed_since_names_new_changed_and_vanished_files(tmp_path):
    old = time.time() - 3600
    _write(tmp_path / "f" / "a.csv", "a", old)
    _write(tmp_path / "f" / "b.csv", "b", old)
    before = inbox.snapshot(tmp_path, "f")
    (tmp_path / "f" / "a.csv").write_text("a, and more", encoding="utf-8")
    (tmp_path / "f" / "b.csv").unlink()
    _write(tmp_path / "f" / "c.csv", "c", old)
    assert inbox.changed_since(before, tmp_path, "f") == ["f/a.csv", "f/b.csv", "f/c.csv"]


def test_a_file_that_changes_while_it_is_read_throws_the_read_away(tmp_path, monkeypatch):
    """The ingestion step's read: a balance workbook overwritten half-way → InboxChanged (the
    step's retry policy reads again), never a result built from half a file."""
    _write(tmp_path / "exchange_prices" / "a.csv", "x\n", time.time() - 3600)
    family = ingestion.FAMILIES["exchange_prices"]

    def reader_while_the_file_is_replaced(inbox_dir):
        result = family.reader(inbox_dir)
        _write(inbox_dir / "exchange_prices" / "a.csv", "x\ny\n", time.time() - 3000)
        return result

    monkeypatch.setitem(ingestion.FAMILIES, "exchange_prices", dataclasses.replace(family, reader=reader_while_the_file_is_replaced))
    monkeypatch.setenv("GHG_INBOX_SETTLE_SECONDS", "30")
    with pytest.raises(inbox.InboxChanged, match="exchange_prices/a.csv"):
        ingestion.read_settled("exchange_prices", tmp_path)
