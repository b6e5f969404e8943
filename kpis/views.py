import uuid
from decimal import Decimal

import pandas as pd
from celery.result import AsyncResult
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import generic as django_views

from cmo_portal import dispatch, generic
from cmo_portal.forms import PortalFormMixin
from kpis import charts, exports, filters, imports, scoring, selectors, tables
from kpis.forms import CmoKpiForm, KpiDefinitionForm, MeasurementForm
from kpis.models import CmoKpi, KpiDefinition, Measurement, MeasurementImport, Scorecard
from kpis.periods import parse_period, quarter_label, quarter_slug
from kpis.tasks import measurements_import_task
from suppliers.models import Cmo
from suppliers.scoping import attachable

# Files up to this size are validated and imported within the request; larger ones by a
# Celery task, with a progress bar.
INLINE_IMPORT_MAX_BYTES = 256 * 1024


class ExportMixin:
    """`?export=csv` or `?export=xlsx` on a list page downloads what the page shows,
    filtered and sorted the same way, without pagination."""

    export_name = "export"

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt not in exports.CONTENT_TYPES:
            return super().get(request, *args, **kwargs)
        filterset = self.get_filterset(self.get_filterset_class())
        self.object_list = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        table = self.get_table()
        return exports.frame_response(self.export_frame(table.data.data), fmt, self.export_name)

    def export_frame(self, rows) -> pd.DataFrame:
        raise NotImplementedError


# --- Scorecards --------------------------------------------------------------------------------


class ScorecardListView(ExportMixin, generic.ObjectListView):
    """Every CMO with its latest score, status, trend and completeness."""

    model = Scorecard
    table_class = tables.PortfolioScorecardTable
    filterset_class = filters.PortfolioScorecardFilterSet
    template_name = "kpis/scorecard_list.html"
    export_name = "scorecards"

    def get_queryset(self):
        return selectors.cmos_with_latest_scorecard()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title="Scorecards", can_add=False, formula=scoring.FORMULA_SUMMARY)
        return context

    def get_add_url(self):
        return None  # scorecards are computed, never entered

    def export_frame(self, rows):
        return pd.DataFrame(
            [
                {
                    "cmo": cmo.name,
                    "country": cmo.country,
                    "relationship_manager": (
                        cmo.relationship_manager.get_full_name()
                        or cmo.relationship_manager.username
                        if cmo.relationship_manager
                        else ""
                    ),
                    "quarter": quarter_slug(cmo.latest_period) if cmo.latest_period else "",
                    "score": cmo.latest_score,
                    "status": cmo.latest_status or Scorecard.Status.NONE,
                    "change": cmo.latest_delta,
                    "completeness_percent": cmo.latest_completeness,
                }
                for cmo in rows
            ],
            columns=[
                "cmo",
                "country",
                "relationship_manager",
                "quarter",
                "score",
                "status",
                "change",
                "completeness_percent",
            ],
        )


class ScorecardDetailView(generic.ObjectPermissionMixin, django_views.TemplateView):
    """The scorecard of a CMO for one quarter (the latest without one in the URL): each
    KPI with its target, value, score and status, and each KPI's chart over time."""

    model = Scorecard
    template_name = "kpis/scorecard_detail.html"

    @cached_property
    def cmo(self):
        return get_object_or_404(
            Cmo.objects.select_related("relationship_manager"), pk=self.kwargs["cmo"]
        )

    def get_context_data(self, **kwargs):
        cards = list(selectors.scorecards_of(self.cmo))
        if "period" in self.kwargs:
            try:
                period, month = parse_period(self.kwargs["period"])
            except ValueError as exc:
                raise Http404(str(exc)) from exc
            if month:
                raise Http404("A scorecard is for a quarter.")
        else:
            period = cards[-1].period if cards else None
        card = next((c for c in cards if c.period == period), None)
        lines = scorecard_lines(card) if card else []
        weights_total = sum(line["weight"] for line in lines)
        context = super().get_context_data(**kwargs)
        context.update(
            cmo=self.cmo,
            card=card,
            period=period,
            period_label=quarter_label(period),
            quarters=[(quarter_slug(c.period), c.period_label) for c in reversed(cards)],
            lines=lines,
            weights_normalised=bool(lines) and abs(weights_total - 100) > 1e-6,
            weights_total=weights_total,
            charts=charts.kpi_charts(cards, card) if card else [],
            formula=scoring.FORMULA_SUMMARY,
            bands=scoring.BANDS,
            measurements_url=(
                f"{reverse('kpis:measurement_list')}?cmo={self.cmo.pk}"
                + (f"&period={quarter_slug(period)}" if period else "")
            ),
            title=f"Scorecard {self.cmo} {quarter_label(period)}",
        )
        return context


