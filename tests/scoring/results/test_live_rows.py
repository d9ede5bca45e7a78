"""The live results' rows, written in Python (live_rows), are the rows the page's template wrote before them."""

import pytest
from django.template import Context, Template
from django.utils import translation

from scoring.models import RankingExclusion, Score, Stage
from scoring.results.compute import results_config
from scoring.results.selectors import live_ranking
from tests.factories import appraised_block, seat, user_with_role
from units.models import Role

pytestmark = pytest.mark.django_db

# The loop live.html held until the rows were written in Python: the reference the tag must match byte for byte.
TEMPLATE_ROWS = """{% load i18n scoring_format scoring_urls %}{% for row, rank in part.rows %}
    <tr>
      <td class="numeric">{% if row.is_ranked and part.hidden_count %}—{% elif rank %}{{ rank }}{% elif not row.is_appraised %}<span class="badge text-bg-secondary" data-testid="not-appraised">{% translate "chưa thẩm định" %}</span>{% else %}<span title="{{ row.exclusion_reason }}">{% translate "Không xếp hạng" %}</span>{% endif %}</td>
      <th scope="row"><a href="{% row_url 'results_unit' year row.unit_id %}">{{ row.unit.name }}</a></th>
      <td class="numeric">{{ row.criteria_points|two_decimals }}</td><td class="numeric">{{ row.bonus|two_decimals }}</td><td class="numeric">{{ row.penalty|two_decimals }}</td>
      <td class="numeric">{{ row.points|two_decimals }}</td><td class="numeric">{{ row.adjusted_max|two_decimals }}{% if row.adjusted_max != row.max_points %} <span class="small text-muted">/ {{ row.max_points|two_decimals }}</span>{% endif %}</td>
      {% if row.is_appraised %}<td class="numeric">{{ row.index|two_decimals|default:"—" }}</td><td>{{ row.band|default:"—" }}</td>{% else %}<td class="numeric">—</td><td>—</td>{% endif %}
      <td class="numeric">{% if row.unappraised_count %}<span class="text-danger">{{ row.unappraised_count }}</span>{% else %}0{% endif %}</td>
    </tr>
  {% endfor %}"""  # noqa: E501

TAG_ROWS = "{% load live_results %}{% live_rows part year %}"


@pytest.fixture
def period():
    """Six units: one named with markup, one excluded from ranking, one the council has not scored, one with a
    criterion not applicable (a lower maximum), the others ranked."""
    period = appraised_block(6)
    sheets = list(period.assessments.select_related("unit").order_by("unit__position"))
    sheets[0].unit.name = 'Phường <Hạ> & "Đình"'
    sheets[0].unit.save()
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    RankingExclusion.objects.create(
        period=period, unit=sheets[1].unit, reason='Mới "sáp nhập" <2025>', created_by=secretary
    )
    Score.objects.filter(assessment=sheets[2]).delete()
    Score.objects.filter(assessment=sheets[3], stage=Stage.ROUND_1, criterion__code="1.2").update(
        is_not_applicable=True, points=None
    )
    return period


def rows_of(template: str, user, period) -> str:
    ranking = live_ranking(user, period, ranking_method=results_config(period).ranking_method)
    return "".join(Template(template).render(Context({"part": part, "year": period.year})) for part in ranking.blocks)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_rows_are_the_ones_the_template_wrote_for_the_secretary(period, language):
    secretary = user_with_role(Role.COUNCIL_SECRETARY)

    with translation.override(language):
        rows = rows_of(TAG_ROWS, secretary, period)
        assert rows == rows_of(TEMPLATE_ROWS, secretary, period)
    assert rows.count("<tr>") == 6
    assert "Phường &lt;Hạ&gt; &amp; &quot;Đình&quot;" in rows
    assert 'title="Mới &quot;sáp nhập&quot; &lt;2025&gt;"' in rows
    assert 'data-testid="not-appraised"' in rows
    assert '<span class="small text-muted">/ ' in rows


def test_the_rows_are_the_ones_the_template_wrote_for_a_conflicted_member(period):
    conflicted = period.assessments.order_by("unit__position").last().unit
    member = seat(period, home_unit=conflicted)

    rows = rows_of(TAG_ROWS, member, period)

    assert rows == rows_of(TEMPLATE_ROWS, member, period)
    assert rows.count("<tr>") == 5 and conflicted.name not in rows
    assert '<td class="numeric">—</td>\n      <th scope="row">' in rows  # ranks withheld in the block
