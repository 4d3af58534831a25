"""The briefing PDF needs a CJK font: without one it fails naming the Debian package to install,
instead of printing empty boxes (pipelines/reporting/briefing_pdf.py)."""

from __future__ import annotations

import pytest
from matplotlib import font_manager

from pipelines.reporting import briefing, briefing_pdf


@pytest.fixture
def fresh_font_lookup():
    briefing_pdf.cjk_font.cache_clear()
    yield
    briefing_pdf.cjk_font.cache_clear()


def test_a_cjk_font_is_found_here(fresh_font_lookup):
    assert briefing_pdf.cjk_font()


def test_no_cjk_font_names_the_package(fresh_font_lookup, monkeypatch):
    monkeypatch.setattr(briefing_pdf, "CJK_FONTS", (("No Such CJK Family", "fonts-noto-cjk"), ("Nor This", "fonts-wqy-microhei")))
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *args, **kwargs: [])
    with pytest.raises(briefing.FontMissing, match="fonts-noto-cjk or fonts-wqy-microhei"):
        briefing_pdf.cjk_font()
