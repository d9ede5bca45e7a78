"""Every named URL of the portal × every role, generated from the URL configuration.

A URL added to the configuration without an entry in EXPECTED (or whose parameters cannot be filled from
the role_world) fails `test_every_url_is_in_the_matrix`, so no page or action can escape the matrix.
"""

import os

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from scoring import tasks
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
    **dict.fromkeys(
        (
            "assessment_sheet assessment_preparers assessment_summary assessment_submit assessment_reopen score_save"
            " score_preview score_history sheet_export sheet_import explanation_list explanation_answer"
            " appraisal_workspace appraisal_flag appraisal_flag_withdraw appraisal_score_save appraisal_adjustment_save"
        ).split(),
        lambda w: w["sheets"]["own"].pk,
    ),
    **dict.fromkeys(
        ("evidence_document_download", "evidence_document_preview", "evidence_version_download"),
        lambda w: w["document"].pk,
    ),
    **dict.fromkeys(("evidence_link_unlink", "evidence_link_locator"), lambda w: w["link"].pk),
    **dict.fromkeys(
        (
            "survey_detail survey_edit survey_question_add survey_question_remove survey_open survey_close"
            " survey_respondents survey_respondents_template survey_sample_draw survey_invite survey_cards"
            " survey_results survey_record survey_responses survey_response_exclude survey_response_restore"
            " survey_export"
        ).split(),
        lambda w: w["survey"].pk,
    ),
    "framework_detail": lambda w: w["framework"].pk,
    "notice_open": lambda w: w["notice"].pk,
    "council_assignment_remove": lambda w: w["assignment"].pk,
    "council_conflict_remove": lambda w: w["conflict"].pk,
    "council_explanation_withdraw": lambda w: w["explanation"].pk,
    "results_commendation_remove": lambda w: w["commendation"].pk,
    "plan_progress": lambda w: w["plan"].pk,
    "results_objection_resolve": lambda w: w["objection"].pk,
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
# Roles that share a status on many URLs; a row names them, then the roles that differ.
SIGNED_IN = {"anonymous": LOGIN}
# An object of the own unit's (unpublished) sheet: another unit's staff and a conflicted member get 404.
OWN_SHEET = {**SIGNED_IN, "other_staff": 404, "conflicted_member": 404}
# The council's side (survey, live results): no unit's staff or head sees it.
NO_UNIT_STAFF = {**SIGNED_IN, "other_staff": 404, "own_staff": 404, "own_head": 404}
# The secretary's council pages: leadership is told no (403) rather than "missing".
SECRETARIAT = {**SIGNED_IN, "leadership": 403}
# Everyone who reads the council's figures of a unit.
COUNCIL_READERS = {"council_member": 200, "assigned_member": 200, "secretary": 200, "leadership": 200}

Expectation = dict[str, dict[str, object]]


def row(default: object, roles: dict | None = None, **statuses: object) -> dict[str, object]:
    return {"*": default, **(roles or {}), **statuses}


def same(default: object, roles: dict | None = None, **statuses: object) -> Expectation:
    """GET and POST (an empty form) get the same answer."""
    return {"GET": row(default, roles, **statuses), "POST": row(default, roles, **statuses)}


def read(default: object, roles: dict | None = None, **statuses: object) -> Expectation:
    """A page that only reads: POST is refused with 405 once signed in."""
    return {"GET": row(default, roles, **statuses), "POST": row(405, SIGNED_IN)}


def action(default: object, roles: dict | None = None, **statuses: object) -> Expectation:
    """An action that only takes POST: GET is refused with 405 once signed in."""
    return {"GET": row(405, SIGNED_IN), "POST": row(default, roles or SIGNED_IN, **statuses)}


def each(names: str, expectation: Expectation) -> dict[str, Expectation]:
    return dict.fromkeys(names.split(), expectation)


