"""Parse an iCalendar file from stdin with Python's `icalendar` and print one JSON object per
event: uid, summary, description, location, status and start/end as Europe/Berlin local times.
Exits non-zero when the file does not parse."""
import json
import sys
from zoneinfo import ZoneInfo

from icalendar import Calendar

berlin = ZoneInfo("Europe/Berlin")
cal = Calendar.from_ical(sys.stdin.buffer.read())
out = {"prodid": str(cal.get("PRODID")), "version": str(cal.get("VERSION")), "events": []}
for ev in cal.walk("VEVENT"):
    out["events"].append({
        "uid": str(ev.get("UID")),
        "summary": str(ev.get("SUMMARY")),
        "description": str(ev.get("DESCRIPTION")),
        "location": str(ev.get("LOCATION")),
        "status": str(ev.get("STATUS")),
        "start": ev.decoded("DTSTART").astimezone(berlin).isoformat(),
        "end": ev.decoded("DTEND").astimezone(berlin).isoformat(),
        "dtstamp": ev.decoded("DTSTAMP").isoformat(),
    })
json.dump(out, sys.stdout, ensure_ascii=False)
