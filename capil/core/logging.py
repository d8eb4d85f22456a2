"""Personal data never reaches the logs: NIK/KK numbers, phone numbers and e-mail addresses in a log
record's message and arguments are masked before any handler sees them."""

import logging
import re

_SIXTEEN_DIGITS = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")
_PHONE = re.compile(r"(?<![\w+])(\+?62|0)(8\d)[\d\s.-]{5,12}(\d{2})(?!\d)")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def mask_personal_data(text: str) -> str:
    text = _SIXTEEN_DIGITS.sub(r"\1********\2", text)
    text = _PHONE.sub(r"\1\2******\3", text)
    return _EMAIL.sub(r"\1***@\2", text)


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is rather than lost
            return True
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