def scorecard_lines(card: Scorecard) -> list[dict]:
    """The KPI lines of a scorecard, from the basis it was computed with: definition,
    normalised weight, quarter value, score and status (None when not measured)."""
    kpis = card.basis.kpis
    weights, _ = scoring.normalised_weights([k["weight"] for k in kpis])
    lines = []
    for kpi, normalised in zip(kpis, weights, strict=True):
        value, score = card.lines.get(kpi["code"], (None, None))
        lines.append(
            {
                **kpi,
                "category_label": KpiDefinition.Category(kpi["category"]).label,
                "normalised_weight": normalised,
                "value": value,
                "score": score,
                "status": scoring.status_for(score),
            }
        )
    return sorted(lines, key=lambda line: (line["category"], line["name"]))


# --- CMO KPI settings --------------------------------------------------------------------------


class CmoKpiSettingsView(generic.ObjectPermissionMixin, django_views.FormView):
    """Which KPIs apply to one CMO, and their weights. Applies to quarters scored from now
    on; past scorecards keep the weights they were computed with."""

    model = CmoKpi
    template_name = "kpis/cmokpi_settings.html"

    @cached_property
    def cmo(self):
        return get_object_or_404(Cmo, pk=self.kwargs["cmo"])

    @cached_property
    def can_change(self):
        user = self.request.user
        return (
            user.has_perm("kpis.add_cmokpi")
            and user.has_perm("kpis.change_cmokpi")
            and attachable(Cmo.objects.filter(pk=self.cmo.pk), user).exists()
        )

    @cached_property
    def kpis(self):
        return list(KpiDefinition.objects.active())

    @cached_property
    def settings(self):
        return {s.kpi_id: s for s in CmoKpi.objects.filter(cmo=self.cmo)}

    def get_form(self, form_class=None):
        return CmoKpiForm(**self.get_form_kwargs(), kpis=self.kpis, settings=self.settings)

    def post(self, request, *args, **kwargs):
        if not self.can_change:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        for kpi in self.kpis:
            applies = form.cleaned_data[f"applies_{kpi.pk}"]
            weight = form.cleaned_data[f"weight_{kpi.pk}"]
            setting = self.settings.get(kpi.pk)
            if applies and weight is None:
                if setting:
                    setting.delete()
                continue
            if setting is None:
                CmoKpi.objects.create(cmo=self.cmo, kpi=kpi, applies=applies, weight=weight)
            elif (setting.applies, setting.weight) != (applies, weight):
                setting.applies, setting.weight = applies, weight
                setting.save()
        messages.success(
            self.request,
            f"Saved the KPIs of {self.cmo}. They apply to quarters scored from now on.",
        )
        return redirect("kpis:cmokpi_settings", cmo=self.cmo.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        rows = []
        for kpi, applies, weight in form.rows():
            setting = self.settings.get(kpi.pk)
            applied = setting.applies if setting else True
            effective = (
                setting.weight if setting and setting.weight is not None else kpi.default_weight
            )
            rows.append((kpi, applies, weight, applied, effective if applied else Decimal(0)))
        total = sum(row[4] for row in rows)
        normalised, needed = scoring.normalised_weights([float(row[4]) for row in rows])
        context.update(
            cmo=self.cmo,
            rows=[(*row, n) for row, n in zip(rows, normalised, strict=True)],
            weights_total=total,
            weights_normalised=needed,
            can_change=self.can_change,
            title=f"KPIs of {self.cmo}",
        )
        return context


# --- Measurements ------------------------------------------------------------------------------


class MeasurementListView(ExportMixin, generic.ObjectListView):
    model = Measurement
    table_class = tables.MeasurementTable
    filterset_class = filters.MeasurementFilterSet
    template_name = "kpis/measurement_list.html"
    queryset = Measurement.objects.select_related("cmo", "site", "product", "kpi", "entered_by")
    export_name = "measurements"

    def export_frame(self, rows):
        return pd.DataFrame(
            [
                {
                    "cmo": m.cmo.name,
                    "site": m.site.name if m.site else "",
                    "product": m.product.code if m.product else "",
                    "kpi": m.kpi.code,
                    "period": (
                        f"{m.period.year}-{m.month:02d}" if m.month else quarter_slug(m.period)
                    ),
                    "value": float(m.value),
                    "numerator": None if m.numerator is None else float(m.numerator),
                    "denominator": None if m.denominator is None else float(m.denominator),
                    "comment": m.comment,
                    "source": m.source,
                    "entered_by": m.entered_by.username if m.entered_by else "",
                    "updated": m.updated.replace(tzinfo=None),
                }
                for m in rows
            ],
            columns=[*imports.COLUMNS, "source", "entered_by", "updated"],
        )


class MeasurementDetailView(generic.ObjectDetailView):
    model = Measurement
    template_name = "kpis/measurement_detail.html"
    queryset = Measurement.objects.select_related("cmo", "site", "product", "kpi", "entered_by")


class MeasurementEditView(generic.ObjectEditView):
    model = Measurement
    form_class = MeasurementForm

    def form_valid(self, form):
        if self.action == "add":
            form.instance.entered_by = self.request.user
        form.instance.source = Measurement.Source.MANUAL
        return super().form_valid(form)


class MeasurementDeleteView(generic.ObjectDeleteView):
    model = Measurement


class MeasurementHistoryView(generic.ObjectHistoryView):
    model = Measurement


# --- KPI definitions ---------------------------------------------------------------------------


class KpiDefinitionListView(generic.ObjectListView):
    model = KpiDefinition
    table_class = tables.KpiDefinitionTable
    filterset_class = filters.KpiDefinitionFilterSet


class KpiDefinitionDetailView(generic.ObjectDetailView):
    model = KpiDefinition
    template_name = "kpis/kpidefinition_detail.html"


class KpiDefinitionEditView(generic.ObjectEditView):
    model = KpiDefinition
    form_class = KpiDefinitionForm


class KpiDefinitionDeleteView(generic.ObjectDeleteView):
    model = KpiDefinition


class KpiDefinitionHistoryView(generic.ObjectHistoryView):
    model = KpiDefinition


# --- Import ------------------------------------------------------------------------------------


class ImportPermissionMixin(generic.ObjectPermissionMixin):
    model = MeasurementImport

    def get_permission_required(self):
        return ["kpis.import_measurements"]


class ImportUploadForm(PortalFormMixin, forms.Form):
    file = forms.FileField(
        help_text="CSV or Excel (.xlsx), one measurement a row, columns as in the template.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Upload a CSV (.csv) or Excel (.xlsx) file.")
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB."
            )
        # The content, not only the name: an .xlsx is a zip; a CSV is text.
        upload.seek(0)
        head = upload.read(65536)
        upload.seek(0)
        if upload.name.lower().endswith(".xlsx"):
            if not head.startswith(b"PK\x03\x04"):
                raise forms.ValidationError("The file is named .xlsx but is not an Excel workbook.")
        else:
            try:
                if b"\x00" in head:
                    raise UnicodeDecodeError("utf-8", head, 0, 1, "NUL byte")
                head.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                if exc.reason != "unexpected end of data":  # a character cut at 64 KiB
                    raise forms.ValidationError(
                        "The file is named .csv but is not UTF-8 text; export it as CSV UTF-8."
                    ) from exc
        return upload


