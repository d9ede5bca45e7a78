"""The overview's pictures in the annex PDF, read back as images (pdftoppm) and as text (pdftotext), on the demo."""

import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.pdfs import pdf_text
from tests.scoring.results.dashboard.pictures import GREEN, RED, horizontal_runs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]


@pytest.fixture(scope="module")
def annex(seeded_demo, tmp_path_factory):
    """The public annex of 2022 as an anonymous visitor downloads it (rendered once for the module)."""
    response = Client().get(reverse("results_pdf", args=[2022, 2022]))
    assert response.status_code == 200
    path = tmp_path_factory.mktemp("annex") / "annex.pdf"
    path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    return path


def pages(pdf, tmp_path) -> list[Image.Image]:
    prefix = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "90", str(pdf), str(prefix)], check=True)
    return [Image.open(path) for path in sorted(tmp_path.glob("page-*.png"))]


def test_the_annex_draws_both_blocks_on_an_axis_near_the_data(annex):
    text = pdf_text(annex)
    flat = " ".join(text.split())

    assert flat.count("Chỉ số CCHC năm 2022: trục bắt đầu từ 93%, không phải 0 (đến 99%)") == 1
    assert flat.count("Chỉ số CCHC năm 2022: trục bắt đầu từ 94%, không phải 0 (đến 99%)") == 1
    assert flat.count("đầu màu xám là năm 2021, đầu màu đỏ là năm 2022, thân màu xanh là tăng") == 2
    assert flat.count("màu cam là giảm; trục từ 80% đến 100%") == 2


def test_the_annex_pictures_read_back_as_the_ranking(annex, tmp_path):
    """Both blocks' charts, page after page: the bars track (x 60–85 % of the page) holds one red bar per unit in
    ranking order; the dumbbell track (x 33–56 %) one green body per unit that improved (all of them)."""
    bars, segments = [], []
    for image in pages(annex, tmp_path):
        width, height = image.size
        bars += horizontal_runs(image.crop((int(width * 0.60), 0, int(width * 0.85), height)), RED)
        segments += horizontal_runs(image.crop((int(width * 0.33), 0, int(width * 0.56), height)), GREEN)

    lengths = [bar["right"] - bar["left"] for bar in bars]
    departments, wards = lengths[:12], lengths[12:]
    assert (len(departments), len(wards)) == (12, 11)
    for block in (departments, wards):
        assert block == sorted(block, reverse=True)  # ranked order: no bar longer than the one above
        assert block[0] > 4 * block[-1]  # the axis starts near the data: first and last differ visibly
    assert len(segments) == 23  # every unit improved: one green segment each
