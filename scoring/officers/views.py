"""Who prepares each criterion: the head's division of the sheet, and each officer's published results."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from scoring.feedback import perform
from scoring.frameworks.selectors import framework_tree
from scoring.officers.selectors import officer_results, preparers_of
from scoring.officers.services import preparers_assign
from scoring.permissions.officers import can_assign_preparers, can_view_officer_results, eligible_officers
from scoring.permissions.results import get_publication_for_view
from scoring.permissions.sheets import get_assessment_for_view
from units.models import Unit


@login_required
def assessment_preparers(request: HttpRequest, pk: int) -> HttpResponse:
    """Every criterion of the sheet with the officer who prepares it; the head changes them all in one form."""
    assessment = get_assessment_for_view(request.user, pk)
    can_assign = can_assign_preparers(request.user, assessment)
    tree = framework_tree(assessment.framework)
    leaves = [node.criterion for node in tree.leaves]
    if request.method == "POST":
        if not can_assign:
            raise PermissionDenied
        chosen = {}
        for criterion in leaves:
            value = request.POST.get(f"officer-{criterion.pk}", "")
            chosen[criterion.pk] = int(value) if value.isdigit() else None

        def assign(data: dict) -> str:
            changed = preparers_assign(actor=request.user, assessment=assessment, officers=chosen)
            return _("Đã lưu phân công (%(count)s tiêu chí thay đổi).") % {"count": changed}

        perform(request, assign)
        return redirect("assessment_preparers", pk=pk)
    preparers = preparers_of(assessment)
    return render(
        request,
        "scoring/officers/preparers.html",
        {
            "assessment": assessment,
            "period": assessment.period,
            "nodes": tree.nodes,
            "preparers": preparers,
            "officers": list(eligible_officers(assessment.unit_id)) if can_assign else [],
            "can_assign": can_assign,
        },
    )


@login_required
def results_officers(request: HttpRequest, year: int, unit_id: int) -> HttpResponse:
    """After publication, each officer of a unit with the criteria they prepared, the final scores and the points
    lost: for the unit's head and the secretariat."""
    publication = get_publication_for_view(request.user, year)
    unit = get_object_or_404(Unit, pk=unit_id)
    if not can_view_officer_results(request.user, unit.pk):
        raise Http404
    return render(
        request,
        "scoring/officers/results.html",
        {
            "publication": publication,
            "period": publication.period,
            "unit": unit,
            "results": officer_results(publication, unit.pk),
        },
    )
