from celery import shared_task

from billing import services


@shared_task
def remind_unpaid_invoices():
    """Daily: mark overdue invoices and queue each reminder stage once (safe to run twice)."""
    return services.remind_unpaid_invoices()
