from django.urls import path

from billing import views

urlpatterns = [
    # The billing portal of the Main Contact and the Administrative Contact.
    path("billing/", views.invoice_list, name="billing_invoices"),
    path("billing/invoices/<int:pk>/", views.invoice_detail, name="billing_invoice"),
    path("billing/invoices/<int:pk>/pdf/", views.invoice_pdf, name="billing_invoice_pdf"),
    # The signed link from the invoice email.
    path("billing/link/<str:token>/", views.invoice_link, name="billing_invoice_link"),
    path("billing/link/<str:token>/pdf/", views.invoice_link_pdf, name="billing_invoice_link_pdf"),
    # Billing staff.
    path("staff/billing/invoices/", views.staff_invoice_list, name="staff_invoices"),
    path(
        "staff/billing/invoices/export.csv",
        views.staff_invoice_export,
        name="staff_invoices_export",
    ),
    path("staff/billing/invoices/new/", views.staff_invoice_new, name="staff_invoice_new"),
    path("staff/billing/invoices/<int:pk>/", views.staff_invoice_detail, name="staff_invoice"),
    path(
        "staff/billing/invoices/<int:pk>/edit/", views.staff_invoice_edit, name="staff_invoice_edit"
    ),
    path(
        "staff/billing/invoices/<int:pk>/lines/",
        views.staff_invoice_line_add,
        name="staff_invoice_line_add",
    ),
    path(
        "staff/billing/invoices/<int:pk>/lines/<int:line_pk>/remove/",
        views.staff_invoice_line_remove,
        name="staff_invoice_line_remove",
    ),
    path(
        "staff/billing/invoices/<int:pk>/issue/",
        views.staff_invoice_issue,
        name="staff_invoice_issue",
    ),
    path(
        "staff/billing/invoices/<int:pk>/void/", views.staff_invoice_void, name="staff_invoice_void"
    ),
    path(
        "staff/billing/invoices/<int:pk>/credit/",
        views.staff_invoice_credit,
        name="staff_invoice_credit",
    ),
    path(
        "staff/billing/invoices/<int:pk>/payments/",
        views.staff_invoice_payment,
        name="staff_invoice_payment",
    ),
    path("staff/billing/invoices/<int:pk>/pdf/", views.staff_invoice_pdf, name="staff_invoice_pdf"),
]
