"""The demo's moments, in the time of the people it portrays (Vietnam, UTC+7)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 17) -> datetime:
    """A day of the demo's calendar on the hour: 17:00, the end of the working day a deadline falls at, unless said."""
    return datetime(year, month, day, hour, 0, tzinfo=VIETNAM)


def days_from_today(days: int) -> datetime:
    """The end of the working day `days` days after the demo is loaded: deadlines still ahead of its visitors."""
    day = timezone.localdate() + timedelta(days=days)
    return at(day.year, day.month, day.day)
