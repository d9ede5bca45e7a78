"""A real OpenID Connect provider process on loopback (oidc-provider-mock), for the sign-in tests."""

import contextlib
import dataclasses
import json
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote


@dataclasses.dataclass(frozen=True)
class Provider:
    url: str

    def settings(self, **overrides) -> dict:
        """The portal's settings for this provider, as an operator would write them in the environment."""
        return {
            "OIDC_RP_CLIENT_ID": "cong-cchc",
            "OIDC_RP_CLIENT_SECRET": "bi-mat-thu-nghiem",
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/oauth2/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/oauth2/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "OIDC_PROVIDER_NAME": "Cổng đăng nhập một lần",
            **overrides,
        }

    def set_person(self, subject: str, claims: dict) -> None:
        """What the provider says about a subject (its e-mail, username, …)."""
        request = urllib.request.Request(
            f"{self.url}/users/{quote(subject)}",
            data=json.dumps(claims).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 — loopback test provider
            assert response.status == 204


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_provider():
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 — our own interpreter and a pinned test package
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port), "--require-nonce"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=1):  # noqa: S310
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("The OpenID Connect test provider did not start.") from None
                time.sleep(0.1)
        yield Provider(url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
