"""Run an ``actionplans`` command that is killed (SIGKILL, as a power cut or the OOM killer
would kill it) at a chosen point of its work, rather than after a delay that may land anywhere
or nowhere: each test then knows which side of a step the kill fell on, and that it fell."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class KillPoint:
    """Kill the command ``when`` ("before" or "after") its main process calls ``owner.name``
    with an argument whose text contains ``match`` (any call when ``match`` is empty).
    ``owner`` is a module (``actionplans.datapackage``, ``os``), looked up where the command
    looks the function up."""

    owner: str
    name: str
    when: str
    match: str = ""

    def __str__(self) -> str:
        return f"{self.when} {self.owner}.{self.name}({self.match}…)" if self.match else f"{self.when} {self.owner}.{self.name}"


#: Patches the function, then runs the command as ``python -m actionplans`` does.
_LAUNCHER = """
import importlib, os, signal, sys
owner, name, when, match, *args = sys.argv[1:]
module = importlib.import_module(owner)
real = getattr(module, name)
main = os.getpid()

def killing(*a, **k):
    hit = os.getpid() == main and match in " ".join(str(x) for x in a if isinstance(x, (str, os.PathLike)))
    if hit and when == "before":
        os.kill(main, signal.SIGKILL)
    result = real(*a, **k)
    if hit and when == "after":
        os.kill(main, signal.SIGKILL)
    return result

setattr(module, name, killing)
from actionplans.cli import main as run
raise SystemExit(run(args))
"""


def run_killed(point: KillPoint, args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``actionplans *args`` in ``cwd``, killed at ``point``; its return code (``-SIGKILL``
    when the kill fell) and output. Any worker it leaves is killed with it."""
    assert point.when in ("before", "after"), point
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, point.owner, point.name, point.when, point.match, *args],
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )
        try:
            code = process.wait(timeout=600)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        output.seek(0)
        return code, output.read()
