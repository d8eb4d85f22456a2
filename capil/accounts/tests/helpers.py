"""Reading what the development channel and the mailer received, as a tester would."""

import re

from django.core import mail

from capil.notifications.selectors import dev_messages


def last_sms(phone: str) -> str:
    messages = dev_messages(phone)
    assert messages, f"no SMS to {phone}"
    return messages[0]["body"]


def sms_code(phone: str) -> str:
    match = re.search(r"(?<!\d)(\d{6})(?!\d)", last_sms(phone))
    assert match, "no 6-digit code in the SMS"
    return match.group(1)


def sms_count(phone: str) -> int:
    return len(dev_messages(phone))


def last_email_to(address: str):
    found = [m for m in mail.outbox if address.lower() in [to.lower() for to in m.to]]
    assert found, f"no e-mail to {address}"
    return found[-1]


def link_in_email(address: str) -> str:
    match = re.search(r"https?://\S+", last_email_to(address).body)
    assert match, "no link in the e-mail"
    return match.group(0)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]
