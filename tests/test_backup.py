"""`manage.py backup` and `manage.py restore`: the database and the evidence files survive a round trip."""

import hashlib
import io
import json
import tarfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from weasyprint import HTML

from evidence.models import Document, EvidenceLink, StoredFile
from evidence.services import documents_upload
from scoring.models import AuditEvent, Criterion, Period, Score, ScoreChange
from scoring.rules import Entry
from scoring.sheets.services import ScoreInput, self_score_record
from tests.factories import (
    PASSWORD,
    FrameworkFactory,
    PeriodFactory,
    small_framework,
    unit_sheet,
    user_with_role,
)
from units.models import Role, RoleAssignment, User

# The round trip flushes the whole database, so it cannot run inside a rolled-back test transaction.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("evidence_root")]


def files_under(root: Path) -> dict[str, str]:
    """Every file under root with its SHA-256."""
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def pdf(text: str) -> bytes:
    return HTML(string=f"<html><body><h1>{text}</h1></body></html>").write_pdf()


@pytest.fixture
def seeded(evidence_root):
    """A sheet with scores and their history, a PDF cited for a criterion, a second PDF, and audit events."""
    period = PeriodFactory(
        year=2025, state=Period.State.SELF_ASSESSMENT, self_assessment_deadline=timezone.now() + timedelta(days=7)
    )
    framework = small_framework(FrameworkFactory(period=period))
    assessment = unit_sheet(framework, "UBND phường Hạ Đình")
    staff = user_with_role(Role.UNIT_STAFF, unit=assessment.unit, full_name="Trần Thị Đầu Mối")
    user_with_role(Role.COUNCIL_SECRETARY, full_name="Nguyễn Thu Hà")
    criteria = {criterion.code: criterion for criterion in Criterion.objects.filter(framework=framework)}
    levels = criteria["1.1.1"].options.order_by("position").first()
    for code, entry, version in [
        ("1.1.1", Entry(option_id=levels.pk), 0),
        ("2.1", Entry(value=Decimal("1.25")), 0),
        ("2.1", Entry(value=Decimal("0.75")), 1),
        ("1.3", Entry(is_yes=True), 0),
    ]:
        self_score_record(
            actor=staff,
            assessment=assessment,
            criterion=criteria[code],
            data=ScoreInput(entry=entry, explanation=f"Giải thích {code}"),
            expected_version=version,
        )
    documents_upload(
        actor=staff,
        assessment=assessment,
        uploads=[SimpleUploadedFile("ke-hoach.pdf", pdf("Kế hoạch CCHC 2025"))],
        title="Kế hoạch cải cách hành chính năm 2025",
        criterion=criteria["1.1.1"],
        locator="trang 2",
    )
    documents_upload(
        actor=staff,
        assessment=assessment,
        uploads=[SimpleUploadedFile("bao-cao.pdf", pdf("Báo cáo quý III"))],
        title="Báo cáo quý III",
    )
    return assessment


def snapshot() -> dict:
    """What must come back: every score with its points, history, documents, links, people and files."""
    return {
        "scores": sorted(
            (s.assessment.unit.name, s.criterion.code, s.stage, str(s.points), s.version, s.updated_by.username)
            for s in Score.objects.select_related("assessment__unit", "criterion", "updated_by")
        ),
        "changes": sorted(
            (c.score.criterion.code, str(c.old_points), str(c.new_points), c.actor.username)
            for c in ScoreChange.objects.select_related("score__criterion", "actor")
        ),
        "documents": sorted(
            (d.title, d.original_name, d.file.sha256, d.file.size) for d in Document.objects.select_related("file")
        ),
        "links": sorted(
            (link.document.title, link.criterion.code, link.locator) for link in EvidenceLink.objects.all()
        ),
        "audit": sorted((e.action, e.summary) for e in AuditEvent.objects.all()),
        "roles": sorted((r.user.username, r.role, r.unit_id) for r in RoleAssignment.objects.select_related("user")),
        "stored": sorted(StoredFile.objects.values_list("storage_name", "sha256")),
    }


