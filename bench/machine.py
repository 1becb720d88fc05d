"""What the benchmark ran on: CPU, core count, Python and package versions.

Versions are read from the installed distributions, so describing the
machine imports no framework.
"""

import importlib.metadata
import os
import platform

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


def describe(environment: dict) -> dict:
    """cpu_model, cpu_count, platform, python, versions (None if not installed) and env.

    Args:
      environment: the settings the workers run with (`bench.worker.environment`).
    """
    versions = {}
    for package in PACKAGES:
        try:
            versions[package.replace("-", "_")] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package.replace("-", "_")] = None
    return dict(cpu_model=cpu_model(), cpu_count=os.cpu_count(), platform=platform.platform(),
                python=platform.python_version(), versions=versions, env=environment)
