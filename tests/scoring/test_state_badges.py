"""State badges: label from the model's TextChoices, colour from scoring_state, in Vietnamese and English."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from scoring.models import Assessment, Period


@pytest.mark.parametrize(
    ("state", "tone", "label"),
    [
        (Period.State.DRAFT, "secondary", "Đang chuẩn bị"),
        (Period.State.SELF_ASSESSMENT, "primary", "Tự đánh giá"),
        (Period.State.APPRAISAL, "primary", "Thẩm định"),
        (Period.State.EXPLANATION, "primary", "Giải trình"),
        (Period.State.PRELIMINARY, "primary", "Công bố sơ bộ"),
        (Period.State.PUBLISHED, "success", "Đã công bố"),
    ],
)
def test_the_period_badge(state, tone, label):
    html = render_to_string("scoring/frameworks/_period_state.html", {"period": Period(state=state)})
    assert html.strip() == f'<span class="badge rounded-pill state-{state} text-bg-{tone}">{label}</span>'


@pytest.mark.parametrize(
    ("state", "language", "expected"),
    [
        (Assessment.State.DRAFT, "vi", '<span class="badge text-bg-secondary">Đang tự đánh giá</span>'),
        (Assessment.State.DRAFT, "en", '<span class="badge text-bg-secondary">In progress</span>'),
        (Assessment.State.SUBMITTED, "vi", '<span class="badge text-bg-success">Đã nộp</span>'),
    ],
)
def test_the_sheet_badge(state, language, expected):
    with translation.override(language):
        html = render_to_string("scoring/sheets/_state.html", {"assessment": Assessment(state=state)})
    assert html.strip().startswith(expected)
