"""SMS through an HTTP gateway, configured entirely by options so the common Indonesian gateway APIs fit
without code. Options (production reads them from CAPIL_SMS_GATEWAY_* environment variables):

    url               the endpoint, e.g. https://api.gateway.example/sms/send
    method            POST (default) or GET
    auth              none | basic (username, password) | bearer (token) | header (auth_header, token)
    sender            the sender id / masking name
    body_format       json (default) | form | query
    body_template     dict (or JSON text) of the request fields; string values may hold placeholders
    headers           extra request headers (dict or JSON text), placeholders allowed
    response_id_path  where the gateway's message id is in the JSON response, dotted: "messages.0.id"
    response_status_path, response_ok_values
                      for gateways that answer 200 with a refusal inside: the field and its accepted values
    response_error_path  the field that explains a refusal
    timeout           seconds to connect and to read (default 5 and 15)

Placeholders: {to} (+62812…), {to_digits} (62812…), {to_national} (0812…), {text}, {sender}, {reference},
{username}, {password}, {token}. When {reference} appears in the body, the query or a header, the gateway
receives our client reference and can refuse a duplicate; a retry after a crash is then safe.
"""

import json
import re
from typing import Any

import phonenumbers
import requests

from .base import Channel, DeliveryReceipt, OutgoingMessage, PermanentFailure, TemporaryFailure

_PLACEHOLDER = re.compile(r"\{(to|to_digits|to_national|text|sender|reference|username|password|token)\}")
_RETRYABLE_STATUS = {408, 425, 429}


def _as_mapping(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return json.loads(value) if value else {}
    return value or {}


def fill(template: Any, values: dict[str, str]) -> Any:
    """Replace placeholders in every string of a JSON-like structure (dicts, lists, strings)."""
    if isinstance(template, str):
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
    if isinstance(template, dict):
        return {fill(k, values): fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(item, values) for item in template]
    return template


def dig(data: Any, path: str) -> Any:
    """The value at a dotted path ("messages.0.messageId") or None."""
    current = data
    for part in path.split("."):
        if isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        elif isinstance(current, dict) and part in current:
            current = current[part]
        else:
            return None
    return current


class HttpSmsChannel(Channel):
    address_kind = "phone"
    text_kind = "short"

    def __init__(self, *, name: str, **options):
        super().__init__(name=name, **options)
        self.url = options.get("url") or ""
        self.method = (options.get("method") or "POST").upper()
        self.auth = (options.get("auth") or "none").lower()
        self.body_format = (options.get("body_format") or "json").lower()
        self.body_template = _as_mapping(options.get("body_template")) or {
            "to": "{to}", "from": "{sender}", "text": "{text}", "reference": "{reference}",
        }
        self.headers_template = _as_mapping(options.get("headers"))
        self.response_id_path = options.get("response_id_path") or ""
        self.response_status_path = options.get("response_status_path") or ""
        ok_values = options.get("response_ok_values") or []
        if isinstance(ok_values, str):
            ok_values = [v.strip() for v in ok_values.split(",") if v.strip()]
        self.response_ok_values = [str(v) for v in ok_values]
        self.response_error_path = options.get("response_error_path") or ""
        self.timeout = (float(options.get("connect_timeout", 5)), float(options.get("read_timeout", 15)))
        self._session = requests.Session()

    @property
    def supports_client_reference(self) -> bool:
        everywhere = json.dumps([self.body_template, self.headers_template]) + self.url
        return "{reference}" in everywhere

    def _values(self, message: OutgoingMessage) -> dict[str, str]:
        parsed = phonenumbers.parse(message.address)
        return {
            "to": message.address,
            "to_digits": message.address.lstrip("+"),
            "to_national": phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL).replace(
                " ", "").replace("-", ""),
            "text": message.body,
            "sender": str(self.options.get("sender") or ""),
            "reference": message.reference,
            "username": str(self.options.get("username") or ""),
            "password": str(self.options.get("password") or ""),
            "token": str(self.options.get("token") or ""),
        }

    def _request_kwargs(self, message: OutgoingMessage) -> dict:
        values = self._values(message)
        headers = {str(k): str(v) for k, v in fill(self.headers_template, values).items()}
        kwargs: dict[str, Any] = {"timeout": self.timeout, "headers": headers}
        if self.auth == "basic":
            kwargs["auth"] = (values["username"], values["password"])
        elif self.auth == "bearer":
            headers["Authorization"] = f"Bearer {values['token']}"
        elif self.auth == "header":
            headers[self.options.get("auth_header") or "X-API-Key"] = values["token"]
        body = fill(self.body_template, values)
        if self.method == "GET" or self.body_format == "query":
            kwargs["params"] = body
        elif self.body_format == "form":
            kwargs["data"] = body
        else:
            kwargs["json"] = body
        kwargs["url"] = fill(self.url, values)
        return kwargs

    def send(self, message: OutgoingMessage) -> DeliveryReceipt:
        if not self.url:
            raise TemporaryFailure("The SMS gateway URL is not configured.")
        kwargs = self._request_kwargs(message)
        try:
            response = self._session.request(self.method, **kwargs)
        except requests.Timeout as exc:
            raise TemporaryFailure(f"SMS gateway timeout ({type(exc).__name__})") from exc
        except requests.ConnectionError as exc:
            raise TemporaryFailure("SMS gateway connection failed") from exc
        except requests.RequestException as exc:
            raise TemporaryFailure(f"SMS gateway request failed ({type(exc).__name__})") from exc
        status = response.status_code
        if status >= 500 or status in _RETRYABLE_STATUS:
            raise TemporaryFailure(f"SMS gateway HTTP {status}", retry_after=_retry_after(response))
        payload = _json_or_none(response)
        if status >= 400:
            raise PermanentFailure(f"SMS gateway HTTP {status}: {self._error_text(payload, response)}")
        if self.response_status_path:
            value = dig(payload, self.response_status_path)
            if str(value) not in self.response_ok_values:
                raise PermanentFailure(f"SMS gateway refused ({value}): {self._error_text(payload, response)}")
        message_id = ""
        if self.response_id_path:
            found = dig(payload, self.response_id_path)
            message_id = "" if found is None else str(found)
        return DeliveryReceipt(provider_message_id=message_id[:200])

    def _error_text(self, payload: Any, response: requests.Response) -> str:
        if self.response_error_path:
            found = dig(payload, self.response_error_path)
            if found is not None:
                return str(found)[:300]
        return " ".join(response.text.split())[:300]


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
