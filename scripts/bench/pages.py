"""The pages `make bench` drives: (role, page name, URL name, kwargs lookup or None, query).

A lookup returns the URL kwargs (an object the role may see); a page whose URL name
does not exist is reported as skipped. The first eleven are the pages issue 8 names;
the last ones are the other lists over the big tables.
"""


def _first(model_path, **filters):
    from django.apps import apps

    def lookup():
        model = apps.get_model(model_path)
        obj = model._default_manager.filter(**filters).order_by("pk").first()
        if obj is None:
            raise LookupError(f"no {model_path} matching {filters}")
        return {"pk": obj.pk}

    return lookup


PAGES = [
    ("main@acme.example", "partner dashboard", "dashboard", None, ""),
    ("main@acme.example", "tier scorecard", "partner_status", None, ""),
    ("main@globex.example", "customer subscriptions", "subscription_list", None, ""),
    ("main@globex.example", "contacts page", "contacts", None, ""),
    ("billing@globex.example", "invoice list", "billing_invoices", None, ""),
    (
        "billing@globex.example",
        "invoice PDF",
        "billing_invoice_pdf",
        _first(
            "billing.Invoice",
            organization__name="Globex",
            status="issued",
            document__isnull=False,
        ),
        "",
    ),
    ("support@opennebula.example", "support triage queue", "triage_queue", None, ""),
    (
        "support@opennebula.example",
        "ticket detail",
        "ticket_detail",
        _first("support.Ticket", organization__name="Globex"),
        "",
    ),
    ("tech1@globex.example", "knowledge-base search", "kb_index", None, "?q=live+migration"),
    ("admin@opennebula.example", "staff application queue", "staff_application_queue", None, ""),
    ("admin@opennebula.example", "compliance watchlist", "staff_watchlist", None, ""),
    # Further lists over the big tables.
    (
        "main@globex.example",
        "subscription detail",
        "subscription_detail",
        _first("subscriptions.Subscription", organization__name="Globex", plan__code="premium"),
        "",
    ),
    ("main@globex.example", "customer ticket list", "ticket_list", None, ""),
    ("billing@opennebula.example", "staff invoice list", "staff_invoices", None, ""),
    ("admin@opennebula.example", "staff subscriptions", "staff_subscriptions", None, ""),
]
