"""Print, as JSON, what a fault-test server left behind: `python -m tests.faults.inspect_state`.

Rows of the evidence and score tables, the files on the evidence storage, and every inconsistency between
them (a row whose file is missing, a stored file no row refers to, a score whose history is incomplete).
"""

import json
from pathlib import Path

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402

from evidence.models import Document, DocumentVersion, EvidenceLink, StoredFile  # noqa: E402
from scoring.models import Score, ScoreChange  # noqa: E402


def main() -> dict:
    root = Path(settings.STORAGES["evidence"]["OPTIONS"]["location"])
    files = sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []
    names = set(StoredFile.objects.values_list("storage_name", flat=True))
    scores = Score.objects.annotate(change_count=Count("changes"))
    return {
        "documents": Document.objects.count(),
        "versions": DocumentVersion.objects.count(),
        "links": EvidenceLink.objects.count(),
        "stored_files": len(names),
        "files": [name for name in files if not name.startswith("healthz/")],
        "rows_without_file": sorted(names - set(files)),
        "files_without_row": sorted(name for name in files if name not in names and not name.startswith("healthz/")),
        "scores": scores.count(),
        "score_changes": ScoreChange.objects.count(),
        "scores_with_incomplete_history": [
            {"id": score.pk, "version": score.version, "changes": score.change_count}
            for score in scores
            if score.change_count != score.version
        ],
        "score_versions": {str(score.criterion_id): score.version for score in scores},
    }


if __name__ == "__main__":
    print(json.dumps(main()))
