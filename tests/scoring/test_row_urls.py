"""row_url: the links of a long table, reversed once per page, are the links {% url %} gives."""

from django.template import Context, Template


def test_row_url_gives_the_links_url_gives_for_every_row():
    rows = [(2025, 1), (2025, 17), (2024, 7391204)]
    row_url = Template(
        "{% load scoring_urls %}{% for year, unit in rows %}{% row_url 'results_unit' year unit %} "
        "{% row_url 'assessment_sheet' unit %} {% endfor %}"
    )
    url = Template(
        "{% for year, unit in rows %}{% url 'results_unit' year unit %} {% url 'assessment_sheet' unit %} {% endfor %}"
    )

    assert row_url.render(Context({"rows": rows})) == url.render(Context({"rows": rows}))
    assert "/results/2025/units/17/" in row_url.render(Context({"rows": rows}))


def test_row_url_reverses_anything_but_whole_numbers_as_url_does():
    template = Template("{% load scoring_urls %}{% row_url 'assessment_sheet' pk %}")

    assert template.render(Context({"pk": "42"})) == Template("{% url 'assessment_sheet' pk %}").render(
        Context({"pk": "42"})
    )
