"""The scoresheet's rows written in Python: what each criterion's row says, so the row partial only places it.

A 120-row sheet renders every template node 120 times, and a node costs microseconds: the row's heading, badges,
notes (rule, last year, preparer, guidance), its read-only value and its evidence list are written here once per
row (scoring/markup.py format_html). The page, the answer to a saved row and the evidence box's own answers (through
evidence/_criterion_evidence.html) all use this one builder, so a fragment cannot drift from the page.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.middleware.csrf import get_token
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from scoring.frameworks.selectors import TreeNode
from scoring.markup import escape, format_html, lines
from scoring.models import Criterion, RuleOption, RuleType, Score
from scoring.templatetags.scoring_format import points, score_entry, score_words
from scoring.templatetags.scoring_urls import UrlPatterns


@dataclass
class SheetRow:
    """One line of the sheet: a heading (an area or group) or a criterion with what its row shows."""

    node: TreeNode
    score: Score | None = None
    form: object = None  # the ScoreForm where this person may edit the criterion
    links: list = field(default_factory=list)
    council: Score | None = None
    last_year: object = None  # scoring.plans.selectors.LastYear
    preparer: object = None
    evidence_open: bool = False  # without JavaScript: this row's "add evidence" forms inline
    # Written by SheetRowBuilder for a criterion's row:
    header: SafeString = SafeString("")  # the title line with its badges, then the notes under it
    entered: SafeString = SafeString("")
    evidence: SafeString = SafeString("")
    card: SafeString = SafeString("")  # a row nobody edits here, whole: the page sets it in without the row partial
    save_url: str = ""
    preview_url: str = ""
    history_url: str = ""


def jump_options(criteria: Iterable[Criterion]) -> SafeString:
    """The "go to criterion" list's options: each criterion's code and its title cut as truncatechars:56 would."""
    return SafeString(
        "".join(
            format_html('<option value="{}">{} {}</option>', criterion.pk, criterion.code, _short(criterion.title))
            for criterion in criteria
        )
    )


def _short(text: str, length: int = 56) -> str:
    return text if len(text) <= length else f"{text[: length - 1]}…"


def options_by_criterion(framework_id: int) -> dict[int, list[tuple[int, str]]]:
    """Every rule option of a framework as (id, label), in one query grouped in Python: a prefetch builds a
    queryset for each criterion to hand them out, and the rows need no more than the two values."""
    grouped: dict[int, list[tuple[int, str]]] = {}
    options = RuleOption.objects.filter(criterion__framework_id=framework_id).order_by("position", "id")
    for criterion_id, pk, label in options.values_list("criterion_id", "pk", "label"):
        grouped.setdefault(criterion_id, []).append((pk, label))
    return grouped


class SheetRowBuilder:
    """Writes the rows of one sheet for one request: the fixed words translated once, the URLs reversed once."""

    def __init__(
        self,
        *,
        request,
        assessment_pk: int,
        can_edit: bool,
        options: dict[int, list[tuple[int, str]]],
        next_url: str = "",
    ) -> None:
        self.assessment_pk = assessment_pk
        self.can_edit = can_edit
        self.options = options
        self.rule_labels = {value: escape(str(label)) for value, label in RuleType.choices}
        self.next_url = next_url or request.get_full_path()
        self.csrf_token = get_token(request) if can_edit else ""
        self.url = UrlPatterns()
        self._shown: dict = {}
        self._points: dict = {}
        self._max_badges: dict = {}
        self._rule_lines: dict = {}
        self.entry_words = score_words()  # score_entry's words, unescaped: what was entered is escaped as a whole
        # Every other word escaped once here, so that the rows set them in as they are (blanks filled by escaped text).
        words = {
            "max_title": _("Điểm tối đa"),
            "max": _("tối đa"),
            "points": _("điểm"),
            "council_enters": _("Hội đồng nhập"),
            "unscored": _("chưa chấm"),
            "council": _("Hội đồng"),
            "council_not_applicable": _("không áp dụng"),
            "evidence_required": _("cần tài liệu kiểm chứng"),
            "preparer": _("Cán bộ chuẩn bị"),
            "guidance": _("Hướng dẫn chấm"),
            "history": _("Lịch sử thay đổi"),
            "entered": _("Kết quả nhập"),
            "explanation": _("Giải thích"),
            "no_evidence_reason": _("Lý do không có TLKC"),
            "plan": _("Kế hoạch khắc phục"),
            "no_plan": _("chưa có kế hoạch khắc phục"),
            "overdue": _("Quá hạn"),
            "download": _("Tải về"),
            "unlink": _("Bỏ"),
            "no_evidence": _("Chưa có tài liệu kiểm chứng."),
            "add_evidence": _("Thêm tài liệu kiểm chứng"),
            # Texts with a blank, filled in per row (gettext costs ~10 µs a call through the active language)
            "step": _("bước %(step)s"),
            "deduction": _("trừ %(per)s điểm mỗi lần"),
            "last_year_not_applicable": _("Năm %(year)s: không áp dụng"),
            "last_year": _("Năm %(year)s: %(final)s/%(max)s điểm"),
            "survey": _(
                "Điểm điều tra xã hội học do Hội đồng nhập từ kết quả khảo sát; đơn vị không tự chấm tiêu chí này."
            ),
            "download_title": _("Tải về “%(title)s”"),
            "unlink_label": _("Bỏ “%(title)s” khỏi tiêu chí %(code)s"),
            **self.entry_words,
        }
        self.words = {key: escape(word) for key, word in words.items()}
        self.no_evidence = format_html('<p class="small text-muted mb-1">{}</p>', self.words["no_evidence"])

    def shown(self, value) -> str:
        """scoring_format.points, remembered: a sheet shows the same few maxima and scores on every row."""
        text = self._shown.get(value)
        if text is None:
            text = self._shown[value] = points(value)
        return text

    def points(self, value) -> SafeString:
        """shown(value) escaped for the rows' markup, remembered too."""
        text = self._points.get(value)
        if text is None:
            text = self._points[value] = escape(self.shown(value))
        return text

    def write(self, row: SheetRow) -> SheetRow:
        """Fill in what a criterion's row shows (its title, badges, notes, read-only value, evidence, links)."""
        criterion = row.node.criterion
        ids = (self.assessment_pk, criterion.pk)
        row.header = format_html(
            '<div class="d-flex justify-content-between gap-2">'
            '<h3 class="h6 mb-1" id="title-{}"><span class="text-muted">{}</span> {}</h3>'
            '<div class="text-nowrap text-end">{}</div></div>\n{}',
            criterion.pk,
            criterion.code,
            criterion.title,
            self.badges(criterion, row.score, row.council),
            self.notes(row),
        )
        row.history_url = self.url("score_history", *ids)
        if row.form is not None:
            row.save_url = self.url("score_save", *ids)
            row.preview_url = self.url("score_preview", *ids)
        else:
            row.entered = self.entered(criterion, row.score, row.history_url)
        if criterion.rule_type != RuleType.SURVEY and not row.evidence_open:
            row.evidence = self.evidence_box(criterion, row.links, shared_picker=True)
        if row.form is None and not (row.evidence_open and criterion.rule_type != RuleType.SURVEY):
            row.card = self.card(criterion.pk, row)
        return row

    def rows_html(self, rows: Iterable[SheetRow]) -> SafeString:
        """The loop of sheet.html over the rows, character for character, when each row is a heading or a card (a
        sheet nobody edits here); "" when a row needs the row partial, and the template loops. 150 passes of the
        loop's tags cost more than the rows' text."""
        parts = []
        for row in rows:
            criterion = row.node.criterion
            if row.node.is_leaf:
                if not row.card:
                    return SafeString("")
                parts.append(f"\n    \n      {row.card}\n    \n  ")
            else:
                parts.append(
                    format_html(
                        '\n    \n      <h2 class="{}" id="row-{}">{}. {} <span class="fw-normal small">({} {})</span>'
                        "</h2>\n    \n  ",
                        "h5 mt-4 sheet-area" if criterion.depth == 1 else "h6 mt-3 text-muted",
                        criterion.pk,
                        criterion.code,
                        criterion.title,
                        self.words["max"],
                        self.points(criterion.max_points),
                    )
                )
        return SafeString("".join(parts))

    def card(self, pk: int, row: SheetRow) -> SafeString:
        """What the row partial of sheet.html gives for a row without a form, a save's answer or an evidence box
        opened inline, character for character: most rows of a sheet past its deadline or read by others, at a
        fraction of the ~20 template nodes each would cost."""
        return SafeString(
            f'\n      \n      <section class="card sheet-row mb-2" id="row-{pk}" aria-labelledby="title-{pk}">\n'
            f'        <div class="card-body">\n          {row.header}\n          \n          \n'
            f"          {row.entered}\n          \n          {row.evidence}\n"
            "        </div>\n      </section>\n      \n      "
        )

    def max_badge(self, max_points) -> SafeString:
        """The maximum's badge, remembered: the criteria of a sheet share a few maxima."""
        badge = self._max_badges.get(max_points)
        if badge is None:
            badge = self._max_badges[max_points] = format_html(
                '<span class="badge text-bg-light border" title="{}">{} {}</span>',
                self.words["max_title"],
                self.words["max"],
                self.points(max_points),
            )
        return badge

    def badges(self, criterion: Criterion, score: Score | None, council: Score | None) -> SafeString:
        words = self.words
        parts = [self.max_badge(criterion.max_points)]
        if score is not None:
            if score.is_not_applicable:
                parts.append(format_html('<span class="badge text-bg-warning">{}</span>', words["not_applicable"]))
            else:
                parts.append(
                    format_html(
                        '<span class="badge text-bg-primary" data-testid="points-{}">{} {}</span>',
                        criterion.code,
                        self.points(score.points),
                        words["points"],
                    )
                )
        elif criterion.rule_type == RuleType.SURVEY:
            parts.append(format_html('<span class="badge text-bg-light border">{}</span>', words["council_enters"]))
        else:
            parts.append(format_html('<span class="badge text-bg-secondary">{}</span>', words["unscored"]))
        if council is not None:
            parts.append(
                format_html(
                    '<span class="badge text-bg-dark" data-testid="council-{}">{}: {}</span>',
                    criterion.code,
                    words["council"],
                    words["council_not_applicable"] if council.is_not_applicable else self.points(council.points),
                )
            )
        return SafeString("\n".join(parts))

    def rule_line(self, criterion: Criterion) -> SafeString:
        """The rule's name, its step or deduction, and whether evidence is required; remembered, as the criteria of a
        sheet share a few rules."""
        key = (criterion.rule_type, criterion.step, criterion.deduction_per_occurrence, criterion.evidence_required)
        line = self._rule_lines.get(key)
        if line is None:
            words = self.words
            rule = [self.rule_labels.get(criterion.rule_type, SafeString(""))]
            if criterion.rule_type == RuleType.MANUAL:
                rule.append(words["step"] % {"step": self.points(criterion.step)})
            if criterion.rule_type == RuleType.DEDUCTION:
                rule.append(words["deduction"] % {"per": self.points(criterion.deduction_per_occurrence)})
            if criterion.evidence_required:
                rule.append(words["evidence_required"])
            line = self._rule_lines[key] = format_html(
                '<div class="small text-muted mb-2">{}</div>', SafeString(" · ".join(rule))
            )
        return line

    def notes(self, row: SheetRow) -> SafeString:
        """The rule line, last year's result and plan, who prepares the criterion, and the scoring guidance."""
        criterion, words = row.node.criterion, self.words
        parts = [self.rule_line(criterion)]
        if row.last_year is not None:
            parts.append(self.last_year_note(criterion.code, row.last_year))
        if row.preparer is not None:
            parts.append(
                format_html(
                    '<div class="small mb-2" data-testid="preparer-{}">{}: <strong>{}</strong></div>',
                    criterion.code,
                    words["preparer"],
                    row.preparer.get_full_name(),
                )
            )
        if criterion.guidance:
            parts.append(
                format_html(
                    '<details class="guidance mb-2"><summary>{}</summary>{}</details>',
                    words["guidance"],
                    lines(criterion.guidance),
                )
            )
        return SafeString("\n".join(parts))

    def last_year_note(self, code: str, last_year) -> SafeString:
        """Last published year's result on this criterion and the plan made for the points lost."""
        if last_year.is_not_applicable:
            result = SafeString(self.words["last_year_not_applicable"] % {"year": last_year.year})
        else:
            result = SafeString(
                self.words["last_year"]
                % {
                    "year": last_year.year,
                    "final": self.points(last_year.final_points),
                    "max": self.points(last_year.max_points),
                }
            )
            if last_year.lost:
                result = format_html('{} <span class="text-danger">(−{})</span>', result, self.points(last_year.lost))
        plan = last_year.plan
        if plan is not None:
            if plan.is_overdue:
                status = format_html(
                    '<span class="badge text-bg-{}">{}</span> <span class="small">{}</span>',
                    plan.status_tone,
                    self.words["overdue"],
                    plan.get_status_display(),
                )
            else:
                status = format_html(
                    '<span class="badge text-bg-{}">{}</span>', plan.status_tone, plan.get_status_display()
                )
            result = format_html("{} · {}: {}", result, self.words["plan"], status)
        elif last_year.lost:
            result = format_html('{} · <span class="text-muted">{}</span>', result, self.words["no_plan"])
        return format_html('<div class="small mb-2 last-year" data-testid="last-year-{}">{}</div>', code, result)

    def score_value(self, score: Score, option_label: str) -> SafeString:
        """scoring_format.score_value with the builder's remembered numbers and words: what was entered and the
        points it earns ("2 / 3 → <strong>1,33</strong>")."""
        entry = score_entry(score, option_label=option_label, shown=self.shown, words=self.entry_words)
        return format_html("{} → <strong>{}</strong>", entry, self.points(score.points))

    def entered(self, criterion: Criterion, score: Score | None, history_url: str) -> SafeString:
        """A row nobody may edit here: what was entered, the explanation and the reason for missing evidence."""
        words = self.words
        if score is None:
            if criterion.rule_type == RuleType.SURVEY:
                return format_html('<p class="small text-muted mb-1">{}</p>', words["survey"])
            return SafeString("")
        option_label = dict(self.options.get(criterion.pk, ())).get(score.option_id, "")
        terms = format_html(
            '<dt class="col-sm-3">{}</dt><dd class="col-sm-9">{}</dd>',
            words["entered"],
            self.score_value(score, option_label),
        )
        if score.explanation:
            terms += format_html(
                '<dt class="col-sm-3">{}</dt><dd class="col-sm-9">{}</dd>',
                words["explanation"],
                lines(score.explanation),
            )
        if score.no_evidence_reason:
            terms += format_html(
                '<dt class="col-sm-3">{}</dt><dd class="col-sm-9">{}</dd>',
                words["no_evidence_reason"],
                score.no_evidence_reason,
            )
        return format_html(
            '<dl class="row small mb-1">{}</dl>\n<a class="small" href="{}">{}</a>',
            terms,
            history_url,
            words["history"],
        )

    def evidence_box(
        self,
        criterion: Criterion,
        links: Iterable,
        *,
        shared_picker: bool,
        is_open: bool = False,
        errors: Iterable[str] = (),
        add_forms: Callable[[], str] | None = None,
    ) -> SafeString:
        """The criterion's evidence: what is cited (with its preview, download and "remove" links), and the way
        to add more. With shared_picker (and the row not opened without JavaScript) the add forms are the page's one
        copy, filled in by sheet.js; otherwise add_forms writes this criterion's own."""
        pk, words = criterion.pk, self.words
        parts = [format_html('<div id="evidence-{}" class="evidence-box">', pk)]
        errors = list(errors or ())
        if errors:
            parts.append(
                format_html(
                    '<div class="alert alert-danger py-1 px-2 small mb-2" role="alert">{}</div>',
                    SafeString("".join(format_html("<div>{}</div>", error) for error in errors)),
                )
            )
        links = list(links)
        if links:
            parts.append('<ul class="list-unstyled small mb-1">')
            parts.extend(self.evidence_item(criterion, link) for link in links)
            parts.append("</ul>")
        else:
            parts.append(self.no_evidence)
        if self.can_edit:
            if shared_picker and not is_open:
                parts.append(
                    format_html(
                        '<details class="small" data-evidence-add="{}" data-upload-url="{}" data-link-url="{}">'
                        "<summary>{}</summary>"
                        '<noscript><a href="?evidence={}#evidence-{}">{}</a></noscript></details>',
                        pk,
                        self.url("evidence_criterion_upload", self.assessment_pk, pk),
                        self.url("evidence_criterion_link", self.assessment_pk, pk),
                        words["add_evidence"],
                        pk,
                        pk,
                        words["add_evidence"],
                    )
                )
            else:
                parts.append(
                    format_html(
                        '<details class="small"{}><summary>{}</summary>{}</details>',
                        " open" if errors or is_open else "",
                        words["add_evidence"],
                        SafeString(add_forms() if add_forms else ""),
                    )
                )
        parts.append("</div>")
        return SafeString("\n".join(parts))

    def evidence_item(self, criterion: Criterion, link) -> SafeString:
        document, words = link.document, self.words
        item = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            self.url("evidence_document_preview", document.pk),
            document.title,
        )
        if link.locator:
            item = format_html('{} <span class="text-muted">— {}</span>', item, link.locator)
        item = format_html(
            '{} <a class="text-muted" href="{}" title="{}" aria-label="{}">↓</a>',
            item,
            self.url("evidence_document_download", document.pk),
            words["download"],
            SafeString(words["download_title"] % {"title": escape(document.title)}),
        )
        if self.can_edit:
            unlink_url = self.url("evidence_link_unlink", link.pk)
            item = format_html(
                '{} <form method="post" action="{}" class="d-inline" hx-post="{}" hx-target="#evidence-{}" '
                'hx-swap="outerHTML"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                '<input type="hidden" name="next" value="{}">'
                '<button type="submit" class="btn btn-link btn-sm text-danger p-0 align-baseline" aria-label="{}">'
                "{}</button></form>",
                item,
                unlink_url,
                unlink_url,
                criterion.pk,
                self.csrf_token,
                self.next_url,
                SafeString(words["unlink_label"] % {"title": escape(document.title), "code": escape(criterion.code)}),
                words["unlink"],
            )
        return format_html('<li class="d-flex flex-wrap align-items-baseline gap-1">{}</li>', item)
