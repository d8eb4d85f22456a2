from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def standard_time(step) -> str:
    """A step's standard time as people read it: "2 menit", "3 hari kerja", or "—"."""
    if step.duration_value is None:
        return "—"
    if step.duration_unit == "WORKING_DAYS":
        return ngettext("%(n)s hari kerja", "%(n)s hari kerja", step.duration_value) % {"n": step.duration_value}
    return ngettext("%(n)s menit", "%(n)s menit", step.duration_value) % {"n": step.duration_value}


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
