"""Run a real Neo4j 5.26 locally without Docker: the Java launcher in ``neo4j-launcher/``.

Used by the test suite's session fixture and by ``kgqa neo4j start|stop|status``. The launcher
is built once with Maven (``scripts/setup.sh`` does it) and runs on the installed JDK 17.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from kgqa.errors import ConfigError, GraphStoreUnavailable

logger = logging.getLogger(__name__)

READY_PREFIX = "KGQA-NEO4J READY "
JVM_FLAGS = (
    "-Xms512m",
    # With 1 GiB, writing 27k relations in one transaction filled the heap to ~690 MB and G1
    # collected 139 times (18 old-generation) in six harness rounds, 0.1-0.6 s of pauses in
    # each 1.3-2.1 s commit after the first (JFR, 2026-12-02): a large batch's transaction
    # state lives on the heap until its commit. Not shown to make writes faster (README).
    "-Xmx2g",
    # Without the nio open, vector-index population is reported to stall.
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)
DEFAULT_PASSWORD = "kgqa-test-pw"


def default_launcher_dir() -> Path:
    named = os.environ.get("KGQA_NEO4J_LAUNCHER_DIR")
    return Path(named) if named else Path(__file__).resolve().parents[2] / "neo4j-launcher"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Neo4jServer:
    home: Path
    port: int = 7687
    password: str = DEFAULT_PASSWORD
    launcher_dir: Path = field(default_factory=default_launcher_dir)
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def jar(self) -> Path:
        return self.launcher_dir / "target" / "neo4j-launcher.jar"

    @property
    def log_path(self) -> Path:
        return self.home / "launcher.log"

    @property
    def pid_path(self) -> Path:
        return self.home / "launcher.pid"

    def build(self) -> None:
        """Build the launcher with Maven unless its jar is already there."""
        if self.jar.is_file():
            return
        mvn = shutil.which("mvn")
        command = ["mvn", "-q", "-B", "-f", str(self.launcher_dir / "pom.xml"), "package"]
        if mvn is None:
            raise ConfigError(f"Maven is not installed; install it, then run: {' '.join(command)}")
        result = subprocess.run([*command, "-DskipTests"], capture_output=True, text=True)
        if result.returncode != 0:
            raise ConfigError(
                f"building the Neo4j launcher failed ({' '.join(command)}):\n"
                f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
            )

    def command(self) -> list[str]:
        java = shutil.which("java")
        if java is None:
            raise ConfigError("java (OpenJDK 17) is not installed; the Neo4j launcher needs it")
        classpath = f"{self.jar}{os.pathsep}{self.jar.parent / 'lib' / '*'}"
        return [
            java,
            *JVM_FLAGS,
            "-cp",
            classpath,
            "dev.kgqa.neo4j.Launcher",
            "--home",
            str(self.home),
            "--port",
            str(self.port),
        ]

    def start(self, timeout: float = 120.0, detached: bool = False) -> str:
        """Start Neo4j and wait for its readiness line; returns the Bolt URI."""
        self.build()
        self.home.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "NEO4J_PASSWORD": self.password}
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                self.command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,  # its own process group: signals stay ours to send
            )
        self.pid_path.write_text(str(self._process.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if READY_PREFIX in self._log_text():
                logger.info("Neo4j ready at %s (pid %s)", self.uri, self._process.pid)
                return self.uri
            if self._process.poll() is not None:
                raise GraphStoreUnavailable(
                    f"Neo4j launcher exited with {self._process.returncode}:\n{self.log_tail()}"
                )
            time.sleep(0.2)
        self.stop()
        raise GraphStoreUnavailable(
            f"Neo4j did not become ready within {timeout:.0f} s:\n{self.log_tail()}"
        )

    def stop(self, timeout: float = 30.0) -> None:
        pid = self._pid()
        if pid is None:
            return
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            self.pid_path.unlink(missing_ok=True)
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid, self._process):
            time.sleep(0.1)
        if _alive(pid, self._process):
            logger.warning("Neo4j (pid %s) ignored SIGTERM for %.0f s; killing it", pid, timeout)
            os.killpg(pid, signal.SIGKILL)
        if self._process is not None:
            self._process.wait(timeout=10)
            self._process = None
        self.pid_path.unlink(missing_ok=True)

    def detach(self) -> None:
        """Leave the server running after this process exits; ``stop`` finds it by pid file."""
        self._process = None

    def is_running(self) -> bool:
        pid = self._pid()
        return pid is not None and _alive(pid, self._process)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self._log_text().splitlines()[-lines:])

    def _log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def _pid(self) -> int | None:
        if self._process is not None:
            return self._process.pid
        try:
            return int(self.pid_path.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def __enter__(self) -> Neo4jServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _alive(pid: int, process: subprocess.Popen[bytes] | None) -> bool:
    if process is not None:
        return process.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
