"""Background work: year files built once into the exports storage, the build page, the worker, reminders."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from scoring import tasks
from scoring.models import Assessment, Period, ResultsConfig
from tests.factories import PUBLISHED_YEAR as YEAR

pytestmark = pytest.mark.django_db

# The year file's name as Content-Disposition spells it (RFC 5987).
VIETNAMESE_NAME = quote(f"Kết quả Chỉ số CCHC năm {YEAR}")

# The worker closes its database connection after each task, as in production: inside the usual
# per-test transaction that would break the test on PostgreSQL, so these tests run outside one.
WORKER_TEST = pytest.mark.django_db(transaction=True)


DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def exports_folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "exports"), "base_url": None},
        },
    }
    return tmp_path / "exports"


@pytest.fixture
def database_queue(settings):
    """The production backend: tasks wait in the database until the worker runs them."""
    settings.TASKS = DB_BACKEND


def build_url(kind="pdf", year=YEAR, **query):
    address = reverse("results_build", args=[year, kind])
    return address + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def download_url(kind="pdf", year=YEAR, **query):
    address = reverse("results_build_download", args=[year, kind])
    return address + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def stored_files(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def stored_name(published, kind="pdf") -> str:
    return tasks.stored_name(published["publication"], kind, "vi")


def count_builds(monkeypatch) -> list[int]:
    """Count calls of the annex builder, which still builds the real PDF."""
    calls = []
    annex_pdf = tasks.pdf.annex_pdf

    def counted(results):
        calls.append(results.publication.pk)
        return annex_pdf(results)

    monkeypatch.setattr(tasks.pdf, "annex_pdf", counted)
    return calls


def broken_builder(monkeypatch):
    def fail(results):
        raise RuntimeError("Pango is missing")

    monkeypatch.setattr(tasks.pdf, "annex_pdf", fail)


# ---------------------------------------------------------------------------------------------
# Building (ImmediateBackend, as in development: the build runs in the request that starts it)


def test_the_link_builds_the_annex_once_and_sends_it_as_a_download(client, published, exports_folder, monkeypatch):
    client.force_login(published["secretary"])
    calls = count_builds(monkeypatch)

    response = client.get(build_url(version=1))

    assert response.status_code == 302
    assert response["Location"] == download_url(version=1)
    assert stored_files(exports_folder) == [stored_name(published)]
    assert calls == [published["publication"].pk]

    download = client.get(response["Location"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == "attachment; filename*=utf-8''" + VIETNAMESE_NAME + "-v1.pdf"
    assert "private" in download["Cache-Control"]
    assert download["X-Content-Type-Options"] == "nosniff"
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    assert content == (exports_folder / stored_name(published)).read_bytes()

    # a second visitor gets the stored file: nothing is built again
    assert client.get(build_url(version=1))["Location"] == download_url(version=1)
    assert calls == [published["publication"].pk]


def test_the_workbook_is_the_same_as_the_direct_export(client, published, exports_folder):
    client.force_login(published["leadership"])

    response = client.get(build_url("xlsx"), follow=True)

    assert response.status_code == 200
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + VIETNAMESE_NAME + ".xlsx"
    built = load_workbook(exports_folder / stored_name(published, "xlsx"))
    direct = client.get(reverse("results_xlsx", args=[YEAR, YEAR]))
    direct_path = exports_folder.parent / "direct.xlsx"
    direct_path.write_bytes(direct.content)
    expected = load_workbook(direct_path)
    assert built.sheetnames == expected.sheetnames
    for name in expected.sheetnames:
        assert list(built[name].values) == list(expected[name].values)


def test_a_build_of_a_stored_file_is_done_at_once(published, exports_folder, monkeypatch):
    calls = count_builds(monkeypatch)
    arguments = {"publication_id": published["publication"].pk, "kind": "pdf", "language": "vi"}

    first = tasks.results_file_build.enqueue(**arguments)
    size = (exports_folder / stored_name(published)).stat().st_size
    second = tasks.results_file_build.enqueue(**arguments)

    assert first.status == second.status == TaskResultStatus.SUCCESSFUL
    assert first.return_value == {"name": stored_name(published), "is_cached": False, "size": size}
    assert second.return_value == {"name": stored_name(published), "is_cached": True}
    assert calls == [published["publication"].pk]
    assert stored_files(exports_folder) == [stored_name(published)]


def test_each_version_and_language_has_its_own_file(published):
    name = stored_name(published)
    stamp = published["publication"].published_at.strftime("%Y%m%dT%H%M%S%f")
    assert name == f"results/2022/r1/publication-{published['publication'].pk}-v1-{stamp}/vi/ket-qua-2022.pdf"
    assert tasks.stored_name(published["publication"], "pdf", "en") == name.replace("/vi/", "/en/")
    assert stored_name(published, "xlsx") == name.replace(".pdf", ".xlsx")


def test_a_failing_build_shows_the_error_and_can_be_retried(client, published, exports_folder, monkeypatch):
    client.force_login(published["secretary"])
    broken_builder(monkeypatch)

    response = client.get(build_url())

    assert response.status_code == 200
    text = response.text
    assert "Không tạo được tệp" in text
    assert "Đã có lỗi khi tạo tệp. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống." in text
    assert f'<form method="post" action="{build_url()}">' in text
    assert "Pango is missing" not in text  # the traceback goes to the log, not to visitors
    assert stored_files(exports_folder) == []

    monkeypatch.undo()
    retry = client.post(build_url())
    assert retry.status_code == 302
    assert retry["Location"] == build_url()
    assert stored_files(exports_folder) == [stored_name(published)]
    assert client.get(build_url())["Location"] == download_url()


def test_the_polled_status_says_the_file_is_ready_with_its_link(client, published):
    client.force_login(published["own_staff"])

    response = client.get(build_url(version=1), headers={"HX-Request": "true"})

    assert response.status_code == 200
    text = response.text
    assert text.lstrip().startswith('<div id="build-status"')  # the fragment only
    assert "Tệp đã sẵn sàng" in text
    assert f'href="{download_url(version=1)}"' in text.replace("&amp;", "&")
    assert "hx-trigger" not in text  # polling stops


@pytest.mark.parametrize("kind", ["pdf", "xlsx"])
def test_the_download_of_a_file_not_built_yet_leads_to_the_build_page(client, published, exports_folder, kind):
    client.force_login(published["secretary"])
    response = client.get(download_url(kind))
    assert response.status_code == 302
    assert response["Location"] == build_url(kind)
    assert stored_files(exports_folder) == []


def test_unknown_kinds_versions_and_years_are_not_found(client, published):
    client.force_login(published["secretary"])
    assert client.get(build_url("docx")).status_code == 404
    assert client.get(build_url(version=7)).status_code == 404
    assert client.get(build_url(version="x")).status_code == 404
    assert client.get(build_url(year=YEAR + 5)).status_code == 404
    assert client.get(download_url("docx")).status_code == 404


# ---------------------------------------------------------------------------------------------
# Who may build and download: the published ranking's rule


@pytest.mark.parametrize(
    "who", ["anonymous", "own_staff", "own_head", "other_staff", "council_member", "secretary", "leadership"]
)
@pytest.mark.parametrize("kind", ["pdf", "xlsx"])
def test_building_and_downloading_follow_the_published_ranking_rules(client, published, exports_folder, kind, who):
    # given a published year that is not public
    if published[who] is not None:
        client.force_login(published[who])
    login = f"{reverse('login')}?next="

    # when a visitor opens the build page and the download
    response = client.get(build_url(kind))
    download = client.get(download_url(kind))

    # then only people who are logged in get the file
    if who == "anonymous":
        assert response["Location"] == login + build_url(kind)
        assert download["Location"] == login + download_url(kind)
        assert client.post(build_url(kind))["Location"] == login + build_url(kind)
        assert stored_files(exports_folder) == []  # nothing is built for a visitor who may not see it
    else:
        assert response["Location"] == download_url(kind)
        assert download.status_code == 200
        assert "private" in download["Cache-Control"]

    # and once the year is public, everyone does
    ResultsConfig.objects.create(period=published["period"], is_public=True)
    assert client.get(build_url(kind))["Location"] == download_url(kind)
    download = client.get(download_url(kind))
    assert download.status_code == 200
    assert download["Cache-Control"] == "public, max-age=300"
    assert stored_files(exports_folder) == [stored_name(published, kind)]


def test_a_year_without_publication_sends_visitors_to_log_in(client, published):
    response = client.get(build_url(year=YEAR + 5))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_results_page_links_to_the_build_pages(client, published):
    client.force_login(published["leadership"])
    text = client.get(reverse("results_published", args=[YEAR])).text
    for kind in ("pdf", "xlsx"):
        assert f'href="{build_url(kind, version=1)}"' in text


# ---------------------------------------------------------------------------------------------
# The database queue and its worker (production)


@WORKER_TEST
def test_with_the_database_queue_the_page_polls_until_the_worker_is_done(
    client, published, exports_folder, database_queue
):
    client.force_login(published["secretary"])

    page = client.get(build_url())

    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    text = page.text
    assert "Đang tạo tệp…" in text
    assert "Bước 1/3: đang chờ đến lượt." in text
    assert f'hx-get="{build_url()}" hx-trigger="every 2s"' in text
    assert "<script" not in text.split('<main id="main"')[1].split("</main>")[0]  # no inline script
    record = DBTaskResult.objects.get()
    assert record.status == TaskResultStatus.READY
    assert record.task_path == "scoring.tasks.results_file_build"
    assert record.args_kwargs == {
        "args": [],
        "kwargs": {"publication_id": published["publication"].pk, "kind": "pdf", "language": "vi"},
    }
    assert stored_files(exports_folder) == []

    # opening the page again, or another visitor, does not queue a second build
    client.force_login(published["leadership"])
    assert "Đang tạo tệp…" in client.get(build_url()).text
    assert client.post(build_url()).status_code == 302
    assert DBTaskResult.objects.count() == 1

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    record.refresh_from_db()
    assert record.status == TaskResultStatus.SUCCESSFUL
    assert stored_files(exports_folder) == [stored_name(published)]
    polled = client.get(build_url(), headers={"HX-Request": "true"})
    assert "Tệp đã sẵn sàng" in polled.text
    assert client.get(build_url())["Location"] == download_url()


def test_the_page_counts_the_work_ahead_and_shows_a_running_build(client, published, database_queue):
    client.force_login(published["secretary"])
    tasks.reminders_send.enqueue()  # someone else's task, queued first
    client.get(build_url())
    build = DBTaskResult.objects.get(task_path="scoring.tasks.results_file_build")

    assert "Còn 1 việc phía trước." in client.get(build_url(), headers={"HX-Request": "true"}).text

    started = timezone.now()
    DBTaskResult.objects.filter(pk=build.pk).update(status=TaskResultStatus.RUNNING, started_at=started)
    text = client.get(build_url(), headers={"HX-Request": "true"}).text
    assert "Bước 2/3: đang dựng tệp." in text
    assert f"Bắt đầu lúc {timezone.localtime(started):%H:%M:%S}." in text
    assert 'hx-trigger="every 2s"' in text


def test_a_build_whose_worker_died_can_be_started_again(client, published, database_queue):
    client.force_login(published["secretary"])
    client.get(build_url())
    started = timezone.now() - tasks.STALLED_AFTER - timedelta(seconds=1)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=started)

    text = client.get(build_url(), headers={"HX-Request": "true"}).text
    assert "Không tạo được tệp" in text

    client.post(build_url())
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


@WORKER_TEST
def test_a_build_failed_in_the_worker_is_shown_with_its_reference(
    client, published, exports_folder, database_queue, monkeypatch
):
    client.force_login(published["secretary"])
    client.get(build_url())
    broken_builder(monkeypatch)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    monkeypatch.undo()
    record = DBTaskResult.objects.get()
    assert record.status == TaskResultStatus.FAILED
    assert "Pango is missing" in record.traceback

    text = client.get(build_url(), headers={"HX-Request": "true"}).text
    assert "Không tạo được tệp" in text
    assert f"Mã lỗi: {record.pk}." in text
    assert "hx-trigger" not in text
    assert DBTaskResult.objects.count() == 1  # showing a failure does not start another build

    client.post(build_url())  # "Thử lại"
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert stored_files(exports_folder) == [stored_name(published)]


def test_the_status_page_runs_a_fixed_number_of_queries(client, published, database_queue, django_assert_num_queries):
    client.force_login(published["secretary"])
    client.get(build_url())
    # publication, session, user, the latest build, the work ahead of it, and the user's roles
    with django_assert_num_queries(6):
        client.get(build_url(), headers={"HX-Request": "true"})


# ---------------------------------------------------------------------------------------------
# Reminders


def test_the_reminder_task_sends_the_reminder_mails(council_world, django_capture_on_commit_callbacks):
    w = council_world
    deadline = timezone.now() + timedelta(days=2)
    Period.objects.filter(pk=w["period"].pk).update(self_assessment_deadline=deadline)
    Assessment.objects.filter(pk=w["sheet"].pk).update(
        state=Assessment.State.DRAFT, submitted_at=None, submitted_by=None
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.reminders_send.enqueue(days=3)

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert "Đã gửi 2 nhắc việc." in result.return_value
    assert sorted(message.to[0] for message in mail.outbox) == ["hoa@example.vn", "nam@example.vn"]
    assert mail.outbox[0].subject.startswith(f"[CCHC] Nhắc việc: phiếu tự đánh giá năm {w['period'].year}")
