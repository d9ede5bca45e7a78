"""Who prepared what in the demo: at UBND phường Hạ Đình the focal officer prepares areas 1–4 and the head areas
5–7, in 2022 (published: each officer's results can be read) and in 2023 (the sheet shows and filters by them)."""

from scoring.models import Assessment, Criterion, CriterionPreparer
from units.models import User


def seed_preparers(head: User, officer: User, years=(2022, 2023)) -> None:
    for assessment in Assessment.objects.filter(
        period__year__in=years, unit_id__in=head.role_assignments.filter(unit__isnull=False).values("unit_id")
    ):
        leaves = Criterion.objects.filter(framework_id=assessment.framework_id).exclude(rule_type="")
        existing = set(CriterionPreparer.objects.filter(assessment=assessment).values_list("criterion_id", flat=True))
        CriterionPreparer.objects.bulk_create(
            CriterionPreparer(
                assessment=assessment,
                criterion=leaf,
                officer=officer if int(leaf.code.split(".")[0]) <= 4 else head,
                assigned_by=head,
            )
            for leaf in leaves
            if leaf.pk not in existing
        )
