from celery import shared_task

from core.queue import for_each_active_commune
from reservations.services.allocation import allocations_due
from reservations.services.basket import holds_release
from reservations.services.requests import pending_requests_settle
from reservations.services.waiting import offers_expire


@shared_task
def settle_pending_requests_everywhere() -> int:
    """Every quarter of an hour (beat): each active commune settles the requests its cutoffs have reached."""
    return for_each_active_commune(settle_pending_requests)


@shared_task
def settle_pending_requests() -> int:
    return pending_requests_settle()


@shared_task
def release_expired_holds_everywhere() -> int:
    """Every minute (beat): each active commune frees the places held for payments that did not come, and
    passes the waiting lists' offers not accepted in time to the next in line."""
    return for_each_active_commune(release_expired_holds)


@shared_task
def release_expired_holds() -> int:
    return holds_release() + offers_expire()


@shared_task
def run_due_allocations_everywhere() -> int:
    """Every five minutes (beat): each active commune allocates the places of the booking windows whose
    requests have closed."""
    return for_each_active_commune(run_due_allocations)


@shared_task
def run_due_allocations() -> int:
    return allocations_due()
