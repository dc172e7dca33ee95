"""The A3 poster: a vector PDF in Swedish, read back with an independent parser (pypdf)
and turned into a picture with poppler's pdftoppm for the test artifacts."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from calendars.poster import render_poster
from calendars.wheel import MONTHS
from tests.calendars.test_wheel import BODIES, meeting, weekly

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("ARSHJUL_TEST_ARTIFACTS", REPO / "test-artifacts"))
URL = "https://kalender.region.example.se/"


def poster() -> bytes:
    import datetime as dt

    meetings = [*weekly(n=4), meeting(dt.date(2027, 9, 14), body="x/db", mid="db")]
    return render_poster("Region Exempel", 2027, BODIES, meetings, subscribe_url=URL)


def test_the_poster_is_an_a3_landscape_page_in_swedish() -> None:
    reader = PdfReader(io.BytesIO(poster()))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    # A3 is 420 × 297 mm: 1190.55 × 841.89 points, landscape
    assert float(box.width) == pytest.approx(1190.55, abs=0.1)
    assert float(box.height) == pytest.approx(841.89, abs=0.1)
    text = reader.pages[0].extract_text()
    assert "Region Exempel" in text and "Årshjul 2027" in text
    assert all(month in text for month in MONTHS)
    assert "Teckenförklaring" in text and "Prenumerera på kalendrarna" in text and URL in text
    assert reader.metadata is not None and reader.metadata.title == "Årshjul 2027 – Region Exempel"


def test_the_same_year_gives_the_same_bytes() -> None:
    assert poster() == poster()  # an export writes it again only when it changed


def test_the_poster_as_a_picture(tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        if os.environ.get("ARSHJUL_REQUIRE_POPPLER") == "1":
            pytest.fail("pdftoppm is required here (apt-get install poppler-utils)")
        pytest.skip("needs poppler-utils (pdftoppm)")
    pdf = tmp_path / "affisch.pdf"
    pdf.write_bytes(poster())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-singlefile", str(pdf), str(ARTIFACTS / "affisch-2027")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    picture = ARTIFACTS / "affisch-2027.png"
    assert picture.stat().st_size > 10_000
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