EXPECTED: dict[str, Expectation] = {
    # public: the published year, the activation link, signature checks, the survey answer page
    **each(
        "activation_confirm results_build_download results_commendations results_csv results_heads results_index"
        " results_json results_losses results_overview results_pdf results_published results_published_unit"
        " results_published_unit_version results_published_version results_scorecard_pdf results_unit_losses"
        " results_xlsx signing_document signing_upload_pdf signing_verify",
        same(200),
    ),
    **each("activation_done healthz", {"GET": row(200), "POST": row(405)}),
    "favicon": same(301),
    "results_build": same(302),
    **each("sso_callback sso_login", same(404)),
    "survey_answer": {"GET": row(200), "POST": row(400)},
    "login": same(302, anonymous=200),
    "logout": {"GET": row(405), "POST": row(LOGIN)},
    # every signed-in person
    **each(
        "appraisal_queue framework_detail home password_change period_detail period_list plan_list",
        same(200, SIGNED_IN),
    ),
    "council_current": same(302, SIGNED_IN),
    **each("notice_list password_change_done", read(200, SIGNED_IN)),
    "notice_open": read(404, SIGNED_IN, own_staff=302),
    "notice_read_all": action(302),
    **each("results_objection_file results_objection_resolve results_publish", action(404)),
    # the own unit's sheet, its evidence and its explanations
    **each("assessment_sheet score_history sheet_export signing_document_pdf", same(200, OWN_SHEET)),
    "assessment_summary": same(302, OWN_SHEET),
    "sheet_import": same(403, OWN_SHEET),
    **each("assessment_preparers assessment_submit", {"GET": row(200, OWN_SHEET), "POST": row(403, OWN_SHEET)}),
    **each(
        "assessment_reopen evidence_document_replace evidence_library_upload evidence_link_locator"
        " evidence_link_unlink score_preview score_save",
        action(403, OWN_SHEET),
    ),
    **each(
        "evidence_criterion_link evidence_criterion_upload explanation_answer",
        action(403, OWN_SHEET, own_staff=302, own_head=302),
    ),
    **each(
        "evidence_criterion evidence_document_download evidence_document_preview evidence_library"
        " evidence_version_download explanation_list",
        read(200, OWN_SHEET),
    ),
    "plan_unit": {
        "GET": row(404, SIGNED_IN, own_staff=200, own_head=200, secretary=200, leadership=200),
        "POST": row(404, SIGNED_IN, own_head=200),
    },
    "plan_progress": action(404, own_head=302),
    "results_officers": same(404, SIGNED_IN, own_head=200, secretary=200),
    # the council
    **each(
        "appraisal_adjustment_save appraisal_flag appraisal_flag_withdraw appraisal_score_save",
        action(404, assigned_member=302),
    ),
    "appraisal_workspace": same(404, SIGNED_IN, assigned_member=200),
    "assessment_list": same(302, {**SIGNED_IN, **COUNCIL_READERS}),
    "results_unit": same(404, {**SIGNED_IN, **COUNCIL_READERS}),
    **each("council_overview results_what_if", same(404, SIGNED_IN, secretary=200, leadership=200)),
    # the secretariat
    **each(
        "council_assignment_add council_assignment_remove council_chair_set council_conflict_add"
        " council_conflict_remove council_explanation_send council_explanation_withdraw council_member_add"
        " council_member_remove council_start_appraisal",
        action(404, SECRETARIAT, secretary=302),
    ),
    "council_block_finalise": action(404, SECRETARIAT, secretary=403),
    **each("council_members council_survey_import council_survey_template", same(404, SECRETARIAT, secretary=200)),
    "audit_list": read(403, SIGNED_IN, secretary=200),
    "period_create": action(403, secretary=400),
    "period_open": action(403, secretary=302),
    **each(
        "results_commendation_add results_commendation_remove results_release survey_close survey_edit"
        " survey_invite survey_open survey_question_add survey_question_remove survey_record survey_sample_draw",
        action(404, secretary=302),
    ),
    "results_settings": {"GET": row(404, SIGNED_IN, secretary=200), "POST": row(404, SIGNED_IN, secretary=302)},
    # the survey and live results: the council's side
    **each("survey_cards survey_respondents survey_respondents_template", same(404, SIGNED_IN, secretary=200)),
    **each(
        "results_live survey_detail survey_export survey_list survey_responses survey_results",
        same(200, NO_UNIT_STAFF),
    ),
    "survey_create": action(403, NO_UNIT_STAFF, secretary=302),
    **each(
        "survey_response_exclude survey_response_restore",
        action(302, NO_UNIT_STAFF, conflicted_member=404, leadership=403),
    ),
    # leadership
    **each("signing_decision signing_decision_to_sign", same(404, SIGNED_IN, leadership=200)),
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


# What a URL needs that a visit of another URL would otherwise leave behind: without it the result would
# depend on which test ran first in the process (the year file is built by a visit of results_build).
PREPARE = {
    "results_build_download": lambda w: tasks.results_file_build.call(
        publication_id=w["publication"].pk, kind="pdf", language="vi"
    ),
}


@pytest.mark.parametrize("name", sorted(named_patterns()))
def test_each_role_gets_what_the_matrix_says(client, role_world, name):
    url = url_for(role_world, name)
    if name in PREPARE:
        PREPARE[name](role_world)
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
