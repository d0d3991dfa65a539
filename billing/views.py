"""Billing pages: the portal of the Main and Administrative Contacts, the link from the
invoice email, and the billing staff's pages. Thin: services do the writing."""

import csv

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.access import paginate, staff_permission_required
from accounts.services import DomainError
from accounts.tenancy import get_for_organization
from billing import selectors, services
from billing.access import MANAGE_INVOICES, billing_contact_required
from billing.forms import (
    CreditForm,
    DraftForm,
    InvoiceFilterForm,
    LineForm,
    NewDraftForm,
    PaymentForm,
    StaffInvoiceFilterForm,
    VoidForm,
)
from billing.links import LinkExpired, read_invoice_link
from billing.models import Invoice, InvoiceLine
from billing.pdf import render_invoice_pdf
from subscriptions.models import Subscription

User = get_user_model()


# --- The billing portal (Main Contact, Administrative Contact) -----------------------


@billing_contact_required
def invoice_list(request):
    invoices = Invoice.objects.for_organization(request.organization).published()
    filters = InvoiceFilterForm(request.GET, years=invoices.issue_years())
    return render(
        request,
        "billing/invoice_list.html",
        {
            "invoices": paginate(request, filters.filter(invoices)),
            "filters": filters,
            "filtered": any(request.GET.get(name) for name in ("status", "year")),
            "subscriptions": Subscription.objects.for_organization(request.organization)
            .live()
            .select_related("plan"),
        },
    )


def _customer_invoice(request, pk):
    return get_for_organization(
        Invoice.objects.published().select_related("entity", "organization", "credited_invoice"),
        request.organization,
        pk=pk,
    )


@billing_contact_required
def invoice_detail(request, pk):
    invoice = _customer_invoice(request, pk)
    return render(request, "billing/invoice_detail.html", _invoice_context(invoice))


@billing_contact_required
def invoice_pdf(request, pk):
    return _pdf_response(_customer_invoice(request, pk))


def _invoice_context(invoice, **extra):
    return {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "payments": list(invoice.payments.all()) if not invoice.is_credit_note else [],
        "credit_notes": list(invoice.credit_notes.published()),
        **extra,
    }


def _pdf_response(invoice):
    document = getattr(invoice, "document", None)  # `invoice` was fetched in scope
    if document is None:
        raise Http404
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- The link from the invoice email (SPEC §4) -----------------------------------------


