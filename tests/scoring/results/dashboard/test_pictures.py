"""The overview's pictures in the annex PDF, read back as images (pdftoppm) and as text (pdftotext), on the demo."""

import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.scoring.results.dashboard.pictures import GREEN, RED, horizontal_runs

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def annex(demo, tmp_path_factory):
    """The public annex of 2022 as an anonymous visitor downloads it (rendered once for the module)."""
    response = Client().get(reverse("results_pdf", args=[2022, 2022]))
    assert response.status_code == 200
    path = tmp_path_factory.mktemp("annex") / "annex.pdf"
    path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    return path


def page_image(pdf, page: int, tmp_path) -> Image.Image:
    prefix = tmp_path / f"page-{page}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "90", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)],
        check=True,
    )
    return Image.open(f"{prefix}.png")


def chart_page(pdf, block_heading: str) -> int:
    """The page whose text holds the block's chart titles."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        if f"Chỉ số CCHC năm 2022 — {block_heading} (trục bắt đầu từ" in page:
            return number
    raise AssertionError(f"no chart page for {block_heading}")


def test_the_annex_draws_both_blocks_bars_on_an_axis_near_the_data(annex):
    text = subprocess.run(["pdftotext", str(annex), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())

    assert "Chỉ số CCHC năm 2022 — Phòng, ban, đơn vị (trục bắt đầu từ 93%, không phải 0)" in flat
    assert "Chỉ số CCHC năm 2022 — UBND phường (trục bắt đầu từ 94%, không phải 0)" in flat
    assert "Chỉ số năm 2021 → năm 2022 — UBND phường" in flat


@pytest.mark.parametrize("block,units", [("Phòng, ban, đơn vị", 12), ("UBND phường", 11)])
def test_the_annex_pictures_read_back_as_the_ranking(annex, tmp_path, block, units):
    image = page_image(annex, chart_page(annex, block), tmp_path)
    width, height = image.size
    # The charts sit side by side: dumbbell left, bars right; nothing else on the page is red or green.
    bars = horizontal_runs(image.crop((width // 2, 0, width, height)), RED)
    lines = horizontal_runs(image.crop((0, 0, width // 2, height)), GREEN)

    lengths = [bar["right"] - bar["left"] for bar in bars]
    assert len(bars) == units
    assert lengths == sorted(lengths, reverse=True)  # ranked order: each bar no longer than the one above
    assert lengths[0] > 4 * lengths[-1]  # the axis starts near the data: first and last differ visibly
    assert len(lines) == units  # every unit improved: one green line each, none flat or falling
