"""A warm kernel waiting: the kernel provisioner of "Rust (detainers)".

Starting the notebooks' kernel takes seconds: evcxr starts, rust-analyzer
loads, and the init script (notebooks/kernel/config/init.evcxr) builds and
loads the crate. This provisioner does that ahead of time. Each time Jupyter
starts a kernel of the kernelspec (a notebook opened, a restart, a headless
run), the provisioner hands over the kernel it started before, if it still
fits, and starts the next one in the background at low priority (nice 10;
the handed-over kernel gets its priority back when the provisioner may raise
it, as root).

A waiting kernel is handed over only if it fits: the same command, working
folder and environment (less Jupyter's per-session `JPY_*` variables), the
process is alive, and the library it loaded is the one the sources would build
now. The last is a stamp of the sizes and modification times of the crate's
`src/` and `data/`, its `Cargo.toml` and `Cargo.lock`, the kernel crate's
files and the kernel program, taken before the kernel was started. After an
edit to any of them the waiting kernel is stopped, never handed over, and the
kernel is started cold.

The waiting kernel starts at nice 10 only where the provisioner may give it
its priority back when it is handed over (as root, or with an RLIMIT_NICE
that allows it); elsewhere it starts at normal priority, since a kernel left
at nice 10 would compile every cell at low priority.

One kernel waits per process running the provisioner (a Jupyter server, a
papermill or nbclient run). It is stopped when that process exits, and the
kernel process gets SIGTERM when the thread that started it ends
(PR_SET_PDEATHSIG), so a killed server leaves no kernel waiting (a build the
kernel had started may still finish). Everything else (signals, kill,
restart, shutdown) is LocalProvisioner's.

DETAINERS_KERNEL_POOL=0 in the environment of the process running the
provisioner keeps no kernel waiting (each kernel then starts cold).
"""

from __future__ import annotations

import atexit
import ctypes
import hashlib
import os
import resource
import signal
import subprocess
import threading
import uuid
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo, LocalPortCache, write_connection_file
from jupyter_client.provisioning import LocalProvisioner
from jupyter_core.paths import jupyter_runtime_dir

NICE = 10
PR_SET_PDEATHSIG = 1
try:
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux
    _PRCTL = None


def _priority_can_be_restored() -> bool:
    """Whether this process may raise a process's priority back to nice 0."""
    if os.geteuid() == 0:
        return True
    try:
        soft, _ = resource.getrlimit(resource.RLIMIT_NICE)
    except (AttributeError, OSError, ValueError):
        return False
    return soft == resource.RLIM_INFINITY or soft >= 20


LOW_PRIORITY = _priority_can_be_restored()


def _start_tied() -> None:
    """In the waiting kernel's process, before exec."""
    if LOW_PRIORITY:
        os.nice(NICE)
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)


def library_stamp(argv: list[str], env: dict[str, str]) -> str:
    """What the library a kernel would load is built from, as a hash of
    sizes and modification times."""
    launch = Path(argv[0]).resolve()
    kernel = launch.parent
    repo = kernel.parent.parent
    crate = Path(env.get("DETAINERS_KERNEL_CRATE") or repo)
    files = [crate / "Cargo.toml", crate / "Cargo.lock", launch]
    for folder in (crate / "src", crate / "data"):
        files += sorted(p for p in folder.rglob("*") if p.is_file())
    files += sorted(p for p in kernel.rglob("*") if p.is_file() and p.suffix in {".rs", ".toml", ".evcxr", ".lock"})
    if env.get("DETAINERS_EVCXR"):
        files.append(Path(env["DETAINERS_EVCXR"]))
    digest = hashlib.sha256()
    for path in files:
        try:
            st = path.stat()
            digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{path}\0missing\n".encode())
    return digest.hexdigest()


PORT_NAMES = ("shell_port", "iopub_port", "stdin_port", "hb_port", "control_port")


def _return_ports(ports) -> None:
    """Give ports reserved in jupyter_client's cache back to it."""
    cache = LocalPortCache.instance()
    for port in ports:
        if port:
            cache.return_port(port)


def match_key(argv: list[str], env: dict[str, str], cwd: str) -> tuple:
    """What a waiting kernel must share with the one asked for."""
    kept = tuple(sorted((k, v) for k, v in env.items() if not k.startswith("JPY_")))
    return (tuple(argv), str(Path(cwd).resolve()), kept)


