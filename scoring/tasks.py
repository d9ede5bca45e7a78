"""Background work (`django.tasks`): year result files built once per publication, and the daily reminders.

With the ImmediateBackend (development, tests) a task runs inside the request that enqueues it; with
django-tasks-db (production) it waits in the database until `manage.py db_worker` runs it, and its
outcome (status, return value, traceback) stays in the task result table. Built files live in the
"exports" storage under a name made of the publication, its version and publication time, the kind
and the language: a published snapshot never changes, so a file, once built, is served for ever.

Sheet and survey imports stay synchronous: 120 rows import in well under a second, and the person who
uploads wants the row errors on the same form at once, not on a page that polls.
"""

import dataclasses
import enum
import io
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.management import call_command
from django.tasks import TaskResult, TaskResultStatus, task
from django.utils import timezone, translation
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from scoring.models import ResultPublication
from scoring.results.exports import pdf, workbook
from scoring.spreadsheets import XLSX_CONTENT_TYPE

logger = logging.getLogger(__name__)

EXPORTS_STORAGE = "exports"
# Part of every stored name: raise it when the annex or workbook layout changes, and every year's files
# are built afresh on their next request (the old ones can then be deleted).
LAYOUT_REVISION = 1
# A year's PDF takes seconds; a build "running" for longer than this lost its worker (killed, machine down).
STALLED_AFTER = timedelta(minutes=15)


@dataclasses.dataclass(frozen=True)
class FileKind:
    """A year file that can be built in the background; the same content as the direct export."""

    extension: str
    content_type: str
    build: Callable[[ResultPublication], bytes]


FILE_KINDS = {
    "pdf": FileKind("pdf", pdf.PDF_CONTENT_TYPE, pdf.year_pdf),
    "xlsx": FileKind("xlsx", XLSX_CONTENT_TYPE, workbook.year_workbook),
}


def exports_storage() -> Storage:
    return storages[EXPORTS_STORAGE]


def stored_name(publication: ResultPublication, kind: str, language: str) -> str:
    """The file's name in the exports storage.

    The publication time is part of it, so a database restored or re-seeded with the same ids never
    meets a file built from other figures.
    """
    year = publication.period.year
    stamp = publication.published_at.strftime("%Y%m%dT%H%M%S%f")
    return (
        f"results/{year}/r{LAYOUT_REVISION}/publication-{publication.pk}-v{publication.version}-{stamp}/"
        f"{language}/ket-qua-{year}.{FILE_KINDS[kind].extension}"
    )


@task()
def results_file_build(*, publication_id: int, kind: str, language: str) -> dict:
    """Build one year file of a publication into the exports storage, unless it is already there."""
    publication = ResultPublication.objects.select_related("period__authority").get(pk=publication_id)
    name = stored_name(publication, kind, language)
    storage = exports_storage()
    if storage.exists(name):
        return {"name": name, "is_cached": True}
    with translation.override(language):
        content = FILE_KINDS[kind].build(publication)
    saved = storage.save(name, ContentFile(content))
    if saved != name:  # another worker stored the same file meanwhile: keep theirs, drop this copy
        storage.delete(saved)
    return {"name": name, "is_cached": False, "size": len(content)}


class BuildStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclasses.dataclass(frozen=True)
class Build:
    """Where one year file stands, for the build page."""

    status: BuildStatus
    name: str
    task_id: str = ""
    waiting_before: int = 0  # queued builds and other tasks ahead of this one
    started_at: datetime | None = None
    size: int | None = None

    @property
    def is_pending(self) -> bool:
        return self.status in (BuildStatus.QUEUED, BuildStatus.RUNNING)

    @property
    def is_queued(self) -> bool:
        return self.status == BuildStatus.QUEUED

    @property
    def is_done(self) -> bool:
        return self.status == BuildStatus.DONE


def _from_result(result: TaskResult, name: str) -> Build:
    if result.status == TaskResultStatus.SUCCESSFUL:
        return _done(name, task_id=result.id)
    if result.status == TaskResultStatus.FAILED:
        return Build(BuildStatus.FAILED, name, task_id=result.id)
    if result.status == TaskResultStatus.RUNNING:
        if result.started_at and result.started_at < timezone.now() - STALLED_AFTER:
            return Build(BuildStatus.FAILED, name, task_id=result.id)  # its worker died: let it be started again
        return Build(BuildStatus.RUNNING, name, task_id=result.id, started_at=result.started_at)
    waiting = 0
    if isinstance(results_file_build.get_backend(), DatabaseBackend):
        waiting = (
            DBTaskResult.objects.ready()
            .filter(backend_name=result.backend, queue_name=result.task.queue_name, enqueued_at__lt=result.enqueued_at)
            .count()
        )
    return Build(BuildStatus.QUEUED, name, task_id=result.id, waiting_before=waiting)


def _done(name: str, task_id: str = "") -> Build:
    return Build(BuildStatus.DONE, name, task_id=task_id, size=exports_storage().size(name))


def _latest_result(publication: ResultPublication, kind: str, language: str) -> TaskResult | None:
    """The last build of this file recorded in the queue; only django-tasks-db keeps such a record."""
    backend = results_file_build.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    record = (
        DBTaskResult.objects.filter(
            task_path=results_file_build.module_path,
            backend_name=backend.alias,
            args_kwargs__kwargs__publication_id=publication.pk,
            args_kwargs__kwargs__kind=kind,
            args_kwargs__kwargs__language=language,
        )
        .order_by("-enqueued_at")
        .first()
    )
    return record.task_result if record else None


def build_status(publication: ResultPublication, kind: str, language: str) -> Build:
    """A stored file is done whatever the queue says; otherwise the last recorded build tells."""
    name = stored_name(publication, kind, language)
    if exports_storage().exists(name):
        return _done(name)
    result = _latest_result(publication, kind, language)
    if result is None or result.status == TaskResultStatus.SUCCESSFUL:  # never built, or the file was removed
        return Build(BuildStatus.NOT_STARTED, name)
    return _from_result(result, name)


def build_start(publication: ResultPublication, kind: str, language: str) -> Build:
    """Queue a build unless the file exists or a build is already waiting or running."""
    current = build_status(publication, kind, language)
    if current.status == BuildStatus.DONE or current.is_pending:
        return current
    result = results_file_build.enqueue(publication_id=publication.pk, kind=kind, language=language)
    if result.status == TaskResultStatus.FAILED:
        # The database worker logs its failures itself; a task run in the request is logged here.
        for error in result.errors:
            logger.error("Building %s failed:\n%s", current.name, error.traceback)
    return _from_result(result, current.name)


@task()
def reminders_send(days: int = 3) -> str:
    """`manage.py send_reminders` run by the worker: its e-mails leave from there, its output is kept."""
    output = io.StringIO()
    with translation.override("vi"):
        call_command("send_reminders", days=days, stdout=output)
    return output.getvalue()


@task()
def signed_document_sign(*, document_id: int) -> dict:
    """Sign a document recorded by publication, finalisation or submission (signing.services.document_sign)."""
    from scoring.models import SignedDocument
    from scoring.signing.services import document_sign  # services enqueue this task: import when it runs

    document = document_sign(document=SignedDocument.objects.get(pk=document_id))
    return {"reference": document.reference, "sha256": document.file_sha256}
