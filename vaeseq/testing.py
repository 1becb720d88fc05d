"""Test entry point shared by pytest and `bazel test`.

Every `*_test.py` ends with::

      if __name__ == "__main__":
          testing.main(__file__)

so that Bazel's `py_test` (which runs the file as a script) executes the same
pytest tests that `make test` collects.
"""

import sys

import pytest


def main(test_file: str) -> None:
    """Runs the pytest tests in `test_file` and exits with pytest's status."""
    sys.exit(pytest.main([test_file, "-q", "-p", "no:cacheprovider"]))
