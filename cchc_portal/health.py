"""/healthz for load balancers and monitoring: is this app server able to serve requests?

Answers without login and without touching the session, checks every configured database (SELECT 1)
and the evidence storage (writes and deletes a tiny probe file), and says which part failed.
"""

import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

PROBE_FOLDER = "healthz"


def database_is_ok() -> bool:
    try:
        for connection in connections.all():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database does not answer")
        return False
    return True


def storage_is_ok() -> bool:
    """Write, read back and delete a probe: a read-only or full disk (or bucket) must show here."""
    storage = storages["evidence"]
    name = f"{PROBE_FOLDER}/probe-{uuid.uuid4().hex}"
    try:
        saved = storage.save(name, ContentFile(b"ok"))
        try:
            with storage.open(saved, "rb") as handle:
                if handle.read() != b"ok":
                    raise OSError("the probe file reads back differently")
        finally:
            storage.delete(saved)
    except Exception:
        logger.exception("Health check: the evidence storage cannot be written")
        return False
    return True


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_is_ok(), "storage": storage_is_ok()}
    body = {"status": "ok" if all(checks.values()) else "error"}
    body.update({part: "ok" if is_ok else "error" for part, is_ok in checks.items()})
    return JsonResponse(body, status=200 if all(checks.values()) else 503)
