"""`manage.py backup OUTPUT.tar.gz`: the database and every evidence file, together, in one archive.

The archive holds `database.json` (dumpdata of every app with natural foreign keys, so it loads into a
fresh installation whose content types and permissions were numbered differently), the evidence files
under `evidence/<storage name>`, and `manifest.json` (row counts per model, size and SHA-256 of every
member). `manage.py restore` reads it back and checks all of it.

Left out, because a fresh installation makes them itself or does not need them: content types and
permissions (created by `migrate`), sessions (everyone logs in again) and django-axes' login records.
"""

import hashlib
import io
import json
import os
import tarfile
import tempfile
from pathlib import Path
from typing import BinaryIO

import django
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from evidence.models import StoredFile
from evidence.services import evidence_storage

FORMAT = "cchc-portal-backup"
FORMAT_VERSION = 1
DATABASE_MEMBER = "database.json"
MANIFEST_MEMBER = "manifest.json"
EVIDENCE_PREFIX = "evidence/"
EXCLUDED = ("contenttypes", "auth.permission", "sessions", "axes")
CHUNK = 1024 * 1024


def backed_up_models() -> list[type]:
    """The concrete models whose rows go into the archive (and must be absent before a restore)."""
    excluded_apps = {label for label in EXCLUDED if "." not in label}
    excluded_models = {label.lower() for label in EXCLUDED if "." in label}
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in excluded_apps
        and model._meta.label_lower not in excluded_models
        and not model._meta.proxy
        and model._meta.managed
    ]


def applied_migrations(database: str = DEFAULT_DB_ALIAS) -> list[list[str]]:
    recorder = MigrationRecorder(connections[database])
    return sorted([app, name] for app, name in recorder.applied_migrations())


class HashingReader:
    """Reads through to `source`, hashing and counting what passes."""

    def __init__(self, source: BinaryIO):
        self.source = source
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def sha256_of(handle: BinaryIO) -> str:
    """The SHA-256 of a file read a chunk at a time (a database dump or an evidence file may be large)."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _tar_info(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o640
    return info


class Command(BaseCommand):
    help = "Save the database and the evidence files together in one .tar.gz archive with a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="Archive to write, e.g. /var/backups/cchc/cchc-2026-11-26.tar.gz")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias to dump (default: default).")

    def handle(self, *args, output: str, database: str, **options) -> None:
        target = Path(output)
        if target.exists():
            raise CommandError(f"{target} already exists; choose a new file name.")
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write next to the target and rename at the end: a failed backup never looks like a finished one.
        handle, partial_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        os.close(handle)
        partial = Path(partial_name)
        try:
            manifest = self._write(partial, database)
            partial.replace(target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {target}: {sum(manifest['counts'].values())} rows, "
                f"{manifest['evidence_files']} evidence files."
            )
        )

    def _write(self, archive_path: Path, database: str) -> dict:
        files: dict[str, dict] = {}
        now = timezone.now()
        with tempfile.TemporaryDirectory(prefix="cchc-backup-") as work, tarfile.open(archive_path, "w:gz") as archive:
            dump = Path(work) / DATABASE_MEMBER
            call_command(
                "dumpdata",
                exclude=list(EXCLUDED),
                natural_foreign=True,
                database=database,
                output=str(dump),
                indent=None,
                verbosity=0,
            )
            with dump.open("rb") as handle:
                files[DATABASE_MEMBER] = {"size": dump.stat().st_size, "sha256": sha256_of(handle)}
            archive.add(dump, arcname=DATABASE_MEMBER)

            files.update(self._add_evidence(archive, database, now.timestamp()))

            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": now.isoformat(),
                "django_version": django.get_version(),
                "database_vendor": connections[database].vendor,
                "migrations": applied_migrations(database),
                "counts": {
                    model._meta.label_lower: model._default_manager.using(database).count()
                    for model in backed_up_models()
                },
                "evidence_files": sum(1 for name in files if name.startswith(EVIDENCE_PREFIX)),
                "files": files,
            }
            data = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True).encode()
            archive.addfile(_tar_info(MANIFEST_MEMBER, len(data), now.timestamp()), io.BytesIO(data))
        return manifest

    def _add_evidence(self, archive: tarfile.TarFile, database: str, mtime: float) -> dict[str, dict]:
        """Stream every stored file into the archive, checking it still has the bytes its row promises."""
        storage = evidence_storage()
        files: dict[str, dict] = {}
        problems: list[str] = []
        stored_files = StoredFile.objects.using(database).order_by("pk").values_list("storage_name", "sha256", "size")
        for storage_name, sha256, size in stored_files.iterator():
            try:
                source = storage.open(storage_name, "rb")
            except FileNotFoundError:
                problems.append(f"{storage_name}: missing from the evidence storage")
                continue
            with source:
                reader = HashingReader(source)
                try:
                    archive.addfile(_tar_info(EVIDENCE_PREFIX + storage_name, size, mtime), reader)
                except OSError as error:  # shorter than its row says: the archive member is unusable
                    raise CommandError(
                        f"Evidence file {storage_name} is damaged ({error}); no backup written."
                    ) from None
            if reader.size != size or reader.sha256.hexdigest() != sha256:
                problems.append(f"{storage_name}: content does not match its SHA-256 ({sha256})")
                continue
            files[EVIDENCE_PREFIX + storage_name] = {"size": size, "sha256": sha256}
        if problems:
            raise CommandError("Evidence storage is damaged; no backup written:\n  " + "\n  ".join(problems))
        return files


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(MANIFEST_MEMBER)
    except KeyError:
        raise CommandError(f"Not a portal backup: {MANIFEST_MEMBER} is missing.") from None
    manifest = json.load(archive.extractfile(member))
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise CommandError(
            f"Unsupported archive format {manifest.get('format')!r} version {manifest.get('format_version')!r}."
        )
    return manifest
