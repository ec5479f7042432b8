"""Webhooks: endpoints an admin registers, and the deliveries of events to them (sent by the worker).

Each delivery is a POST of the event's JSON body, signed as Standard Webhooks does it: headers ``webhook-id``
(the event: the same on every retry, so a receiver drops a repeat), ``webhook-timestamp`` (Unix seconds, for the
receiver's replay window) and ``webhook-signature``: ``v1,`` and the base64 HMAC-SHA256, keyed with the secret,
of ``id.timestamp.body``. A 2xx answer delivers it; anything else (or no answer in ``TIMEOUT`` seconds) is tried
again after ``RETRY_AFTER``, for 27.7 hours, then the delivery is ``failed`` (an admin may send it again).

One article's events reach one endpoint in the order they happened: a delivery waits while an earlier one for
the same (webhook, article) is pending. Nothing else waits on it: other articles and other endpoints go on.
A worker claims a delivery before sending (``claimed_until``), so two workers never send it at once, and a
worker killed mid-send leaves it to be sent again, with the same ``webhook-id``, once the claim expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import aliased

from workflow import events
from workflow.errors import N_, UsageError
from workflow.store import Delivery, DeliveryAttempt, Event, Store, Webhook, utcnow

MIN_SECRET = 16
"""Bytes: a shorter secret can be guessed."""
TIMEOUT = 10.0
RETRY_AFTER = (10, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 43200)
"""Seconds to wait after each failed try: 11 tries over 27.7 hours."""
LEASE = 60.0
"""How long a claim holds: longer than a try can take, so a claim never expires while its worker sends."""
SENDERS = 4
"""Deliveries sent at once: a slow endpoint delays nobody else's."""


class WebhookError(UsageError):
    """A webhook that cannot be registered as asked (bad URL, short secret, unknown event)."""


@dataclass(frozen=True)
class Endpoint:
    """A registered webhook with its delivery counts (its secret is shown once, when added)."""

    id: int
    url: str
    events: tuple[str, ...]
    created_by: str
    created_at: datetime
    pending: int
    delivered: int
    failed: int


@dataclass(frozen=True)
class Attempt:
    webhook_id: int
    delivery_id: int
    kind: str
    article_id: str
    at: datetime
    code: int | None
    error: str
    status: str


