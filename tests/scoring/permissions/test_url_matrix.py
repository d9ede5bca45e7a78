"""Every named URL of the portal × every role, generated from the URL configuration.

A URL added to the configuration without an entry in EXPECTED (or whose parameters cannot be filled from
the role_world) fails `test_every_url_is_in_the_matrix`, so no page or action can escape the matrix.
"""

import os

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.world import ROLES, row_counts

pytestmark = pytest.mark.django_db

# Namespaces and URL names that are someone else's matrix (Django admin) or Django's own (set_language).
EXCLUDED_NAMESPACES = frozenset({"admin"})
EXCLUDED_NAMES = frozenset({"set_language"})


def named_patterns(resolver: URLResolver | None = None, namespace: str = "") -> dict[str, URLPattern]:
    """name → pattern for every named URL reachable from the root, walking included resolvers recursively."""
    found: dict[str, URLPattern] = {}
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            if inner in EXCLUDED_NAMESPACES:
                continue
            found.update(named_patterns(entry, f"{inner}:" if entry.namespace else namespace))
        elif entry.name and entry.name not in EXCLUDED_NAMES:
            found[f"{namespace}{entry.name}"] = entry
    return found


def url_parameters(name: str) -> list[str]:
    """The keyword parameters of a named URL, from the resolver's reverse dictionary."""
    possibilities = get_resolver().reverse_dict.getlist(name)
    return sorted(
        {parameter for possibility in possibilities for _, parameters in possibility[0] for parameter in parameters}
    )


# --- concrete arguments ----------------------------------------------------------------------------
# Results pages of a published year read the 2022 publication; everything else works on 2023 (appraisal).
PUBLISHED_YEAR_URLS = frozenset(
    {
        "results_published",
        "results_published_version",
        "results_published_unit",
        "results_published_unit_version",
        "results_heads",
        "results_overview",
        "results_losses",
        "results_unit_losses",
        "results_commendations",
        "results_commendation_add",
        "results_pdf",
        "results_xlsx",
        "results_json",
        "results_csv",
        "results_scorecard_pdf",
        "results_build",
        "results_build_download",
    }
)

# Leadership's page to attach the decision signed outside the portal, for the published year.
DECISION_URLS = frozenset({"signing_decision", "signing_decision_to_sign"})
# Pages of a published year that are not public (a unit's remediation plans).
PRIVATE_PUBLISHED_YEAR_URLS = frozenset({"plan_unit", "results_officers"})

# `pk` means a different object on each URL: each URL that takes one says which.
PK_OF = {
    "framework_detail": lambda w: w["framework"].pk,
    "assessment_sheet": lambda w: w["sheets"]["own"].pk,
    "assessment_preparers": lambda w: w["sheets"]["own"].pk,
    "assessment_summary": lambda w: w["sheets"]["own"].pk,
    "assessment_submit": lambda w: w["sheets"]["own"].pk,
    "assessment_reopen": lambda w: w["sheets"]["own"].pk,
    "score_save": lambda w: w["sheets"]["own"].pk,
    "score_preview": lambda w: w["sheets"]["own"].pk,
    "score_history": lambda w: w["sheets"]["own"].pk,
    "sheet_export": lambda w: w["sheets"]["own"].pk,
    "sheet_import": lambda w: w["sheets"]["own"].pk,
    "explanation_list": lambda w: w["sheets"]["own"].pk,
    "explanation_answer": lambda w: w["sheets"]["own"].pk,
    "notice_open": lambda w: w["notice"].pk,
    "appraisal_workspace": lambda w: w["sheets"]["own"].pk,
    "appraisal_flag": lambda w: w["sheets"]["own"].pk,
    "appraisal_flag_withdraw": lambda w: w["sheets"]["own"].pk,
    "appraisal_score_save": lambda w: w["sheets"]["own"].pk,
    "appraisal_adjustment_save": lambda w: w["sheets"]["own"].pk,
    "council_assignment_remove": lambda w: w["assignment"].pk,
    "council_conflict_remove": lambda w: w["conflict"].pk,
    "council_explanation_withdraw": lambda w: w["explanation"].pk,
    "results_commendation_remove": lambda w: w["commendation"].pk,
    "plan_progress": lambda w: w["plan"].pk,
    "results_objection_resolve": lambda w: w["objection"].pk,
    "evidence_link_unlink": lambda w: w["link"].pk,
    "evidence_link_locator": lambda w: w["link"].pk,
    "evidence_document_download": lambda w: w["document"].pk,
    "evidence_document_preview": lambda w: w["document"].pk,
    "evidence_version_download": lambda w: w["document"].pk,
    **{
        name: (lambda w: w["survey"].pk)
        for name in (
            "survey_detail",
            "survey_edit",
            "survey_question_add",
            "survey_question_remove",
            "survey_open",
            "survey_close",
            "survey_respondents",
            "survey_respondents_template",
            "survey_sample_draw",
            "survey_invite",
            "survey_cards",
            "survey_results",
            "survey_record",
            "survey_responses",
            "survey_response_exclude",
            "survey_response_restore",
            "survey_export",
        )
    },
}

