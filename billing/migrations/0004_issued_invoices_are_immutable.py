"""On PostgreSQL the database itself refuses to change an issued invoice, its lines or
its PDF (Invoice.save() refuses it in Python on every database)."""

from django.db import migrations

FROZEN_COLUMNS = [
    "number", "kind", "entity_id", "organization_id", "partner_id", "subscription_id",
    "credited_invoice_id", "currency", "tax_rate", "subtotal", "tax", "total", "usd_rate",
    "purchase_order", "payment_terms_days", "payment_method", "notes", "issued_on", "due_on",
    "bill_to_name", "bill_to_address", "bill_to_country", "issuer_name", "issuer_address",
]
CHANGED = " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in FROZEN_COLUMNS)

CREATE = f"""
CREATE FUNCTION billing_invoice_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.number IS NOT NULL THEN
            RAISE EXCEPTION 'invoice % is issued and is never deleted', OLD.number
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.number IS NOT NULL AND ({CHANGED}) THEN
        RAISE EXCEPTION 'invoice % is issued: only its status and payments change', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER billing_invoice_frozen BEFORE UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_frozen();

CREATE FUNCTION billing_invoice_line_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    issued_number varchar;
BEGIN
    SELECT number INTO issued_number FROM billing_invoice
        WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
    IF issued_number IS NULL AND TG_OP = 'UPDATE' THEN
        SELECT number INTO issued_number FROM billing_invoice WHERE id = OLD.invoice_id;
    END IF;
    IF issued_number IS NOT NULL THEN
        RAISE EXCEPTION 'invoice % is issued: its lines never change', issued_number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER billing_invoice_line_frozen BEFORE INSERT OR UPDATE OR DELETE
    ON billing_invoiceline FOR EACH ROW EXECUTE FUNCTION billing_invoice_line_frozen();

CREATE FUNCTION billing_invoice_document_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an invoice PDF is kept as it was sent'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER billing_invoice_document_frozen BEFORE UPDATE OR DELETE
    ON billing_invoicedocument FOR EACH ROW EXECUTE FUNCTION billing_invoice_document_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS billing_invoice_document_frozen ON billing_invoicedocument;
DROP FUNCTION IF EXISTS billing_invoice_document_frozen();
DROP TRIGGER IF EXISTS billing_invoice_line_frozen ON billing_invoiceline;
DROP FUNCTION IF EXISTS billing_invoice_line_frozen();
DROP TRIGGER IF EXISTS billing_invoice_frozen ON billing_invoice;
DROP FUNCTION IF EXISTS billing_invoice_frozen();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_billing_group_permissions")]
    operations = [migrations.RunPython(create, drop)]