class Spare:
    """A kernel started ahead of time, with a connection file of its own."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: str, connection: dict, kernel_name: str,
                 match: tuple, stamp: str):
        # `stamp` is taken before the kernel starts: an edit made while it
        # starts leaves it stale, never the other way round.
        self.match = match
        self.stamp = stamp
        runtime = Path(jupyter_runtime_dir())
        runtime.mkdir(parents=True, exist_ok=True)
        ip = connection.get("ip", "127.0.0.1")
        # Ports from jupyter_client's cache, which keeps two kernels started by
        # this process from being given the same ones.
        ports = LocalPortCache.instance()
        self.ports = {name: ports.find_available_port(ip) for name in PORT_NAMES}
        # Not named kernel-*.json: `jupyter console --existing` must not find it.
        self.connection_file, info = write_connection_file(
            str(runtime / f"detainers-waiting-{uuid.uuid4()}.json"),
            ip=ip,
            key=uuid.uuid4().hex.encode(),
            transport=connection.get("transport", "tcp"),
            signature_scheme=connection.get("signature_scheme", "hmac-sha256"),
            kernel_name=kernel_name,
            **self.ports,
        )
        info = dict(info)
        if isinstance(info.get("key"), str):
            info["key"] = info["key"].encode()
        self.info: KernelConnectionInfo = info
        cmd = [a.replace("{connection_file}", self.connection_file) for a in argv]
        self.process = subprocess.Popen(
            cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=_start_tied,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def fits(self, match: tuple, stamp: str) -> bool:
        """Whether this kernel may stand for one asked for with `match`, on
        sources whose stamp is `stamp`."""
        return self.match == match and self.stamp == stamp and self.alive()

    def hand_over(self) -> None:
        """Back to normal priority: every thread of every process in the
        kernel's group. Its connection file stays until the kernel has ended
        (it may not have read it yet): see WarmPoolProvisioner.cleanup."""
        if LOW_PRIORITY:
            try:
                os.setpriority(os.PRIO_PGRP, self.process.pid, 0)
            except OSError:
                pass

    def release(self) -> None:
        """What the kernel held besides its process: its file and ports."""
        Path(self.connection_file).unlink(missing_ok=True)
        _return_ports(self.ports.values())

    def stop(self) -> None:
        if self.alive():
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except OSError:
                pass
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except OSError:
                    pass
                self.process.wait()
        self.release()


class Pool:
    """One waiting kernel per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spare: Spare | None = None
        self.handed_over = 0
        self.discarded = 0
        atexit.register(self.close)

    def take(self, match: tuple, stamp: str) -> Spare | None:
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is None:
            return None
        if spare.fits(match, stamp):
            self.handed_over += 1
            return spare
        self.discarded += 1
        _stop_in_background(spare)
        return None

    def refill(self, argv: list[str], env: dict[str, str], cwd: str, connection: dict, kernel_name: str,
               match: tuple, stamp: str) -> None:
        with self._lock:
            current = self._spare
            if current is not None and current.fits(match, stamp):
                return
            self._spare = None
        if current is not None:
            _stop_in_background(current)
        spare = Spare(argv, env, cwd, connection, kernel_name, match, stamp)
        with self._lock:
            old, self._spare = self._spare, spare
        if old is not None:
            _stop_in_background(old)

    def close(self) -> None:
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None:
            spare.stop()


def _stop_in_background(spare: Spare) -> None:
    """Stopping takes up to seconds; a Jupyter server's event loop must not
    wait for it."""
    threading.Thread(target=spare.stop, name="detainers-pool-stop", daemon=True).start()


POOL = Pool()


class WarmPoolProvisioner(LocalProvisioner):
    """LocalProvisioner that hands over a kernel started ahead of time."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        scrubbed = self._scrub_kwargs(kwargs)
        env = dict(scrubbed.get("env") or os.environ)
        cwd = str(scrubbed.get("cwd") or os.getcwd())
        argv = list(self.kernel_spec.argv)
        name = getattr(self.parent, "kernel_name", "") or "detainers"
        if os.environ.get("DETAINERS_KERNEL_POOL", "1") == "0":
            return await super().launch_kernel(cmd, **kwargs)
        # One walk of the sources a launch: for the kernel taken and the next.
        match, stamp = match_key(argv, env, cwd), library_stamp(argv, env)
        spare = POOL.take(match, stamp)
        if spare is not None:
            spare.hand_over()
            # The ports reserved for the kernel that is not started go back.
            if self.ports_cached and self.connection_info:
                _return_ports(self.connection_info.get(name) for name in PORT_NAMES)
                self.ports_cached = False
            self._adopted = spare
            self.process = spare.process
            self.pid = spare.process.pid
            self.pgid = spare.process.pid
            self.cwd = cwd
            self.connection_info = spare.info
            self.log.info("detainers kernel pool: handed over the waiting kernel %s", self.pid)
            info = spare.info
        else:
            info = await super().launch_kernel(cmd, **kwargs)
        try:
            POOL.refill(argv, env, cwd, dict(self.connection_info), name, match, stamp)
        except OSError as e:  # a kernel still starts; only the next one is cold
            self.log.warning("detainers kernel pool: could not start a waiting kernel: %s", e)
        return info

    async def cleanup(self, restart: bool = False) -> None:
        """After the kernel has ended: a handed-over kernel's file and ports."""
        adopted = getattr(self, "_adopted", None)
        if adopted is not None:
            adopted.release()
            self._adopted = None
        await super().cleanup(restart=restart)
