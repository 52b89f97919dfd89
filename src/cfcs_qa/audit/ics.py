"""The cycle's dates as an iCalendar file (RFC 5545): all-day VEVENTs, CRLF line endings,
lines folded at 75 octets, and UIDs that depend only on the month and the event, so
importing the file again updates the events instead of duplicating them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .cycle_dates import CycleDates

PRODID = "-//cfcs-qa//audit cycle//EN"


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    """Split a content line into pieces of at most 75 octets (continuations start with a
    space), never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    limit = 75
    for ch in line:
        if len((current + ch).encode("utf-8")) > limit:
            out.append(current)
            current = " "
            limit = 75
        current += ch
    out.append(current)
    return out


def _event(uid: str, stamp: str, start: date, end_exclusive: date, summary: str,
           description: str) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
        f"DTEND;VALUE=DATE:{end_exclusive:%Y%m%d}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def cycle_ics(dates: CycleDates, now: datetime) -> str:
    """The VCALENDAR text for one month's cycle; ``now`` (UTC) becomes each DTSTAMP."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    m = dates.label
    one = timedelta(days=1)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:cfcs-qa audit cycle {m}"]
    lines += _event(f"{m}-day1@cfcs-qa", stamp, dates.day1, dates.day1 + one,
                    f"Audit Day 1 ({m}): sample drawn, toolkits sent",
                    "The Tier 2 sample is drawn from the latest extract and each auditor "
                    "receives a toolkit.")
    lines += _event(f"{m}-due@cfcs-qa", stamp, dates.due_date, dates.due_date + one,
                    f"Tier 2 audits due ({m})",
                    f"Completed toolkits due today; {dates.working_days_after_due} working "
                    "days follow before the month ends.")
    lines += _event(f"{m}-pim@cfcs-qa", stamp, dates.pim_report_date,
                    dates.pim_report_date + one, f"PIM report due ({m} audits)",
                    "Audit findings reported to the Practice Improvement Meeting.")
    lines += _event(f"{m}-governance@cfcs-qa", stamp, dates.governance_week_start,
                    dates.governance_week_end + one, f"Governance week ({m} audits)",
                    "Senior Leadership Team governance meeting this week.")
    lines.append("END:VCALENDAR")
    folded = [piece for line in lines for piece in _fold(line)]
    return "\r\n".join(folded) + "\r\n"