PARAMETERS = {
    "year": lambda w, name: (
        (
            w["published"] if name in PUBLISHED_YEAR_URLS | DECISION_URLS | PRIVATE_PUBLISHED_YEAR_URLS else w["period"]
        ).year
    ),
    # the public 2022 annex for the copy signed outside, else the own unit's 2023 receipt (not public)
    "reference": lambda w, name: (w["annex"] if name == "signing_upload_pdf" else w["receipt"]).reference,
    "file_year": lambda w, name: w["published"].year,
    "version": lambda w, name: w["publication"].version,
    "unit_id": lambda w, name: w["own"].pk,
    "unit_code": lambda w, name: w["own"].code,
    "assessment_pk": lambda w, name: w["sheets"]["own"].pk,
    "criterion_pk": lambda w, name: w["criteria"]["1.2"].pk,
    "document_pk": lambda w, name: w["document"].pk,
    "version_pk": lambda w, name: w["version"].pk,
    "request_pk": lambda w, name: w["explanation"].pk,
    "item_pk": lambda w, name: w["adjustment_item"].pk,
    "block_pk": lambda w, name: w["block"].pk,
    "user_pk": lambda w, name: w["people"]["council_member"].pk,
    "stage": lambda w, name: "round1",
    # An activation link whose token is wrong: every visitor gets the page saying the link no longer works.
    "uidb64": lambda w, name: urlsafe_base64_encode(force_bytes(w["people"]["own_head"].pk)),
    # a respondent's one-time link for the survey answer page; any other token is a wrong one
    "token": lambda w, name: w["respondent"].token if name == "survey_answer" else "khong-phai-ma",
    "kind": lambda w, name: "pdf",
    "question_pk": lambda w, name: w["survey_question"].pk,
    "response_pk": lambda w, name: w["survey_response"].pk,
}


def url_for(role_world: dict, name: str) -> str:
    arguments = {}
    for parameter in url_parameters(name):
        if parameter == "pk":
            if name not in PK_OF:
                pytest.fail(f"URL “{name}” takes a pk: say in PK_OF which object of the role_world it names.")
            arguments["pk"] = PK_OF[name](role_world)
        elif parameter in PARAMETERS:
            arguments[parameter] = PARAMETERS[parameter](role_world, name)
        else:
            pytest.fail(f"URL “{name}” takes “{parameter}”, which PARAMETERS cannot fill: add it to the matrix.")
    return reverse(name, kwargs=arguments)


# --- expectations ----------------------------------------------------------------------------------
# For each URL: the status each role gets on GET, then on POST (an empty form). "login" is a redirect to
# the login page; a role missing from a row gets the row's "*" entry.
LOGIN = "login"
STAFF_ONLY = {"anonymous": LOGIN}

