"""Writes on a period's results, one module per step: the preliminary release and objections, the publication,
and the secretariat's settings and commendations. Callers import the services from here."""

from scoring.results.services.preliminary import objection_file, objection_resolve, results_release_preliminary
from scoring.results.services.publication import results_publish
from scoring.results.services.secretariat import (
    classification_bands_replace,
    commendation_add,
    commendation_remove,
    period_survey_set,
    ranking_exclusion_remove,
    ranking_exclusion_set,
    results_config_update,
)
