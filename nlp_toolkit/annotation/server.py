"""Start a local Label Studio (installed by `make setup-labelstudio` in its own venv) and wait for it.

The server gets a preset user and API token through its environment (never argv, so the token does
not show in `ps`, and never in our logs). It listens on 127.0.0.1 only, with telemetry and update
checks off: it must work without network.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..errors import ToolkitError

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = ROOT / ".venv-labelstudio" / "bin" / "label-studio"
ENV_USER, ENV_PASSWORD, ENV_TOKEN, ENV_URL = ("LABEL_STUDIO_USERNAME", "LABEL_STUDIO_PASSWORD",
                                              "LABEL_STUDIO_API_KEY", "LABEL_STUDIO_URL")
OFFLINE_ENV = {
    "COLLECT_ANALYTICS": "false",          # no telemetry
    "LATEST_VERSION_CHECK": "false",       # no PyPI version check
    "FEATURE_FLAGS_OFFLINE": "true",
    "SENTRY_DSN": "",
    "FRONTEND_SENTRY_DSN": "",
    "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",  # the preset token is a legacy (non-JWT) token
    "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
}


def find_label_studio() -> Path:
    """The label-studio executable: $LABEL_STUDIO_BIN, else the project's .venv-labelstudio, else PATH."""
    for cand in (os.environ.get("LABEL_STUDIO_BIN"), DEFAULT_BIN, shutil.which("label-studio")):
        if cand and Path(cand).is_file() and os.access(cand, os.X_OK):
            return Path(cand)
    raise ToolkitError(f"Label Studio is not installed (looked for {DEFAULT_BIN}); run `make setup-labelstudio`")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running local Label Studio; `stop()` ends it and its children."""
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self, timeout: float = 20) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def start_server(data_dir: Path, username: str, password: str, token: str, port: int | None = None,
                 timeout: float = 180) -> Server:
    """Start Label Studio on 127.0.0.1 with `data_dir`, the given user and token; return once it answers."""
    if len(token) <= 5:
        raise ToolkitError(f"{ENV_TOKEN} must be longer than 5 characters (Label Studio ignores shorter tokens)")
    if not username or "@" not in username or len(password) < 8:
        raise ToolkitError(f"{ENV_USER} must be an e-mail address and {ENV_PASSWORD} at least 8 characters")
    exe = find_label_studio()
    port = port or free_port()
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **OFFLINE_ENV, "LABEL_STUDIO_USERNAME": username, "LABEL_STUDIO_PASSWORD": password,
           "LABEL_STUDIO_USER_TOKEN": token, "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir)}
    log = data_dir / "server.log"
    with log.open("ab") as fh:
        proc = subprocess.Popen([str(exe), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(port),
                                 "--data-dir", str(data_dir), "--enable-legacy-api-token"],
                                stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", proc, log)
    try:
        wait_ready(server.url, timeout, proc)
    except BaseException:
        server.stop()
        raise
    return server


def wait_ready(url: str, timeout: float = 180, proc: subprocess.Popen | None = None) -> None:
    """Poll `url`/health until it answers 200; fail early if the server process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise ToolkitError(f"Label Studio exited with code {proc.returncode} before becoming ready "
                               f"(see its log in the data directory)")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise ToolkitError(f"Label Studio at {url} not ready after {timeout:.0f} s")
