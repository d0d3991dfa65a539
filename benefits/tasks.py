from celery import shared_task

from benefits import services


@shared_task
def expire_deal_registrations():
    """Notices before the protection ends, then expiry. Safe to run twice."""
    return services.expire_deals()


@shared_task
def return_lapsed_lead_offers():
    """Offers not answered in time (or of partners no longer eligible) go back to the pool."""
    return services.return_lapsed_offers()
