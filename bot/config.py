"""The gateway's configuration, read once from kb.settings (tests build their own)."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network

from kb import settings


@dataclass(frozen=True)
class GatewayConfig:
    rasa_urls: tuple[str, ...]
    allowed_origins: tuple[str, ...]
    public_url: str
    chat_timeout: float = 3.0
    rate_limit: str = "20/minute"
    rate_limit_ip: str = "300/minute"
    rate_limit_sign_in: str = "10/minute"  # staff sign-in attempts per client address, any account
    max_request_bytes: int = 16384  # the citizens' chat
    max_staff_request_bytes: int = 262144  # /admin forms and API: URL-encoded Chinese is 9 bytes a character
    max_message_chars: int = 500
    secret_key: bytes = b""  # signs staff CSRF tokens; from SZ_SECRET_KEY or a kept random key
    secure_cookies: bool = False
    stale_days: int = 180
    internal_token: str = ""  # sent to the Rasa servers as X-Internal-Token
    trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = ()  # reverse proxies whose X-Forwarded-For counts
    header_timeout: float = 10.0  # a request's headers (and an idle keep-alive connection), seconds
    body_timeout: float = 15.0  # a whole request body, seconds
    max_connections_per_address: int = 64  # open connections per client address (IPv6: per /64)
    widget_storage: str = "local"  # or "session": where the widget keeps the conversation
    widget_history_hours: float = 24.0  # how long the widget keeps history after the last message

    @classmethod
    def from_settings(cls, rasa_urls: list[str]) -> GatewayConfig:
        from bot.staff.auth import secret_key

        return cls(
            rasa_urls=tuple(rasa_urls),
            allowed_origins=tuple(settings.allowed_origins()),
            public_url=settings.public_url(),
            chat_timeout=float(settings.env("SZ_CHAT_TIMEOUT")),
            rate_limit=settings.env("SZ_RATE_LIMIT"),
            rate_limit_ip=settings.env("SZ_RATE_LIMIT_IP"),
            rate_limit_sign_in=settings.env("SZ_RATE_LIMIT_SIGN_IN"),
            max_request_bytes=int(settings.env("SZ_MAX_REQUEST_BYTES")),
            max_staff_request_bytes=int(settings.env("SZ_MAX_STAFF_REQUEST_BYTES")),
            max_message_chars=int(settings.env("SZ_MAX_MESSAGE_CHARS")),
            secret_key=secret_key(),
            secure_cookies=settings.public_url().startswith("https://"),
            stale_days=int(settings.env("SZ_STALE_DAYS")),
            internal_token=settings.env("SZ_INTERNAL_TOKEN"),
            trusted_proxies=tuple(settings.trusted_proxies()),
            header_timeout=float(settings.env("SZ_HEADER_TIMEOUT")),
            body_timeout=float(settings.env("SZ_BODY_TIMEOUT")),
            max_connections_per_address=int(settings.env("SZ_MAX_CONNECTIONS_PER_ADDRESS")),
            widget_storage="session" if settings.env("SZ_WIDGET_STORAGE") == "session" else "local",
            widget_history_hours=float(settings.env("SZ_WIDGET_HISTORY_HOURS")),
        )
