import re

from django.core import signing

from capil.notifications.models import Notification
from capil.queueing import captcha


def solve_captcha(token: str) -> str:
    """The answer to a captcha, found the way only a holder of SECRET_KEY can: trying the few possible sums
    against the HMAC in the token."""
    data = signing.loads(token, salt=captcha._SALT)
    for answer in range(0, 40):
        if captcha._answer_digest(data["n"], str(answer)) == data["h"]:
            return str(answer)
    raise AssertionError("no answer matches the captcha token")


def captcha_token_in(html: str) -> str:
    return re.search(r'name="captcha_token" value="([^"]+)"', html).group(1)


def sms_to(phone_e164: str, event: str | None = None) -> list[Notification]:
    rows = Notification.objects.filter(channel="sms", address=phone_e164).order_by("id")
    return list(rows.filter(event=event) if event else rows)