def _start(job: MeasurementImport, *, commit: bool) -> None:
    """Validate or import `job` now (small files) or in a Celery task (large ones)."""
    if job.file.size <= INLINE_IMPORT_MAX_BYTES:
        imports.import_job_run(job, commit=commit)
        return
    job.task_id = str(uuid.uuid4())
    job.status = (
        MeasurementImport.Status.IMPORTING if commit else MeasurementImport.Status.VALIDATING
    )
    job.save(update_fields=["task_id", "status"])
    # After the commit, or the worker could look for a job it cannot see yet.
    dispatch.enqueue(measurements_import_task, job.pk, commit, options={"task_id": job.task_id})


class ImportStartView(ImportPermissionMixin, django_views.FormView):
    template_name = "kpis/import_start.html"
    form_class = ImportUploadForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        job = MeasurementImport.objects.create(
            file=upload, original_name=upload.name, uploaded_by=self.request.user
        )
        _start(job, commit=False)
        return redirect(job.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title="Import KPI measurements",
            columns=imports.COLUMNS,
            required=imports.REQUIRED,
            kpis=KpiDefinition.objects.active(),
            recent=MeasurementImport.objects.filter(uploaded_by=self.request.user)[:5],
            **kwargs,
        )


class ImportJobMixin(ImportPermissionMixin):
    def get_job(self) -> MeasurementImport:
        return get_object_or_404(
            MeasurementImport.objects.select_related("uploaded_by"), pk=self.kwargs["pk"]
        )


