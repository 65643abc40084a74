"""sync_feed against a real local partner server: add, skip, update, retire, keep the last good."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sync_helpers import PartnerSite, WriteCounter, snapshot

from catalogue.fetch import FeedFetcher
from catalogue.models import Activity, Feed, FeedStatus, Occurrence
from catalogue.sync import SUDDENLY_EMPTY, sync_feed
from storage import Database


def event(uid: str, title: str, start: datetime, *, place: tuple[float, float] | None = None):
    """One VEVENT as text."""
    geo = f"GEO:{place[0]};{place[1]}\r\n" if place else ""
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nSUMMARY:{title}\r\n"
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}\r\nDTEND:{start + timedelta(hours=2):%Y%m%dT%H%M%SZ}\r\n"
        f"{geo}END:VEVENT\r\n"
    )


def calendar(*events: str) -> bytes:
    """A calendar of the given events."""
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(events) + "END:VCALENDAR\r\n").encode()


def agenda(now: datetime, count: int = 6, *, renamed: dict[int, str] | None = None) -> bytes:
    """A calendar of ``count`` workshops on the days after ``now``."""
    renamed = renamed or {}
    return calendar(
        *(
            event(f"w{i}", renamed.get(i, f"Workshop {i}"), now + timedelta(days=i + 1))
            for i in range(count)
        )
    )


async def feed_row(database: Database, feed_id: int) -> Feed:
    async with database.session() as session:
        feed = await session.get(Feed, feed_id)
        assert feed is not None
        return feed


async def active_titles(database: Database, feed_id: int) -> dict[str, str]:
    async with database.session() as session:
        rows = await session.execute(
            select(Activity.source_id, Activity.titles).where(
                Activity.feed_id == feed_id, Activity.status == "active"
            )
        )
        return {source: next(iter(titles.values())) for source, titles in rows}


async def test_first_sync_adds_everything_and_records_health(
    lisbon: Database, site: PartnerSite, fetcher: FeedFetcher, new_feed, now: datetime
) -> None:
    feed_id = await new_feed(site.publish("/agenda.ics", agenda(now)))
    report = await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now, rng=random.Random(1))
    assert report.ok
    assert (len(report.added), report.updated, report.retired, report.unchanged) == (6, (), (), 0)
    assert report.items == 6
    assert await active_titles(lisbon, feed_id) == {f"w{i}": f"Workshop {i}" for i in range(6)}
    feed = await feed_row(lisbon, feed_id)
    assert feed.status == FeedStatus.OK
    assert feed.last_success_at == now
    assert feed.items_total == 6
    assert feed.etag
    assert feed.last_modified
    assert feed.content_hash
    assert feed.consecutive_failures == 0
    assert feed.last_error is None
    # The next read is one interval away, give or take 10%.
    assert feed.next_due_at is not None
    assert timedelta(minutes=54) <= feed.next_due_at - now <= timedelta(minutes=66)
    async with lisbon.session() as session:
        assert await session.scalar(select(func.count()).select_from(Occurrence)) == 6


async def test_unchanged_feed_writes_no_activity_rows(
    lisbon: Database,
    site: PartnerSite,
    fetcher: FeedFetcher,
    new_feed,
    now: datetime,
    writes: WriteCounter,
) -> None:
    url = site.publish("/agenda.ics", agenda(now))
    feed_id = await new_feed(url)
    await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now)
    before = await snapshot(lisbon)
    writes.rows = 0
    later = now + timedelta(hours=1)

    not_modified = await sync_feed(lisbon, feed_id, fetcher=fetcher, now=later)
    assert not_modified.skipped_reason
    assert "304" in not_modified.skipped_reason
    assert site.statuses("/agenda.ics") == [200, 304]

    # The same bytes again from a server that ignores validators.
    site.publish("/agenda.ics", agenda(now), conditional=False)
    same_bytes = await sync_feed(lisbon, feed_id, fetcher=fetcher, now=later)
    assert same_bytes.skipped_reason
    assert "same content" in same_bytes.skipped_reason
    assert site.statuses("/agenda.ics")[-1] == 200
    assert (same_bytes.added, same_bytes.updated, same_bytes.retired) == ((), (), ())
    assert same_bytes.unchanged == 6

    assert writes.rows == 0
    assert await snapshot(lisbon) == before
    assert (await feed_row(lisbon, feed_id)).last_success_at == later


async def test_changed_item_rewrites_only_that_activity(
    lisbon: Database,
    site: PartnerSite,
    fetcher: FeedFetcher,
    new_feed,
    now: datetime,
    writes: WriteCounter,
) -> None:
    feed_id = await new_feed(site.publish("/agenda.ics", agenda(now)))
    first = await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now)
    site.publish("/agenda.ics", agenda(now, renamed={2: "Workshop 2 (new room)"}))
    writes.rows = 0
    report = await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now)
    changed_id = first.added[2]
    assert report.updated == (changed_id,)
    assert (report.added, report.retired, report.unchanged) == ((), (), 5)
    # One activity row, one occurrence deleted, one inserted.
    assert writes.rows == 3
    assert (await active_titles(lisbon, feed_id))["w2"] == "Workshop 2 (new room)"


async def test_missing_items_are_retired_after_a_complete_read(
    lisbon: Database, site: PartnerSite, fetcher: FeedFetcher, new_feed, now: datetime
) -> None:
    feed_id = await new_feed(site.publish("/agenda.ics", agenda(now)))
    first = await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now)
    site.publish("/agenda.ics", agenda(now, count=4))
    report = await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now)
    assert report.retired == first.added[4:]
    assert report.unchanged == 4
    assert set(await active_titles(lisbon, feed_id)) == {"w0", "w1", "w2", "w3"}
    async with lisbon.session() as session:
        retired = await session.get(Activity, first.added[5])
        assert retired is not None
        assert (retired.status, retired.retired_at) == ("retired", now)
    assert (await feed_row(lisbon, feed_id)).items_total == 4
    # It comes back: the same row is active again.
    site.publish("/agenda.ics", agenda(now))
    back = await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now)
    assert set(back.updated) == set(first.added[4:])
    assert back.added == ()


async def test_partial_read_upserts_but_never_retires(
    lisbon: Database, site: PartnerSite, fetcher: FeedFetcher, new_feed, now: datetime
) -> None:
    head = "id,title,start\n"
    rows = [
        f"r{i},Repair café {i},{(now + timedelta(days=i + 1)):%Y-%m-%d} 18:00\n" for i in range(6)
    ]
    url = site.publish("/cafes.csv", (head + "".join(rows)).encode(), "text/csv")
    feed_id = await new_feed(url)
    await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now)
    # Row r5 disappears, r0 changes, and a bad row makes the read incomplete.
    broken = [rows[0].replace("Repair café 0", "Repair café zero"), *rows[1:5], "r9,Bad,soon\n"]
    site.publish("/cafes.csv", (head + "".join(broken)).encode(), "text/csv")
    report = await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now)
    assert len(report.updated) == 1
    assert report.retired == ()
    assert any("line 7" in warning for warning in report.warnings)
    assert set(await active_titles(lisbon, feed_id)) == {f"r{i}" for i in range(6)}
    feed = await feed_row(lisbon, feed_id)
    assert feed.status == FeedStatus.FAILING
    assert feed.last_error
    assert "nothing was retired" in feed.last_error
    assert "line 7" in feed.last_error


async def test_suddenly_empty_feed_changes_nothing(
    lisbon: Database, site: PartnerSite, fetcher: FeedFetcher, new_feed, now: datetime
) -> None:
    feed_id = await new_feed(site.publish("/agenda.ics", agenda(now, count=SUDDENLY_EMPTY)))
    await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now)
    before = await snapshot(lisbon)
    site.publish("/agenda.ics", calendar())
    report = await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now, rng=random.Random(2))
    assert not report.ok
    assert "no activities" in report.errors[0]
    assert await snapshot(lisbon) == before
    feed = await feed_row(lisbon, feed_id)
    assert (feed.status, feed.consecutive_failures) == (FeedStatus.FAILING, 1)
    assert feed.last_error == report.errors[0]
    assert feed.last_success_at == now


async def test_small_feed_may_become_empty(
    lisbon: Database, site: PartnerSite, fetcher: FeedFetcher, new_feed, now: datetime
) -> None:
    feed_id = await new_feed(site.publish("/agenda.ics", agenda(now, count=2)))
    await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now)
    site.publish("/agenda.ics", calendar())
    report = await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now)
    assert report.ok
    assert len(report.retired) == 2
    assert report.items == 0


async def test_failures_back_off_and_a_success_resets(
    lisbon: Database, site: PartnerSite, fetcher: FeedFetcher, new_feed, now: datetime
) -> None:
    feed_id = await new_feed(site.url("/gone.ics"))
    delays = []
    for attempt in range(3):
        report = await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now, rng=random.Random(3))
        assert report.errors == (f"{site.url('/gone.ics')} answered 404 Not Found",)
        feed = await feed_row(lisbon, feed_id)
        assert feed.consecutive_failures == attempt + 1
        assert feed.next_due_at is not None
        delays.append(feed.next_due_at - now)
    assert delays[0] < delays[1] < delays[2]
    assert delays[2] >= timedelta(hours=3)
    site.publish("/gone.ics", agenda(now))
    assert (await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now)).ok
    feed = await feed_row(lisbon, feed_id)
    assert (feed.status, feed.consecutive_failures, feed.last_error) == (FeedStatus.OK, 0, None)


async def test_validators_are_not_trusted_on_a_new_day(
    lisbon: Database, site: PartnerSite, fetcher: FeedFetcher, new_feed, now: datetime
) -> None:
    """A weekly series with no end keeps rolling forward although its bytes never change."""
    weekly = calendar(
        "BEGIN:VEVENT\r\nUID:club\r\nSUMMARY:Clube de leitura\r\n"
        "DTSTART:20261201T180000Z\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n"
    )
    feed_id = await new_feed(site.publish("/club.ics", weekly))
    await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now)
    assert (await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now)).skipped_reason
    next_week = now + timedelta(days=7)
    report = await sync_feed(lisbon, feed_id, fetcher=fetcher, now=next_week)
    assert site.statuses("/club.ics") == [200, 304, 200]
    assert report.skipped_reason is None
    assert len(report.updated) == 1


async def test_feed_with_no_events_is_fine(
    lisbon: Database, site: PartnerSite, fetcher: FeedFetcher, new_feed, now: datetime
) -> None:
    feed_id = await new_feed(site.publish("/empty.ics", calendar()))
    report = await sync_feed(lisbon, feed_id, fetcher=fetcher, now=now)
    assert report.ok
    assert (report.items, report.added, report.skipped_reason) == (0, (), None)
    assert (await feed_row(lisbon, feed_id)).status == FeedStatus.OK
