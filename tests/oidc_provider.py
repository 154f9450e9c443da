"""A real OpenID Connect provider on loopback: panva's `oidc-provider` (node), from npm.

`make test` installs it into tests/oidc/node_modules (npm ci). The fixture `oidc_provider`
starts one on a free port, with its own signing key, clients and test users, and stops it
afterwards; `restart(new_key=True)` rotates its signing key. No part of it is faked.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey

HERE = Path(__file__).resolve().parent / "oidc"
NODE = shutil.which("node") or "/usr/bin/node"
START_TIMEOUT_SECONDS = 20


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _signing_key(kid: str) -> dict:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = RSAKey.import_key(private)
    return {**key.as_dict(private=True), "kid": kid, "use": "sig", "alg": "RS256"}


@dataclass
class Client:
    """A client registered at the provider."""

    client_id: str
    client_secret: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str] = field(default_factory=list)

    def as_config(self) -> dict:
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uris": self.redirect_uris,
            "post_logout_redirect_uris": self.post_logout_redirect_uris,
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_basic",
        }


class Provider:
    """One running provider process; `issuer` is its URL."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.clients: list[Client] = []
        self.users: dict[str, dict] = {}
        self.key_generation = 0
        self.keys = {"keys": [_signing_key("key-0")]}
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / "provider.log"

    def add_client(self, client_id: str, secret: str, app_base_url: str) -> Client:
        client = Client(
            client_id,
            secret,
            [f"{app_base_url}/login/sso/callback"],
            [f"{app_base_url}/login"],
        )
        self.clients.append(client)
        return client

    def add_user(self, login: str, **claims) -> None:
        """A test user; the provider's log-in form takes `login` with any password."""
        self.users[login] = {"email_verified": True, **claims}

    def start(self) -> None:
        config = {
            "port": self.port,
            "clients": [c.as_config() for c in self.clients],
            "users": self.users,
            "keys": self.keys,
        }
        config_path = self.workdir / "provider.json"
        config_path.write_text(json.dumps(config))
        with self.log_path.open("ab") as log:  # the child keeps its own handle
            self.process = subprocess.Popen(
                [NODE, str(HERE / "provider.mjs"), str(config_path)],
                cwd=HERE,
                stdout=subprocess.PIPE,
                stderr=log,
                env={**os.environ, "NODE_ENV": "test"},
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        line = b""
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if line.startswith(b"ready") or self.process.poll() is not None:
                break
        if not line.startswith(b"ready"):
            self.stop()
            raise RuntimeError(
                f"the test provider did not start: {self.log_path.read_text()[-2000:]}"
            )

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.process.stdout:
            self.process.stdout.close()
        self.process = None

    def restart(self, *, new_key: bool = False) -> None:
        """Stop and start again on the same port (with a new signing key: key rotation)."""
        self.stop()
        if new_key:
            self.key_generation += 1
            self.keys = {"keys": [_signing_key(f"key-{self.key_generation}")]}
        self.start()


def _factory(base: Path):
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("tests/oidc/node_modules is missing: `make test` installs it (npm ci)")
    made: list[Provider] = []

    def make() -> Provider:
        workdir = base / f"provider-{len(made)}"
        workdir.mkdir()
        provider = Provider(workdir)
        made.append(provider)
        return provider

    return make, made


@pytest.fixture
def oidc_provider_factory(tmp_path):
    """Make providers (each with its own port, key, clients and users); all stopped at the end.

    Use: `provider = oidc_provider_factory()`, add clients and users, `provider.start()`.
    """
    make, made = _factory(tmp_path)
    yield make
    for provider in made:
        provider.stop()


@pytest.fixture(scope="module")
def module_oidc_provider_factory(tmp_path_factory):
    """The same, with providers that live for a whole test module (start-up costs ~1 s)."""
    make, made = _factory(tmp_path_factory.mktemp("oidc"))
    yield make
    for provider in made:
        provider.stop()
