"""A station's public activities as an iCalendar feed (RFC 5545), written with the ``icalendar`` package: residents
subscribe to it in their phone's calendar. Only what the public page would show: no registrations, no staff."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from yizhan.stations.models import Station

from .models import Activity

DESCRIPTION_MAX = 1000  # characters of the description in an event; calendar apps show little more


def station_calendar(station: Station, activities: list[Activity], *, now: datetime | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Yizhan//Activities//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", station.display_name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = now or timezone.now()
    for activity in activities:
        event = Event()
        event.add("uid", f"activity-{activity.pk}@yizhan")
        event.add("dtstamp", stamp)
        event.add("last-modified", activity.updated_at)
        event.add("dtstart", activity.starts_at)
        event.add("dtend", activity.ends_at)
        event.add("summary", activity.title)
        if activity.description:
            event.add("description", activity.description[:DESCRIPTION_MAX])
        place = [station.display_name, station.address, activity.room.name if activity.room else ""]
        event.add("location", " · ".join(part for part in place if part))
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
