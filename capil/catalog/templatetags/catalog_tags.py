from django import template
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

register = template.Library()


@register.filter
def standard_time(step) -> str:
    """A step's standard time as people read it: "2 menit", "3 hari kerja", or "—"."""
    if step.duration_value is None:
        return "—"
    if step.duration_unit == "WORKING_DAYS":
        return ngettext("%(n)s hari kerja", "%(n)s hari kerja", step.duration_value) % {"n": step.duration_value}
    return ngettext("%(n)s menit", "%(n)s menit", step.duration_value) % {"n": step.duration_value}


WEEKDAYS = [
    gettext_lazy("Senin"),
    gettext_lazy("Selasa"),
    gettext_lazy("Rabu"),
    gettext_lazy("Kamis"),
    gettext_lazy("Jumat"),
    gettext_lazy("Sabtu"),
    gettext_lazy("Minggu"),
]


@register.simple_tag
def office_hours() -> str:
    """The counters' hours from settings.CAPIL_OFFICE_HOURS (the working-day calendar's own setting), with
    consecutive days of equal hours joined: "Senin–Kamis 08.00–16.00, Jumat 08.00–16.30 WITA"."""
    hours = getattr(settings, "CAPIL_OFFICE_HOURS", None) or {}
    groups: list[list] = []  # [first day, last day, opening, closing]
    for day in sorted(hours):
        opening, closing = hours[day]
        if groups and groups[-1][1] == day - 1 and groups[-1][2:] == [opening, closing]:
            groups[-1][1] = day
        else:
            groups.append([day, day, opening, closing])
    parts = []
    for first, last, opening, closing in groups:
        days = str(WEEKDAYS[first]) if first == last else f"{WEEKDAYS[first]}–{WEEKDAYS[last]}"
        parts.append(f"{days} {opening.replace(':', '.')}–{closing.replace(':', '.')}")
    return ", ".join(parts) + " WITA" if parts else ""


@register.filter
def total_time(total) -> str:
    parts = []
    if total.working_days:
        n = total.working_days
        parts.append(ngettext("%(n)s hari kerja", "%(n)s hari kerja", n) % {"n": n})
    if total.minutes:
        hours, minutes = divmod(total.minutes, 60)
        if hours:
            parts.append(_("%(h)s jam %(m)s menit") % {"h": hours, "m": minutes})
        else:
            n = total.minutes
            parts.append(ngettext("%(n)s menit", "%(n)s menit", n) % {"n": n})
    return " + ".join(parts) or "—"
