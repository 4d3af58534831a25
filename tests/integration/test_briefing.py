"""The leaders' briefing (pipelines/reporting/briefing.py, briefing_pdf.py) and `ghg briefing`, on one
build of the bundled sample: the PDF of Gansu 2018 and 2020 is A4, renders to PNG pages that are not
blank, and its extracted text holds every indicator's Chinese name with its status word; the Excel
version holds the same indicators and statuses; a briefing of a later publication lists what changed."""

from __future__ import annotations

import shutil

import duckdb
import polars as pl
import pypdfium2 as pdfium
import pytest

from dashboards.i18n import text
from pipelines import cli
from pipelines.reporting import briefing

GANSU = "620000"
A4_POINTS = (595.3, 841.9)


@pytest.fixture
def sample_dir(sample_warehouse, monkeypatch, tmp_path):
    monkeypatch.setenv("GHG_WAREHOUSE_DIR", str(sample_warehouse))
    monkeypatch.setenv("GHG_BRIEFINGS_DIR", str(tmp_path / "briefings"))  # the sample folder is shared read-only
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return sample_warehouse


def public_rows(folder, year):
    with duckdb.connect(str(folder / "ghg_public.duckdb"), read_only=True) as con:
        return con.execute(
            "SELECT indicator_code, name_zh, status FROM marts.fct_target_progress WHERE region_code = ? AND year = ?",
            [GANSU, year],
        ).fetchall()


def pdf_pages(path, out_dir):
    """Every page as (width, height in points, share of non-white pixels, text); the PNGs are kept in out_dir."""
    pages = []
    document = pdfium.PdfDocument(str(path))
    for index, page in enumerate(document):
        image = page.render(scale=1).to_pil().convert("L")
        image.save(out_dir / f"{path.stem}-{index + 1}.png")
        inked = sum(count for value, count in enumerate(image.histogram()) if value < 200) / (image.width * image.height)
        pages.append((*page.get_size(), inked, page.get_textpage().get_text_range()))
    document.close()
    return pages


@pytest.mark.parametrize("year", [2018, 2020])
def test_briefing_pdf_and_excel(sample_dir, tmp_path, capsys, year):
    pdf, xlsx = tmp_path / f"briefing-{year}.pdf", tmp_path / f"briefing-{year}.xlsx"
    assert cli.main(["briefing", "--region", GANSU, "--year", str(year), "--out", str(pdf), "--excel", str(xlsx)]) == cli.EXIT_OK
    assert "wrote the briefing" in capsys.readouterr().out
    assert pdf.read_bytes()[:5] == b"%PDF-"

    rows = public_rows(sample_dir, year)
    assert len(rows) >= 10
    pages = pdf_pages(pdf, tmp_path)
    assert len(pages) >= 2  # the table page and at least one page of path charts
    for width, height, inked, _ in pages:
        assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1, "not A4 portrait"
        assert inked > 0.01, "a blank page"
    lines = [line.strip() for _, _, _, page_text in pages for line in page_text.splitlines()]
    for _, name, status in rows:
        word = text(f"status_{status}", "zh")
        # The table row reads "name status unit ...": the name and its own status word on one line.
        assert any(line.startswith(f"{name} {word}") for line in lines), (name, word)
    whole = "\n".join(lines)
    assert f"甘肃省{year}年" in whole and "首次简报" in whole

    sheet = pl.read_excel(xlsx, sheet_name=briefing.SHEETS[0], engine="calamine",
                          read_options={"header_row": briefing.HEADER_ROWS})
    shown = dict(zip(sheet["指标"].to_list(), sheet["状态"].to_list()))
    assert shown == {name: text(f"status_{status}", "zh") for _, name, status in rows}
    paths = pl.read_excel(xlsx, sheet_name=briefing.SHEETS[1], engine="calamine")
    assert set(paths["指标"].to_list()) == set(shown)


def test_no_targets_is_a_usage_error(sample_dir, tmp_path, capsys):
    assert cli.main(["briefing", "--region", GANSU, "--year", "1990", "--out", str(tmp_path / "b.pdf")]) == cli.EXIT_USAGE
    assert "no briefing" in capsys.readouterr().err
    assert not (tmp_path / "b.pdf").exists()


def _run(path):
    def run(sql, params):
        with duckdb.connect(str(path), read_only=True) as con:
            return con.execute(sql, list(params)).df()
    return run


def test_a_later_publication_lists_the_changes(sample_dir, tmp_path):
    snapshots = tmp_path / "snapshots"
    first = briefing.with_changes(briefing.load(_run(sample_dir / "ghg_public.duckdb"), GANSU, 2018), snapshots)
    assert first.previous is None and first.changes.empty
    briefing.save_snapshot(first, snapshots)
    # The same publication again: still compared with nothing (a snapshot of another publication only).
    assert briefing.with_changes(first, snapshots).previous is None

    # A later publication in which one indicator was revised (its value and status).
    later = tmp_path / "later_public.duckdb"
    shutil.copy(sample_dir / "ghg_public.duckdb", later)
    code, name = first.indicators[["indicator_code", "name_zh"]].iloc[0]
    with duckdb.connect(str(later)) as con:
        con.execute("UPDATE marts.fct_target_progress SET actual_value = actual_value - 0.5, status = 'red' "
                    "WHERE region_code = ? AND year = 2018 AND indicator_code = ?", [GANSU, code])
        con.execute("UPDATE meta.publication SET generation = 'later', published_at_utc = published_at_utc + INTERVAL 1 DAY")
    second = briefing.with_changes(briefing.load(_run(later), GANSU, 2018), snapshots)
    assert second.previous == first.published_at
    assert second.changes["指标"].tolist() == [name]
    assert second.changes["本次状态"].tolist() == [text("status_red", "zh")]

    pdf = tmp_path / "second.pdf"
    assert briefing.pdf_bytes(second)[:5] == b"%PDF-"  # what the dashboard hands out
    from pipelines.reporting.briefing_pdf import write_pdf

    write_pdf(second, pdf)
    whole = "\n".join(page[3] for page in pdf_pages(pdf, tmp_path))
    assert "相比的变化：1 项指标" in whole and "首次简报" not in whole
    xlsx = tmp_path / "second.xlsx"
    briefing.write_excel(second, xlsx)
    changed = pl.read_excel(xlsx, sheet_name=briefing.SHEETS[2], engine="calamine", read_options={"header_row": 2})
    assert changed["指标"].to_list() == [name]
