"""What the benchmark ran on: CPU, core count, GPUs, Python and package versions.

Versions are read from the installed distributions and GPUs from
`nvidia-smi`, so describing the machine imports no framework.
"""

import importlib.metadata
import os
import platform
import subprocess

PACKAGES = ("tensorflow", "tf-keras", "keras", "dm-sonnet", "tensorflow-probability", "torch",
            "numpy")


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or what `platform` knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def nvidia_gpus() -> list[str]:
    """Names of the NVIDIA GPUs `nvidia-smi` lists; [] without it or them."""
    try:
        listing = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                                 capture_output=True, text=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in listing.stdout.splitlines() if line.strip()]


def describe(environment: dict) -> dict:
    """cpu_model, cpu_count, gpus, platform, python, versions (None if not
    installed) and env.

    Args:
      environment: the settings the workers run with (`bench.worker.environment`).
    """
    versions = {}
    for package in PACKAGES:
        try:
            versions[package.replace("-", "_")] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package.replace("-", "_")] = None
    return dict(cpu_model=cpu_model(), cpu_count=os.cpu_count(), gpus=nvidia_gpus(),
                platform=platform.platform(),
                python=platform.python_version(), versions=versions, env=environment)
