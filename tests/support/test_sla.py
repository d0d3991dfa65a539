"""The SLA engine: 24x7 for Premium, business hours with holidays for Standard, the clock
paused while waiting on the customer, met or breached targets shown on the ticket."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse

from support import services
from support.models import BusinessCalendar, SLAClock
from tests.support.factories import membership, open_ticket

Target, State = SLAClock.Target, SLAClock.State


def clock_of(ticket, target):
    return ticket.sla_clocks.filter(target=target).latest("started_at")


def reply(ticket, engineer, vendor, body="On it.", **kwargs):
    return services.add_comment(
        ticket, actor=engineer, membership=membership(engineer, vendor), body=body, **kwargs
    )


def customer_reply(ticket, person, body="Here are the logs."):
    return services.add_comment(
        ticket, actor=person, membership=membership(person, ticket.organization), body=body
    )


def test_a_premium_ticket_counts_every_minute(clock, globex_ticket):
    first = clock_of(globex_ticket, Target.FIRST_RESPONSE)
    resolution = clock_of(globex_ticket, Target.RESOLUTION)
    assert first.due_at == clock.now + timedelta(minutes=240)  # Premium, Severity 2
    assert resolution.due_at == clock.now + timedelta(minutes=4320)
    assert globex_ticket.sla_due_at == first.due_at
    assert globex_ticket.calendar is None


def test_a_standard_ticket_counts_business_hours_and_skips_weekends_and_holidays(
    clock, initech_main, initech_standard
):
    clock.now = datetime(2026, 12, 4, 16, 0, tzinfo=UTC)  # Friday 17:00 in Madrid
    ticket = open_ticket(initech_main, initech_standard.organization, severity=1)
    # Standard S1: 240 business minutes. Friday 17:00-18:00, then the weekend, Monday 7
    # (Constitution Day, observed) and Tuesday 8 (Immaculate Conception) are off.
    assert ticket.calendar.code == "europe"
    expected = datetime(2026, 12, 9, 11, 0, tzinfo=UTC)  # Wednesday 12:00 in Madrid
    assert clock_of(ticket, Target.FIRST_RESPONSE).due_at == expected


def test_business_hours_follow_the_time_zone_across_daylight_saving_time(db):
    madrid = BusinessCalendar.objects.get(code="europe")
    friday_five_pm_summer_time = datetime(2026, 10, 23, 15, 0, tzinfo=UTC)
    due = madrid.add_minutes(friday_five_pm_summer_time, 120)
    assert due == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # Monday 10:00 winter time
    assert madrid.minutes_between(friday_five_pm_summer_time, due) == 120


def test_american_customers_use_the_usa_calendar(clock, globex, globex_tech1):
    from tests.support.factories import live_subscription

    globex.country = "US"
    globex.save()
    standard = live_subscription(globex, "standard")
    clock.now = datetime(2026, 11, 25, 22, 0, tzinfo=UTC)  # Wednesday 17:00 in New York
    ticket = open_ticket(globex_tech1, globex, standard, severity=1)
    assert ticket.calendar.code == "usa"
    # 60 minutes on Wednesday, Thanksgiving off, 180 minutes on Friday from 09:00.
    expected = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    assert clock_of(ticket, Target.FIRST_RESPONSE).due_at == expected


def test_the_first_response_is_met_when_support_answers_in_time(
    clock, vendor, globex_ticket, support_engineer
):
    clock.advance(minutes=30)
    reply(globex_ticket, support_engineer, vendor)
    first = clock_of(globex_ticket, Target.FIRST_RESPONSE)
    assert first.state == State.MET
    globex_ticket.refresh_from_db()
    assert globex_ticket.first_response_at == clock.now
    assert globex_ticket.sla_due_at == clock_of(globex_ticket, Target.RESOLUTION).due_at


def test_a_late_first_response_is_breached(clock, vendor, globex_ticket, support_engineer):
    clock.advance(hours=5)
    reply(globex_ticket, support_engineer, vendor)
    assert clock_of(globex_ticket, Target.FIRST_RESPONSE).state == State.BREACHED


def test_internal_notes_do_not_count_as_a_response(clock, vendor, globex_ticket, support_engineer):
    reply(globex_ticket, support_engineer, vendor, internal=True)
    assert clock_of(globex_ticket, Target.FIRST_RESPONSE).state == State.RUNNING


def test_the_clock_pauses_while_waiting_on_the_customer(
    clock, vendor, globex_ticket, globex_tech1, support_engineer
):
    clock.advance(minutes=30)
    reply(globex_ticket, support_engineer, vendor, wait=True)
    globex_ticket.refresh_from_db()
    resolution = clock_of(globex_ticket, Target.RESOLUTION)
    assert globex_ticket.status == "waiting"
    assert (resolution.state, resolution.remaining_minutes) == (State.PAUSED, 4290)
    assert globex_ticket.sla_due_at is None

    clock.advance(hours=10)
    customer_reply(globex_ticket, globex_tech1)
    globex_ticket.refresh_from_db()
    resolution.refresh_from_db()
    assert globex_ticket.status == "open"
    assert resolution.due_at == clock.now + timedelta(minutes=4290), "ten hours not counted"
    next_response = clock_of(globex_ticket, Target.NEXT_RESPONSE)
    assert next_response.due_at == clock.now + timedelta(minutes=480)
    assert globex_ticket.sla_due_at == next_response.due_at


def test_a_customer_update_starts_a_next_response_target(
    clock, vendor, globex_ticket, globex_tech1, support_engineer
):
    reply(globex_ticket, support_engineer, vendor)
    clock.advance(hours=1)
    customer_reply(globex_ticket, globex_tech1)
    clock.advance(hours=2)
    reply(globex_ticket, support_engineer, vendor)
    assert clock_of(globex_ticket, Target.NEXT_RESPONSE).state == State.MET


def test_reopening_resumes_the_resolution_clock_with_the_time_it_had_left(
    clock, vendor, globex_ticket, globex_tech1, support_engineer
):
    clock.advance(hours=20)
    services.resolve_ticket(
        globex_ticket,
        actor=support_engineer,
        membership=membership(support_engineer, vendor),
        message="Fixed by opening the ports.",
    )
    resolution = clock_of(globex_ticket, Target.RESOLUTION)
    assert (resolution.state, resolution.remaining_minutes) == (State.MET, 4320 - 20 * 60)
    clock.advance(days=3)
    customer_reply(globex_ticket, globex_tech1, "It fails again.")
    resolution.refresh_from_db()
    assert resolution.state == State.RUNNING
    assert resolution.due_at == clock.now + timedelta(minutes=4320 - 20 * 60)


def test_the_ticket_page_shows_met_and_time_left(
    client, clock, vendor, globex_ticket, globex_tech1, support_engineer
):
    clock.advance(minutes=42)
    reply(globex_ticket, support_engineer, vendor)
    client.force_login(globex_tech1)
    page = client.get(globex_ticket.get_absolute_url()).content.decode()
    assert 'First response</span> <span class="tone tone-met">Met' in page
    assert "2 d 23 h left" in page  # resolution: 72 h minus 42 min
    assert "24x7" in page


def test_the_ticket_page_shows_a_breach(client, clock, globex_ticket, globex_tech1):
    clock.advance(hours=6)
    client.force_login(globex_tech1)
    page = client.get(reverse("ticket_detail", args=[globex_ticket.pk])).content.decode()
    assert "Breached 2 h ago" in page
