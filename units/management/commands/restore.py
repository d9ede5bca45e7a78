"""`manage.py restore ARCHIVE.tar.gz`: bring a `manage.py backup` archive back into an empty installation.

Run `manage.py migrate` first (same code version as the backup, or newer). The command refuses when the
database already holds data, verifies the SHA-256 of every member before writing anything, loads the
database and writes the evidence files in one go (a failure leaves neither rows nor files behind), then
reads every file back from the storage and compares its hash and the row counts with the manifest.
"""

import hashlib
import tarfile
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, transaction

from evidence.services import evidence_storage
from units.management.commands.backup import (
    CHUNK,
    DATABASE_MEMBER,
    EVIDENCE_PREFIX,
    applied_migrations,
    backed_up_models,
    read_manifest,
    sha256_of,
)


class Command(BaseCommand):
    help = "Restore a backup archive (database and evidence files) into an empty, migrated installation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="Archive written by `manage.py backup`.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias to load into.")

    def handle(self, *args, archive: str, database: str, **options) -> None:
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        self._refuse_unless_empty(database)
        with tempfile.TemporaryDirectory(prefix="cchc-restore-") as work, tarfile.open(path, "r:gz") as tar:
            manifest = read_manifest(tar)
            self._check_migrations(manifest, database)
            extracted = self._extract_and_verify(tar, manifest, Path(work))
            self._load(manifest, extracted, database)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {sum(manifest['counts'].values())} rows and {manifest['evidence_files']} evidence files "
                f"from the backup of {manifest['created_at']}; every file's SHA-256 checked."
            )
        )

    def _refuse_unless_empty(self, database: str) -> None:
        filled = [
            model._meta.label_lower for model in backed_up_models() if model._default_manager.using(database).exists()
        ]
        if filled:
            raise CommandError(
                "Refusing to restore: this installation already holds data "
                f"({', '.join(filled[:5])}{', ...' if len(filled) > 5 else ''}). "
                "Restore into an empty database (create it, run `manage.py migrate`, then restore)."
            )

    def _check_migrations(self, manifest: dict, database: str) -> None:
        applied = {tuple(item) for item in applied_migrations(database)}
        missing = [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in applied]
        if missing:
            raise CommandError(
                "The database is behind the backup: run `manage.py migrate` with the same or a newer version "
                f"of the portal first. Not applied here: {', '.join(missing[:5])}."
            )

    def _extract_and_verify(self, tar: tarfile.TarFile, manifest: dict, work: Path) -> dict[str, Path]:
        """Extract each member the manifest lists and check its size and hash; nothing else is read."""
        extracted: dict[str, Path] = {}
        problems: list[str] = []
        for index, (name, expected) in enumerate(sorted(manifest["files"].items())):
            try:
                member = tar.getmember(name)
            except KeyError:
                problems.append(f"{name}: missing from the archive")
                continue
            if not member.isfile():
                problems.append(f"{name}: not a regular file")
                continue
            # Never a path taken from the archive; loaddata wants the .json extension.
            target = work / (f"{index:08d}.json" if name == DATABASE_MEMBER else f"{index:08d}")
            digest = hashlib.sha256()
            with tar.extractfile(member) as source, target.open("wb") as copy:
                for chunk in iter(lambda source=source: source.read(CHUNK), b""):
                    digest.update(chunk)
                    copy.write(chunk)
            if member.size != expected["size"] or digest.hexdigest() != expected["sha256"]:
                problems.append(f"{name}: SHA-256 or size differs from the manifest")
                continue
            extracted[name] = target
        if DATABASE_MEMBER not in manifest["files"]:
            problems.append(f"{DATABASE_MEMBER}: not listed in the manifest")
        if problems:
            raise CommandError("The archive is damaged; nothing was restored:\n  " + "\n  ".join(problems))
        return extracted

    def _load(self, manifest: dict, extracted: dict[str, Path], database: str) -> None:
        storage = evidence_storage()
        written: list[str] = []
        try:
            with transaction.atomic(using=database):
                call_command("loaddata", str(extracted[DATABASE_MEMBER]), database=database, format="json", verbosity=0)
                for name, source in extracted.items():
                    if not name.startswith(EVIDENCE_PREFIX):
                        continue
                    storage_name = name.removeprefix(EVIDENCE_PREFIX)
                    expected = manifest["files"][name]["sha256"]
                    if storage.exists(storage_name):
                        if self._sha256_in_storage(storage_name) == expected:
                            continue  # the same bytes are already there (content-addressed names)
                        raise CommandError(f"{storage_name} already exists in the evidence storage with other content.")
                    with source.open("rb") as handle:
                        saved = storage.save(storage_name, handle)
                    written.append(saved)
                    if saved != storage_name:
                        raise CommandError(f"The evidence storage renamed {storage_name} to {saved}.")
                self._verify_restored(manifest, database)  # still inside the transaction: a mismatch undoes it all
        except BaseException:
            for saved in written:
                storage.delete(saved)
            raise

    def _verify_restored(self, manifest: dict, database: str) -> None:
        counts = {
            model._meta.label_lower: model._default_manager.using(database).count() for model in backed_up_models()
        }
        differences = [
            f"{label}: {counts.get(label, 0)} rows, backup had {expected}"
            for label, expected in manifest["counts"].items()
            if counts.get(label, 0) != expected
        ]
        for name, expected in manifest["files"].items():
            if not name.startswith(EVIDENCE_PREFIX):
                continue
            storage_name = name.removeprefix(EVIDENCE_PREFIX)
            try:
                actual = self._sha256_in_storage(storage_name)
            except FileNotFoundError:
                differences.append(f"{storage_name}: missing from the evidence storage after restoring")
                continue
            if actual != expected["sha256"]:
                differences.append(f"{storage_name}: SHA-256 differs after restoring")
        if differences:
            raise CommandError("The restored installation differs from the backup:\n  " + "\n  ".join(differences))

    @staticmethod
    def _sha256_in_storage(storage_name: str) -> str:
        with evidence_storage().open(storage_name, "rb") as handle:
            return sha256_of(handle)
