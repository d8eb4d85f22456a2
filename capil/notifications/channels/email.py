"""E-mail through Django's mailers (MAILERS): a plain-text part, an HTML alternative, attachments."""

import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers

from .base import Channel, DeliveryReceipt, OutgoingMessage, PermanentFailure, TemporaryFailure


def build_email(message: OutgoingMessage) -> EmailMultiAlternatives:
    domain = settings.CAPIL_SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
    email = EmailMultiAlternatives(
        subject=message.title,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.address],
        headers={
            "Message-ID": make_msgid(idstring=message.reference, domain=domain),
            "X-Capil-Reference": message.reference,
            "Auto-Submitted": "auto-generated",
        },
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for filename, content, mimetype in message.attachments:
        email.attach(filename, content, mimetype)
    return email


class EmailChannel(Channel):
    address_kind = "email"
    text_kind = "email"

    def send(self, message: OutgoingMessage) -> DeliveryReceipt:
        email = build_email(message)
        mailer = mailers[self.options.get("mailer", "default")]
        try:
            sent = mailer.send_messages([email])
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if all(400 <= code < 500 for code in codes):
                raise TemporaryFailure(f"SMTP recipient refused for now ({codes})") from exc
            raise PermanentFailure(f"SMTP recipient refused ({codes})") from exc
        except smtplib.SMTPAuthenticationError as exc:
            # A configuration error, fixed by staff: retried until the attempts run out, not dropped.
            raise TemporaryFailure(f"SMTP authentication failed ({exc.smtp_code})") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise PermanentFailure(f"SMTP {exc.smtp_code}") from exc
            raise TemporaryFailure(f"SMTP {exc.smtp_code}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"SMTP connection: {type(exc).__name__}") from exc
        if not sent:
            raise TemporaryFailure("The mailer did not send the message.")
        return DeliveryReceipt(provider_message_id=email.extra_headers["Message-ID"])