class ImportDetailView(ImportJobMixin, django_views.TemplateView):
    template_name = "kpis/import_detail.html"

    def get_context_data(self, **kwargs):
        job = self.get_job()
        return super().get_context_data(
            job=job,
            running=job.status
            in (MeasurementImport.Status.VALIDATING, MeasurementImport.Status.IMPORTING),
            title=str(job),
            **kwargs,
        )


class ImportConfirmView(ImportJobMixin, django_views.View):
    def post(self, request, pk):
        job = self.get_job()
        # Claimed, not assumed: a double click confirms once.
        claimed = MeasurementImport.objects.filter(
            pk=job.pk, status=MeasurementImport.Status.READY
        ).update(status=MeasurementImport.Status.IMPORTING)
        if claimed != 1:
            messages.error(request, "This file is not ready to import.")
            return redirect(job.get_absolute_url())
        job.refresh_from_db()
        _start(job, commit=True)
        if job.status == MeasurementImport.Status.DONE:
            report = job.report
            messages.success(
                request,
                f"Imported {report['created']} new and {report['updated']} changed measurements.",
            )
        return redirect(job.get_absolute_url())


class ImportProgressView(ImportJobMixin, django_views.TemplateView):
    """The progress bar, polled by htmx; once the task is over the page reloads."""

    template_name = "kpis/includes/import_progress.html"

    def get(self, request, *args, **kwargs):
        job = self.get_job()
        result = AsyncResult(job.task_id) if job.task_id else None
        state = result.state if result else "PENDING"
        running = job.status in (
            MeasurementImport.Status.VALIDATING,
            MeasurementImport.Status.IMPORTING,
        )
        if not running or state in ("SUCCESS", "FAILURE"):
            response = HttpResponse("")
            response["HX-Refresh"] = "true"
            return response
        meta = result.info if state == "PROGRESS" and isinstance(result.info, dict) else {}
        importing = job.status == MeasurementImport.Status.IMPORTING
        return self.render_to_response(
            {"job": job, "state": state, **import_progress(meta, importing=importing)}
        )


def import_progress(meta: dict, *, importing: bool) -> dict:
    """What the progress bar shows for a task's progress report {"done", "total",
    "stage"}. Validation counts rows; writing and checking are one statement each over the
    whole file, shown as a step of the import rather than a count that stands at 100 %."""
    stage = meta.get("stage")
    total = meta.get("total") or 0
    done = meta.get("done") or 0
    step_label = {
        imports.WRITING: f"Writing {total:,} rows…",
        imports.CHECKING: f"Checking the references of {total:,} rows…",
    }.get(stage)
    return {
        "stage": stage or "waiting for a worker",
        "done": done,
        "total": total,
        "step_label": step_label,
        "step": imports.STAGES.index(stage) + 1 if stage in imports.STAGES else None,
        "steps": len(imports.STAGES) if importing else 1,
        "percent": 100 if step_label else int(100 * done / total) if total else 0,
    }


class ImportTemplateView(ImportPermissionMixin, django_views.View):
    def get(self, request, fmt):
        if fmt not in exports.CONTENT_TYPES:
            raise Http404("The template is a .csv or an .xlsx file.")
        return exports.frame_response(imports.template_frame(), fmt, "kpi-measurements-template")
