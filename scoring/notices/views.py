"""The bell: a person's own in-app notices, newest first, and marking them read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from scoring.models import Notice

NOTICES_PER_PAGE = 50


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = Notice.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    page = Paginator(notices, NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "scoring/notices/list.html", {"page": page, "notices": page.object_list})


@login_required
@require_POST
def notice_read_all(request: HttpRequest) -> HttpResponse:
    count = Notice.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        messages.success(
            request,
            ngettext("Đã đánh dấu %(count)s thông báo là đã đọc.", "Đã đánh dấu %(count)s thông báo là đã đọc.", count)
            % {"count": count},
        )
    else:
        messages.info(request, _("Không có thông báo nào chưa đọc."))
    return redirect("notice_list")


@login_required
@require_GET
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notice's link, marking it read (only one's own notices; only links inside the portal)."""
    notice = get_object_or_404(Notice, pk=pk, recipient=request.user)
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    if notice.url.startswith("/") and not notice.url.startswith("//"):
        return redirect(notice.url)
    return redirect("notice_list")