EXPECTED: dict[str, dict[str, dict[str, object]]] = {
    "activation_confirm": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "activation_done": {
        "GET": {"*": 200},
        "POST": {"*": 405},
    },
    "appraisal_adjustment_save": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "assigned_member": 302},
    },
    "appraisal_flag": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "assigned_member": 302},
    },
    "appraisal_flag_withdraw": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "assigned_member": 302},
    },
    "appraisal_queue": {
        "GET": {"*": 200, "anonymous": LOGIN},
        "POST": {"*": 200, "anonymous": LOGIN},
    },
    "appraisal_score_save": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "assigned_member": 302},
    },
    "appraisal_workspace": {
        "GET": {"*": 404, "anonymous": LOGIN, "assigned_member": 200},
        "POST": {"*": 404, "anonymous": LOGIN, "assigned_member": 200},
    },
    "assessment_list": {
        "GET": {
            "*": 302,
            "anonymous": LOGIN,
            "council_member": 200,
            "assigned_member": 200,
            "secretary": 200,
            "leadership": 200,
        },
        "POST": {
            "*": 302,
            "anonymous": LOGIN,
            "council_member": 200,
            "assigned_member": 200,
            "secretary": 200,
            "leadership": 200,
        },
    },
    "assessment_preparers": {
        "GET": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
        "POST": {"*": 403, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
    },
    "assessment_reopen": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 403, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
    },
    "assessment_sheet": {
        "GET": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
        "POST": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
    },
    "assessment_submit": {
        "GET": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
        "POST": {"*": 403, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
    },
    "assessment_summary": {
        "GET": {"*": 302, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
        "POST": {"*": 302, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
    },
    "audit_list": {
        "GET": {"*": 403, "anonymous": LOGIN, "secretary": 200},
        "POST": {"*": 405, "anonymous": LOGIN},
    },
    "council_assignment_add": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302, "leadership": 403},
    },
    "council_assignment_remove": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302, "leadership": 403},
    },
    "council_block_finalise": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 403, "leadership": 403},
    },
    "council_chair_set": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302, "leadership": 403},
    },
    "council_conflict_add": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302, "leadership": 403},
    },
    "council_conflict_remove": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302, "leadership": 403},
    },
    "council_current": {
        "GET": {"*": 302, "anonymous": LOGIN},
        "POST": {"*": 302, "anonymous": LOGIN},
    },
    "council_explanation_send": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302, "leadership": 403},
    },
    "council_explanation_withdraw": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302, "leadership": 403},
    },
    "council_member_add": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302, "leadership": 403},
    },
    "council_member_remove": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302, "leadership": 403},
    },
    "council_members": {
        "GET": {"*": 404, "anonymous": LOGIN, "secretary": 200, "leadership": 403},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 200, "leadership": 403},
    },
    "council_overview": {
        "GET": {"*": 404, "anonymous": LOGIN, "secretary": 200, "leadership": 200},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 200, "leadership": 200},
    },
    "council_start_appraisal": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302, "leadership": 403},
    },
    "council_survey_import": {
        "GET": {"*": 404, "anonymous": LOGIN, "secretary": 200, "leadership": 403},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 200, "leadership": 403},
    },
    "council_survey_template": {
        "GET": {"*": 404, "anonymous": LOGIN, "secretary": 200, "leadership": 403},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 200, "leadership": 403},
    },
    "evidence_criterion": {
        "GET": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
        "POST": {"*": 405, "anonymous": LOGIN},
    },
    "evidence_criterion_link": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {
            "*": 403,
            "anonymous": LOGIN,
            "other_staff": 404,
            "own_staff": 302,
            "own_head": 302,
            "conflicted_member": 404,
        },
    },
    "evidence_criterion_upload": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {
            "*": 403,
            "anonymous": LOGIN,
            "other_staff": 404,
            "own_staff": 302,
            "own_head": 302,
            "conflicted_member": 404,
        },
    },
    "evidence_document_download": {
        "GET": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
        "POST": {"*": 405, "anonymous": LOGIN},
    },
    "evidence_document_preview": {
        "GET": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
        "POST": {"*": 405, "anonymous": LOGIN},
    },
    "evidence_document_replace": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 403, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
    },
    "evidence_library": {
        "GET": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
        "POST": {"*": 405, "anonymous": LOGIN},
    },
    "evidence_library_upload": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 403, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
    },
    "evidence_link_locator": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 403, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
    },
    "evidence_link_unlink": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 403, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
    },
    "evidence_version_download": {
        "GET": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
        "POST": {"*": 405, "anonymous": LOGIN},
    },
    "explanation_answer": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {
            "*": 403,
            "anonymous": LOGIN,
            "other_staff": 404,
            "own_staff": 302,
            "own_head": 302,
            "conflicted_member": 404,
        },
    },
    "explanation_list": {
        "GET": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
        "POST": {"*": 405, "anonymous": LOGIN},
    },
    "framework_detail": {
        "GET": {"*": 200, "anonymous": LOGIN},
        "POST": {"*": 200, "anonymous": LOGIN},
    },
    "favicon": {
        "GET": {"*": 301},
        "POST": {"*": 301},
    },
    "healthz": {
        "GET": {"*": 200},
        "POST": {"*": 405},
    },
    "home": {
        "GET": {"*": 200, "anonymous": LOGIN},
        "POST": {"*": 200, "anonymous": LOGIN},
    },
    "login": {
        "GET": {"*": 302, "anonymous": 200},
        "POST": {"*": 302, "anonymous": 200},
    },
    "logout": {
        "GET": {"*": 405},
        "POST": {"*": LOGIN},
    },
    "notice_list": {
        "GET": {"*": 200, "anonymous": LOGIN},
        "POST": {"*": 405, "anonymous": LOGIN},
    },
    "notice_open": {
        "GET": {"*": 404, "anonymous": LOGIN, "own_staff": 302},
        "POST": {"*": 405, "anonymous": LOGIN},
    },
    "notice_read_all": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 302, "anonymous": LOGIN},
    },
    "password_change": {
        "GET": {"*": 200, "anonymous": LOGIN},
        "POST": {"*": 200, "anonymous": LOGIN},
    },
    "password_change_done": {
        "GET": {"*": 200, "anonymous": LOGIN},
        "POST": {"*": 405, "anonymous": LOGIN},
    },
    "plan_list": {
        "GET": {"*": 200, "anonymous": LOGIN},
        "POST": {"*": 200, "anonymous": LOGIN},
    },
    "plan_progress": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "own_head": 302},
    },
    "plan_unit": {
        "GET": {
            "*": 404,
            "anonymous": LOGIN,
            "own_staff": 200,
            "own_head": 200,
            "secretary": 200,
            "leadership": 200,
        },
        "POST": {"*": 404, "anonymous": LOGIN, "own_head": 200},
    },
    "period_create": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 403, "anonymous": LOGIN, "secretary": 400},
    },
    "period_detail": {
        "GET": {"*": 200, "anonymous": LOGIN},
        "POST": {"*": 200, "anonymous": LOGIN},
    },
    "period_list": {
        "GET": {"*": 200, "anonymous": LOGIN},
        "POST": {"*": 200, "anonymous": LOGIN},
    },
    "period_open": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 403, "anonymous": LOGIN, "secretary": 302},
    },
    "results_build": {
        "GET": {"*": 302},
        "POST": {"*": 302},
    },
    "results_build_download": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "results_commendation_add": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302},
    },
    "results_commendation_remove": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302},
    },
    "results_commendations": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "results_csv": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "results_heads": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "results_index": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "results_json": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "results_live": {
        "GET": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "own_staff": 404, "own_head": 404},
        "POST": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "own_staff": 404, "own_head": 404},
    },
    "results_objection_file": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN},
    },
    "results_objection_resolve": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN},
    },
    "results_losses": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "results_unit_losses": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "results_officers": {
        "GET": {"*": 404, "anonymous": LOGIN, "own_head": 200, "secretary": 200},
        "POST": {"*": 404, "anonymous": LOGIN, "own_head": 200, "secretary": 200},
    },
    "results_overview": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "results_pdf": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "results_publish": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN},
    },
    "results_published": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "results_published_unit": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "results_published_unit_version": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "results_published_version": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "results_release": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302},
    },
    "results_scorecard_pdf": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "results_settings": {
        "GET": {"*": 404, "anonymous": LOGIN, "secretary": 200},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302},
    },
    "results_unit": {
        "GET": {
            "*": 404,
            "anonymous": LOGIN,
            "council_member": 200,
            "assigned_member": 200,
            "secretary": 200,
            "leadership": 200,
        },
        "POST": {
            "*": 404,
            "anonymous": LOGIN,
            "council_member": 200,
            "assigned_member": 200,
            "secretary": 200,
            "leadership": 200,
        },
    },
    "results_what_if": {
        "GET": {"*": 404, "anonymous": LOGIN, "secretary": 200, "leadership": 200},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 200, "leadership": 200},
    },
    "results_xlsx": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "score_history": {
        "GET": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
        "POST": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
    },
    "score_preview": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 403, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
    },
    "score_save": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 403, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
    },
    "signing_decision": {
        "GET": {"*": 404, "anonymous": LOGIN, "leadership": 200},
        "POST": {"*": 404, "anonymous": LOGIN, "leadership": 200},
    },
    "signing_decision_to_sign": {
        "GET": {"*": 404, "anonymous": LOGIN, "leadership": 200},
        "POST": {"*": 404, "anonymous": LOGIN, "leadership": 200},
    },
    "signing_document": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "signing_document_pdf": {
        "GET": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
        "POST": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
    },
    "signing_upload_pdf": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "signing_verify": {
        "GET": {"*": 200},
        "POST": {"*": 200},
    },
    "sso_callback": {
        "GET": {"*": 404},
        "POST": {"*": 404},
    },
    "sso_login": {
        "GET": {"*": 404},
        "POST": {"*": 404},
    },
    "sheet_export": {
        "GET": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
        "POST": {"*": 200, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
    },
    "sheet_import": {
        "GET": {"*": 403, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
        "POST": {"*": 403, "anonymous": LOGIN, "other_staff": 404, "conflicted_member": 404},
    },
    "survey_answer": {
        "GET": {"*": 200},
        "POST": {"*": 400},
    },
    "survey_cards": {
        "GET": {"*": 404, "anonymous": LOGIN, "secretary": 200},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 200},
    },
    "survey_close": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302},
    },
    "survey_create": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 403, "anonymous": LOGIN, "other_staff": 404, "own_staff": 404, "own_head": 404, "secretary": 302},
    },
    "survey_detail": {
        "GET": {
            "*": 200,
            "anonymous": LOGIN,
            "other_staff": 404,
            "own_staff": 404,
            "own_head": 404,
        },
        "POST": {
            "*": 200,
            "anonymous": LOGIN,
            "other_staff": 404,
            "own_staff": 404,
            "own_head": 404,
        },
    },
    "survey_edit": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302},
    },
    "survey_export": {
        "GET": {
            "*": 200,
            "anonymous": LOGIN,
            "other_staff": 404,
            "own_staff": 404,
            "own_head": 404,
        },
        "POST": {
            "*": 200,
            "anonymous": LOGIN,
            "other_staff": 404,
            "own_staff": 404,
            "own_head": 404,
        },
    },
    "survey_invite": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302},
    },
    "survey_list": {
        "GET": {
            "*": 200,
            "anonymous": LOGIN,
            "other_staff": 404,
            "own_staff": 404,
            "own_head": 404,
        },
        "POST": {
            "*": 200,
            "anonymous": LOGIN,
            "other_staff": 404,
            "own_staff": 404,
            "own_head": 404,
        },
    },
    "survey_open": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302},
    },
    "survey_question_add": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302},
    },
    "survey_question_remove": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302},
    },
    "survey_record": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302},
    },
    "survey_respondents": {
        "GET": {"*": 404, "anonymous": LOGIN, "secretary": 200},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 200},
    },
    "survey_respondents_template": {
        "GET": {"*": 404, "anonymous": LOGIN, "secretary": 200},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 200},
    },
    "survey_response_exclude": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {
            "*": 302,
            "anonymous": LOGIN,
            "other_staff": 404,
            "own_staff": 404,
            "own_head": 404,
            "conflicted_member": 404,
            "leadership": 403,
        },
    },
    "survey_response_restore": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {
            "*": 302,
            "anonymous": LOGIN,
            "other_staff": 404,
            "own_staff": 404,
            "own_head": 404,
            "conflicted_member": 404,
            "leadership": 403,
        },
    },
    "survey_responses": {
        "GET": {
            "*": 200,
            "anonymous": LOGIN,
            "other_staff": 404,
            "own_staff": 404,
            "own_head": 404,
        },
        "POST": {
            "*": 200,
            "anonymous": LOGIN,
            "other_staff": 404,
            "own_staff": 404,
            "own_head": 404,
        },
    },
    "survey_results": {
        "GET": {
            "*": 200,
            "anonymous": LOGIN,
            "other_staff": 404,
            "own_staff": 404,
            "own_head": 404,
        },
        "POST": {
            "*": 200,
            "anonymous": LOGIN,
            "other_staff": 404,
            "own_staff": 404,
            "own_head": 404,
        },
    },
    "survey_sample_draw": {
        "GET": {"*": 405, "anonymous": LOGIN},
        "POST": {"*": 404, "anonymous": LOGIN, "secretary": 302},
    },
}

