"""A real SMTP server on loopback (aiosmtpd), collecting what it receives.

Enable with `pytest_plugins = ["tests.smtp"]` in conftest.py; then `smtp_server` is a fixture.
The server can be stopped and started again on the same port, so a test can show what happens
while the mail server is down.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class _Collector:
    """aiosmtpd handler: keep every message, accept it."""

    def __init__(self, messages: list[EmailMessage]) -> None:
        self.messages = messages

    async def handle_DATA(self, _server, _session, envelope) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    """An SMTP server on HOST:port; `messages` holds what it received, parsed."""

    def __init__(self, port: int | None = None) -> None:
        self.host = HOST
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self._controller: Controller | None = None

    @property
    def is_running(self) -> bool:
        """True while the server accepts connections."""
        return self._controller is not None

    def start(self) -> None:
        """Listen (again) on the same port; a stopped controller cannot restart, so make one."""
        if self._controller is None:
            controller = Controller(_Collector(self.messages), hostname=self.host, port=self.port)
            controller.start()
            self._controller = controller

    def stop(self) -> None:
        """Stop listening: connections to the port are refused until `start`."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self) -> dict:
        """App settings that deliver mail to this server."""
        return {"MAIL_BACKEND": "smtp", "SMTP_HOST": self.host, "SMTP_PORT": self.port}


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server on a free loopback port; stopped after the test."""
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