def add(store: Store, url: str, kinds: list[str] | tuple[str, ...], secret: str | None, by: str) -> tuple[int, str]:
    """Register an endpoint for these event kinds (none: all); returns its id and secret (made when None)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError(N_("%(url)r is not an http(s) URL: a webhook is an address such as "
                              "https://cms.example.org/briefdesk-hook"), url=url)
    unknown = sorted(set(kinds) - set(events.KINDS))
    if unknown:
        raise WebhookError(N_("unknown event %(events)s; choose from %(kinds)s"), events=", ".join(unknown),
                           kinds=", ".join(events.KINDS))
    secret = secrets.token_urlsafe(32) if secret is None else secret
    if len(secret.encode()) < MIN_SECRET:
        raise WebhookError(N_("the secret is %(bytes)d bytes; it must be at least %(min)d"), bytes=len(secret.encode()),
                           min=MIN_SECRET)
    with store.session() as session:
        webhook = Webhook(url=url, events=[k for k in events.KINDS if k in kinds or not kinds], secret=secret,
                          created_by=by)
        session.add(webhook)
        session.flush()
        return webhook.id, secret


def remove(store: Store, webhook_id: int) -> None:
    """Remove an endpoint with its pending deliveries and their log."""
    with store.session() as session:
        webhook = session.get(Webhook, webhook_id)
        if webhook is None:
            raise WebhookError(N_("no webhook %(id)s"), id=webhook_id)
        session.delete(webhook)


def endpoints(store: Store) -> list[Endpoint]:
    with store.read() as session:
        counts: dict[tuple[int, str], int] = {
            (w, s): n for w, s, n in session.execute(
                select(Delivery.webhook_id, Delivery.status, func.count()).group_by(Delivery.webhook_id,
                                                                                    Delivery.status))}
        return [Endpoint(w.id, w.url, tuple(w.events), w.created_by, w.created_at, counts.get((w.id, "pending"), 0),
                         counts.get((w.id, "delivered"), 0), counts.get((w.id, "failed"), 0))
                for w in session.scalars(select(Webhook).order_by(Webhook.id))]


def attempts(store: Store, limit: int = 50) -> list[Attempt]:
    """The newest tries, every endpoint's, newest first (the admin page's log)."""
    with store.read() as session:
        rows = session.execute(
            select(DeliveryAttempt, Delivery, Event.kind).join(Delivery, Delivery.id == DeliveryAttempt.delivery_id)
            .join(Event, Event.id == Delivery.event_id).order_by(DeliveryAttempt.id.desc()).limit(limit))
        return [Attempt(d.webhook_id, d.id, kind, d.external_id, a.at, a.code, a.error, d.status)
                for a, d, kind in rows]


def test(store: Store, webhook_id: int) -> Attempt:
    """Send a ``webhook.test`` event to one endpoint now and return how it went (never retried)."""
    with store.session() as session:
        webhook = session.get(Webhook, webhook_id)
        if webhook is None:
            raise WebhookError(N_("no webhook %(id)s"), id=webhook_id)
        event = Event(kind="webhook.test", external_id="", lang="", payload="", created_at=utcnow())
        event.payload = json.dumps({"type": "webhook.test", "timestamp": events.iso(event.created_at), "data": {}})
        session.add(event)
        session.flush()
        claim = f"test:{event.id}"  # claimed from the start: no worker sends it too
        delivery = Delivery(event_id=event.id, webhook_id=webhook.id, external_id="", status="pending",
                            attempts=len(RETRY_AFTER), next_at=utcnow(), claimed_by=claim,
                            claimed_until=utcnow() + timedelta(seconds=LEASE))  # the last try: not retried
        session.add(delivery)
        session.flush()
        delivery_id = delivery.id
    _send(store, delivery_id, claim, RETRY_AFTER, TIMEOUT)
    with store.read() as session:
        attempt = session.scalar(select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == delivery_id))
        return Attempt(webhook_id, delivery_id, "webhook.test", "", attempt.at, attempt.code, attempt.error,
                       session.scalar(select(Delivery.status).where(Delivery.id == delivery_id)))


def resend(store: Store, webhook_id: int) -> int:
    """Try this endpoint's failed deliveries again now; returns how many. One whose article has a later event
    delivered since stays failed: sent now, it would arrive after news it predates."""
    later = aliased(Delivery)
    with store.session() as session:
        return session.execute(update(Delivery).where(
            Delivery.webhook_id == webhook_id, Delivery.status == "failed",
            ~exists().where(and_(later.webhook_id == Delivery.webhook_id, later.external_id == Delivery.external_id,
                                 later.status == "delivered", later.event_id > Delivery.event_id)))
            .values(status="pending", attempts=0, next_at=utcnow()), execution_options={"synchronize_session": False}
        ).rowcount


# --- sending ---------------------------------------------------------------------------------------------------


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(secret.encode(), signed, hashlib.sha256).digest()).decode()


def deliver_due(store: Store, worker: str, *, schedule: tuple[float, ...] = RETRY_AFTER,
                timeout: float = TIMEOUT, lease: float = LEASE, limit: int = 50) -> int:
    """Claim the deliveries due now (the oldest pending one per webhook and article) and send them; returns
    how many were tried."""
    now = utcnow()
    earlier = aliased(Delivery)
    due = (select(Delivery.id).where(
        Delivery.status == "pending", Delivery.next_at <= now,
        (Delivery.claimed_until.is_(None)) | (Delivery.claimed_until < now),
        ~exists().where(and_(earlier.webhook_id == Delivery.webhook_id, earlier.external_id == Delivery.external_id,
                             earlier.status == "pending", earlier.event_id < Delivery.event_id)))
        .order_by(Delivery.event_id).limit(limit))
    with store.read() as session:
        candidates = session.scalars(due).all()
    if not candidates:
        return 0
    # Each sender claims a delivery only when it is about to send it: a claim always covers its own try.
    with ThreadPoolExecutor(min(SENDERS, len(candidates))) as pool:
        return sum(pool.map(lambda d: _claim_and_send(store, d, worker, schedule, timeout, lease), candidates))


def _claim_and_send(store: Store, delivery_id: int, worker: str, schedule: tuple[float, ...], timeout: float,
                    lease: float) -> bool:
    now = utcnow()
    with store.session() as session:
        taken = session.execute(update(Delivery).where(
            Delivery.id == delivery_id, Delivery.status == "pending", Delivery.next_at <= now,
            (Delivery.claimed_until.is_(None)) | (Delivery.claimed_until < now))
            .values(claimed_by=worker, claimed_until=now + timedelta(seconds=lease)))
    if taken.rowcount != 1:
        return False  # another worker took it, or sent it, since it was listed
    _send(store, delivery_id, worker, schedule, timeout)
    return True


def _send(store: Store, delivery_id: int, worker: str, schedule: tuple[float, ...], timeout: float) -> None:
    with store.read() as session:
        delivery, event, webhook = session.execute(
            select(Delivery, Event, Webhook).join(Event, Event.id == Delivery.event_id)
            .join(Webhook, Webhook.id == Delivery.webhook_id).where(Delivery.id == delivery_id)).one()
        body, url, secret, kind, tries = event.payload.encode(), webhook.url, webhook.secret, event.kind, \
            delivery.attempts
    stamp = int(time.time())
    headers = {"Content-Type": "application/json", "User-Agent": "Briefdesk-Webhooks/1", "Briefdesk-Event": kind,
               "webhook-id": str(event.id), "webhook-timestamp": str(stamp),
               "webhook-signature": signature(secret, str(event.id), stamp, body)}
    started, code, error = time.monotonic(), None, ""
    try:  # no redirects: a POST that is sent elsewhere is a misconfigured URL, shown as such
        answer = requests.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
        code = answer.status_code
        if not 200 <= code < 300:
            error = f"HTTP {code}: {answer.text[:200]}"
    except requests.RequestException as failure:
        error = f"{type(failure).__name__}: {failure}"[:500]
    now = utcnow()
    with store.session() as session:
        session.add(DeliveryAttempt(delivery_id=delivery_id, at=now, code=code, error=error,
                                    seconds=time.monotonic() - started))
        if not error:
            values = {"status": "delivered", "delivered_at": now, "attempts": tries + 1}
        elif tries >= len(schedule):
            values = {"status": "failed", "attempts": tries + 1}
        else:
            values = {"attempts": tries + 1, "next_at": now + timedelta(seconds=schedule[tries])}
        # Only while this worker holds the claim: a try that outlived its lease never overwrites another's result.
        session.execute(update(Delivery).where(Delivery.id == delivery_id, Delivery.claimed_by == worker,
                                               Delivery.status == "pending")
                        .values(claimed_by="", claimed_until=None, **values))