# An empty POST by these roles may legitimately write (they are allowed to); every other request must
# leave the row count of every table unchanged.
WRITES_ON_EMPTY_POST = frozenset(
    (name, "secretary")
    for name in (
        "council_assignment_remove",
        "council_chair_set",
        "council_conflict_remove",
        "council_member_remove",
        "results_commendation_remove",
        "survey_close",
    )
)

# Reachable without logging in; every other URL sends an anonymous visitor to the login page.
PUBLIC_URLS = frozenset(
    {"activation_confirm", "activation_done", "favicon", "healthz", "login", "results_index", "survey_answer"}
    | {"signing_verify", "signing_document", "signing_upload_pdf", "sso_login", "sso_callback"}
) | (PUBLISHED_YEAR_URLS - {"results_commendation_add"})
# URLs naming an object of the own unit's (unpublished) sheet: another unit's staff must never get a 200.
OWN_UNIT_URLS = (
    frozenset(PK_OF) - {"framework_detail", "notice_open"}
    | {"signing_document_pdf"}
    | {name for name in EXPECTED if name.startswith(("evidence_", "results_unit", "results_objection"))}
)


def record_mode() -> bool:
    return os.environ.get("FAULTS_RECORD_MATRIX") == "1"


def expected_status(name: str, method: str, role: str):
    row = EXPECTED[name][method]
    return row.get(role, row.get("*"))