def _invoice_from_link(token):
    """(invoice, user) for a valid link whose address is still a billing contact; or raise."""
    found = read_invoice_link(token)
    if found is None:
        raise Http404
    invoice_id, email = found
    # The signed link names the one invoice it opens (SPEC §4): no session, no tenant.
    invoice = (
        Invoice.objects.published()  # nosemgrep: tenant-model-fetched-without-scope
        .select_related("entity", "organization", "credited_invoice")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        raise Http404
    contacts = {
        user.email.lower(): user for user in services.billing_contacts(invoice.organization)
    }
    if email not in contacts:
        raise Http404  # no longer a billing contact: the link stops working
    return invoice, contacts[email]


@never_cache
def invoice_link(request, token):
    try:
        invoice, person = _invoice_from_link(token)
    except LinkExpired:
        return render(request, "billing/invoice_link_expired.html", status=410)
    password_form = None
    if not person.has_usable_password():
        password_form = SetPasswordForm(person, request.POST or None)
        if request.method == "POST" and password_form.is_valid():
            services.create_account_from_invoice_link(
                person, password_form.cleaned_data["new_password1"], invoice=invoice
            )
            messages.success(
                request, f"Your account is ready. Log in with {person.email} and your password."
            )
            return redirect("account_login")
    response = render(
        request,
        "billing/invoice_link.html",
        _invoice_context(
            invoice,
            token=token,
            person=person,
            password_form=password_form,
            signed_in_as_person=request.user.is_authenticated and request.user.pk == person.pk,
        ),
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def invoice_link_pdf(request, token):
    try:
        invoice, _ = _invoice_from_link(token)
    except LinkExpired:
        return render(request, "billing/invoice_link_expired.html", status=410)
    return _pdf_response(invoice)


# --- Billing staff ------------------------------------------------------------------


def _staff_invoices(request):
    invoices = selectors.all_invoices()
    filters = StaffInvoiceFilterForm(request.GET, years=invoices.issue_years())
    return filters, filters.filter(invoices)


@staff_permission_required(MANAGE_INVOICES)
def staff_invoice_list(request):
    filters, invoices = _staff_invoices(request)
    return render(
        request,
        "billing/staff/invoice_list.html",
        {
            "invoices": paginate(request, invoices.for_list(), 50),
            "filters": filters,
            "filtered": any(
                request.GET.get(name) for name in ("status", "year", "kind", "entity", "q")
            ),
            "export_query": request.GET.urlencode(),
        },
    )


# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value):
    """Text that a spreadsheet shows as text: formula triggers get a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


class _Echo:
    def write(self, value):
        return value


EXPORT_COLUMNS = [
    ("number", "number"),
    ("kind", "kind"),
    ("status", "status"),
    ("entity", "entity__code"),
    ("organization", "organization__name"),
    ("partner", "partner__name"),
    ("purchase_order", "purchase_order"),
    ("issued_on", "issued_on"),
    ("due_on", "due_on"),
    ("paid_on", "paid_on"),
    ("currency", "currency"),
    ("subtotal", "subtotal"),
    ("tax", "tax"),
    ("total", "total"),
    ("amount_paid", "amount_paid"),
    ("amount_credited", "amount_credited"),
    ("usd_rate", "usd_rate"),
]


@staff_permission_required(MANAGE_INVOICES)
def staff_invoice_export(request):
    _, invoices = _staff_invoices(request)
    fields = [field for _, field in EXPORT_COLUMNS]
    rows = invoices.order_by("issued_on", "number", "id").values_list(*fields)
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow([header for header, _ in EXPORT_COLUMNS])
        for row in rows.iterator(chunk_size=500):
            yield writer.writerow([spreadsheet_safe(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="invoices-{stamp}.csv"'
    return response


@staff_permission_required(MANAGE_INVOICES)
def staff_invoice_new(request):
    form = NewDraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invoice = services.create_subscription_invoice(
                form.cleaned_data["subscription"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{invoice} for {invoice.organization} is ready to edit.")
            return redirect(invoice.get_staff_url())
    return render(request, "billing/staff/invoice_new.html", {"form": form})


def _staff_invoice(pk):
    return selectors.staff_invoice(pk)


def _staff_detail(request, invoice, *, status=200, **forms):
    context = _invoice_context(invoice)
    if invoice.is_draft:
        forms.setdefault(
            "draft_form",
            DraftForm(
                initial={
                    "purchase_order": invoice.purchase_order,
                    "payment_terms_days": invoice.payment_terms_days,
                    "tax_rate": invoice.tax_rate,
                    "notes": invoice.notes,
                }
            ),
        )
        forms.setdefault("line_form", LineForm(prefix="line"))
    if invoice.is_unpaid and not invoice.is_credit_note:
        forms.setdefault(
            "payment_form",
            PaymentForm(
                prefix="payment",
                initial={
                    "amount": invoice.amount_due,
                    "method": invoice.payment_method,
                    "received_on": timezone.localdate(),
                },
            ),
        )
    context.update(forms)
    context["history"] = selectors.invoice_history(invoice)
    context["billing_contacts"] = services.billing_contacts(invoice.organization)
    return render(request, "billing/staff/invoice_detail.html", context, status=status)


@staff_permission_required(MANAGE_INVOICES)
def staff_invoice_detail(request, pk):
    return _staff_detail(request, _staff_invoice(pk))


@staff_permission_required(MANAGE_INVOICES)
@require_POST
def staff_invoice_edit(request, pk):
    invoice = _staff_invoice(pk)
    form = DraftForm(request.POST)
    if form.is_valid():
        try:
            services.update_draft(invoice, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Draft saved.")
        return redirect(invoice.get_staff_url())
    return _staff_detail(request, invoice, status=400, draft_form=form)


@staff_permission_required(MANAGE_INVOICES)
@require_POST
def staff_invoice_line_add(request, pk):
    invoice = _staff_invoice(pk)
    form = LineForm(request.POST, prefix="line")
    if form.is_valid():
        try:
            services.add_line(invoice, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Line added.")
        return redirect(invoice.get_staff_url())
    return _staff_detail(request, invoice, status=400, line_form=form)


@staff_permission_required(MANAGE_INVOICES)
@require_POST
def staff_invoice_line_remove(request, pk, line_pk):
    invoice = _staff_invoice(pk)
    line = get_object_or_404(InvoiceLine, pk=line_pk, invoice=invoice)
    try:
        services.remove_line(line, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Line removed.")
    return redirect(invoice.get_staff_url())


@staff_permission_required(MANAGE_INVOICES)
def staff_invoice_issue(request, pk):
    invoice = _staff_invoice(pk)
    if request.method == "POST":
        try:
            services.issue_invoice(invoice, actor=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            invoice.refresh_from_db()
            messages.success(
                request, f"Invoice {invoice.number} issued and sent to the billing contacts."
            )
        return redirect(invoice.get_staff_url())
    if not invoice.is_draft:
        return redirect(invoice.get_staff_url())
    return render(
        request,
        "billing/staff/invoice_issue.html",
        {"invoice": invoice, "billing_contacts": services.billing_contacts(invoice.organization)},
    )


@staff_permission_required(MANAGE_INVOICES)
def staff_invoice_void(request, pk):
    invoice = _staff_invoice(pk)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.void_invoice(invoice, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{invoice} is void.")
            return redirect(invoice.get_staff_url())
    return render(request, "billing/staff/invoice_void.html", {"invoice": invoice, "form": form})


@staff_permission_required(MANAGE_INVOICES)
def staff_invoice_credit(request, pk):
    invoice = _staff_invoice(pk)
    form = CreditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note = services.credit_invoice(
                invoice,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                amount=form.cleaned_data["amount"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Credit note {note.number} issued.")
            return redirect(invoice.get_staff_url())
    return render(request, "billing/staff/invoice_credit.html", {"invoice": invoice, "form": form})


@staff_permission_required(MANAGE_INVOICES)
@require_POST
def staff_invoice_payment(request, pk):
    invoice = _staff_invoice(pk)
    form = PaymentForm(request.POST, prefix="payment")
    if form.is_valid():
        try:
            services.record_payment(invoice, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error("amount", str(error))
        else:
            invoice.refresh_from_db()
            messages.success(
                request,
                f"Payment recorded. {invoice.number} is {invoice.get_status_display().lower()}.",
            )
            return redirect(invoice.get_staff_url())
    return _staff_detail(request, invoice, status=400, payment_form=form)


@staff_permission_required(MANAGE_INVOICES)
def staff_invoice_pdf(request, pk):
    invoice = _staff_invoice(pk)
    if invoice.number is not None:
        return _pdf_response(invoice)
    # A draft has no kept PDF: a preview, marked DRAFT, rendered now.
    response = HttpResponse(
        render_invoice_pdf(invoice, list(invoice.lines.all()), draft=True),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="draft-{invoice.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
