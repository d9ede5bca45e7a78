"""What a refused action tells the person: a form's or a service's problems, on the form or as page messages."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def error_messages(source: ValidationError | forms.BaseForm, *, labelled: bool = False) -> list[str]:
    """Every problem as a sentence; with `labelled`, a form's field errors start with the field's label."""
    if isinstance(source, ValidationError):
        return source.messages
    problems: list[str] = []
    for name, errors in source.errors.items():
        label = source.fields[name].label if labelled and name in source.fields else ""
        problems += [f"{label}: {error}" if label else str(error) for error in errors]
    return problems


def flash_errors(
    request: HttpRequest, source: ValidationError | forms.BaseForm, *, prefix: str = "", labelled: bool = False
) -> None:
    """Show every problem on the next page (after a redirect); `prefix` names what they are about (a criterion)."""
    for problem in error_messages(source, labelled=labelled):
        messages.error(request, f"{prefix}: {problem}" if prefix else problem)


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form: next to each input it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def is_valid_or_404(form: forms.BaseForm) -> bool:
    """Validate the form; a field in its `lookups` (the object the request is about) that names nothing the page
    offers answers 404, like a wrong address, rather than a message."""
    if form.is_valid():
        return True
    if any(name in form.errors for name in getattr(form, "lookups", ())):
        raise Http404
    return False


def perform(request: HttpRequest, action: Callable[[dict], str], form: forms.BaseForm | None = None) -> bool:
    """Read the form, run the action on its cleaned data and show the success message the action returns; the form's
    problems (with their field's label) or the action's ValidationError are shown instead. True when it ran."""
    if form is not None and not is_valid_or_404(form):
        flash_errors(request, form, labelled=True)
        return False
    try:
        message = action(form.cleaned_data if form is not None else {})
    except ValidationError as error:
        flash_errors(request, error)
        return False
    if message:
        messages.success(request, message)
    return True


def report_changes(request: HttpRequest, changed: int, done: str, unchanged: str) -> None:
    """How many rows a file or a computation changed (`done` takes %(count)s), or that it changed nothing."""
    if changed:
        messages.success(request, done % {"count": changed})
    else:
        messages.info(request, unchanged)


def run_import(request: HttpRequest, form: forms.BaseForm, run: Callable[[File], None]) -> list[str] | None:
    """An all-or-nothing import of the uploaded file (the form's `file`): None once it has run (`run` says how it
    went as page messages), else the problems of the file, every one of them, to list on the import page."""
    if request.method != "POST" or not form.is_valid():
        return []
    try:
        run(form.cleaned_data["file"])
    except ValidationError as error:
        return error.messages
    return None


def import_page(
    request: HttpRequest,
    form_class: type[forms.BaseForm],
    run: Callable[[File], int],
    *,
    done: str,
    unchanged: str,
    next_url: str,
    template: str,
    context: dict,
) -> HttpResponse:
    """A workbook import page: once `run` has taken the file (all or nothing), the rows it changed are reported
    (`done` takes %(count)s; `unchanged` when none) on `next_url`; else the page again with the file's problems."""
    form = form_class(request.POST or None, request.FILES or None)
    errors = run_import(request, form, lambda file: report_changes(request, run(file), done, unchanged))
    if errors is None:
        return redirect(next_url)
    return render(request, template, {**context, "form": form, "errors": errors})