def observed(response) -> object:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


def cached_as_it_should(name: str, response) -> bool:
    """Whatever a signed-in person is sent is never stored; only a public year's published files may be cached."""
    header = response.get("Cache-Control", "")
    directives = {directive.strip() for directive in header.split(",")}
    return {"private", "no-store"} <= directives or (name in PUBLISHED_YEAR_URLS and header == "public, max-age=300")


def test_every_url_is_in_the_matrix(role_world):
    names = sorted(named_patterns())
    missing = [name for name in names if name not in EXPECTED]
    stale = sorted(set(EXPECTED) - set(names))
    assert not missing, f"URLs without an entry in EXPECTED (add one): {missing}"
    assert not stale, f"EXPECTED names URLs that no longer exist: {stale}"
    for name in names:
        url_for(role_world, name)  # fails with the parameter it cannot fill


def test_the_matrix_keeps_the_portals_rules():
    """Guards the table itself: a careless edit of EXPECTED cannot open a private page."""
    for name, rows in EXPECTED.items():
        for method, row in rows.items():
            anonymous = row.get("anonymous", row["*"])
            if name not in PUBLIC_URLS:
                assert anonymous in (LOGIN, 405), f"{method} {name}: anonymous must be sent to log in, not {anonymous}"
            if name in OWN_UNIT_URLS - PUBLISHED_YEAR_URLS:
                other = row.get("other_staff", row["*"])
                assert other != 200, f"{method} {name}: another unit's staff must not get a 200"