def test_backup_then_restore_into_an_empty_installation_brings_back_every_score_and_file(
    seeded, evidence_root, tmp_path, client
):
    # given a backup of a portal with scores and evidence
    before = snapshot()
    files_before = files_under(evidence_root)
    assert len(before["scores"]) == 3
    assert len(before["changes"]) == 4
    assert len(files_before) == 2
    archive = tmp_path / "backups" / "cchc.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    # when the database and the evidence folder are wiped, then the backup restored
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(evidence_root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert Score.objects.count() == 0
    assert files_under(evidence_root) == {}
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    # then everything is back, byte for byte
    assert "every file's SHA-256 checked" in out.getvalue()
    assert snapshot() == before
    assert files_under(evidence_root) == files_before
    assert {sha for _, sha in before["stored"]} == set(files_before.values())
    # and people can log in with their old passwords
    staff = User.objects.get(full_name="Trần Thị Đầu Mối")
    assert client.login(username=staff.username, password=PASSWORD)


def test_the_manifest_counts_rows_and_hashes_every_member(seeded, evidence_root, tmp_path):
    archive = tmp_path / "cchc.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        members = sorted(tar.getnames())
        hashes = {
            name: hashlib.sha256(tar.extractfile(name).read()).hexdigest()
            for name in members
            if name != "manifest.json"
        }
    stored = dict(StoredFile.objects.values_list("storage_name", "sha256"))
    assert members == sorted(["database.json", "manifest.json", *(f"evidence/{name}" for name in stored)])
    assert {name: entry["sha256"] for name, entry in manifest["files"].items()} == hashes
    assert manifest["evidence_files"] == 2
    assert manifest["counts"]["scoring.score"] == 3
    assert manifest["counts"]["scoring.scorechange"] == 4
    assert manifest["counts"]["evidence.storedfile"] == 2
    assert "contenttypes.contenttype" not in manifest["counts"]
    assert "sessions.session" not in manifest["counts"]
    assert not any(label.startswith("axes.") for label in manifest["counts"])


def test_restore_refuses_an_installation_that_already_holds_data(seeded, evidence_root, tmp_path):
    archive = tmp_path / "cchc.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    scores_before = Score.objects.count()

    with pytest.raises(CommandError, match="Refusing to restore: this installation already holds data"):
        call_command("restore", str(archive), stdout=io.StringIO())

    assert Score.objects.count() == scores_before


def test_restore_refuses_a_damaged_archive_and_writes_nothing(seeded, evidence_root, tmp_path):
    archive = tmp_path / "cchc.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    # rebuild the archive with one evidence file's bytes changed (same size)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("evidence/") and not damaged_one(target):
                data = bytes([data[0] ^ 0xFF]) + data[1:]
                target.damaged = True
            target.addfile(member, io.BytesIO(data))
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(evidence_root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()

    with pytest.raises(CommandError, match="The archive is damaged; nothing was restored"):
        call_command("restore", str(damaged), stdout=io.StringIO())

    assert Score.objects.count() == 0
    assert User.objects.count() == 0
    assert files_under(evidence_root) == {}


def damaged_one(archive: tarfile.TarFile) -> bool:
    return getattr(archive, "damaged", False)


def test_backup_refuses_when_an_evidence_file_is_missing(seeded, evidence_root, tmp_path):
    missing = StoredFile.objects.order_by("pk").first()
    (evidence_root / missing.storage_name).unlink()
    archive = tmp_path / "cchc.tar.gz"

    with pytest.raises(CommandError, match=f"{missing.storage_name}: missing from the evidence storage"):
        call_command("backup", str(archive), stdout=io.StringIO())

    assert not archive.exists()
    assert list(tmp_path.glob("*.partial")) == []