@pytest.mark.parametrize("name", sorted(named_patterns()))
def test_each_role_gets_what_the_matrix_says(client, role_world, name):
    url = url_for(role_world, name)
    mismatches, seen = [], {}
    for role in ROLES:
        client.logout()
        user = role_world["people"][role]
        if user is not None:
            client.force_login(user)
        for method in ("GET", "POST"):
            before = row_counts()
            response = client.get(url) if method == "GET" else client.post(url, {})
            got = observed(response)
            seen[(method, role)] = got
            after = row_counts()
            changed = {table: (before[table], after[table]) for table in before if before[table] != after[table]}
            if changed and (name, role) not in WRITES_ON_EMPTY_POST:
                mismatches.append(f"{method} {url} as {role} ({got}) changed rows: {changed}")
            if user is not None and not cached_as_it_should(name, response):
                mismatches.append(f"{method} {url} as {role}: Cache-Control is {response.get('Cache-Control')!r}")
            if record_mode():
                continue
            want = expected_status(name, method, role)
            if got != want:
                mismatches.append(f"{method} {url} as {role}: expected {want}, got {got}")
    if record_mode():
        print(f"\nRECORD {name} " + repr({f"{m} {r}": s for (m, r), s in seen.items()}))
        print("\n".join(f"WRITES {line}" for line in mismatches))
        return
    assert not mismatches, "\n".join(mismatches)
