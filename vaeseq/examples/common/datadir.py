"""Data files named relative to `$VAESEQ_DATA_DIR`, the shared data directory.

A command given a relative path that does not exist in the working
directory looks for it in `$VAESEQ_DATA_DIR` and in its subfolders down to
two levels, so that `--dataset JSB_Chorales.mat` finds
`$VAESEQ_DATA_DIR/polyphonic/JSB_Chorales.mat` and `--eval_corpus
pride_and_prejudice.txt` finds `$VAESEQ_DATA_DIR/pride_and_prejudice.txt`.
"""

import glob
import os

# The folder levels below $VAESEQ_DATA_DIR searched, nearest first.
_LEVELS = ("", "*", os.path.join("*", "*"))


class AmbiguousError(ValueError):
    """A relative path found in more than one folder of the data directory."""


def is_pattern(path: str) -> bool:
    """Whether `path` is a glob pattern (holds `*`, `?` or `[`)."""
    return any(char in path for char in "*?[")


def find(path: str) -> str | None:
    """The file or folder `path` names in the data directory, or None.

    Only a relative `path` is looked for; the shallowest match wins.

    Raises:
        AmbiguousError: two matches at the shallowest level that has one.
    """
    data_dir = os.environ.get("VAESEQ_DATA_DIR")
    if not data_dir or os.path.isabs(path):
        return None
    for level in _LEVELS:
        pattern = os.path.join(glob.escape(data_dir), level, glob.escape(path))
        found = sorted(glob.glob(pattern))
        if len(found) > 1:
            raise AmbiguousError(f"{path} is in several folders of $VAESEQ_DATA_DIR: "
                                 f"{', '.join(found)}; give its path.")
        if found:
            return found[0]
    return None


def places_looked(path: str) -> str:
    """Where `find` and the working directory were searched, for an error."""
    if os.path.isabs(path):
        return ""
    data_dir = os.environ.get("VAESEQ_DATA_DIR")
    if not data_dir:
        return (f" (looked in the working directory {os.getcwd()}; "
                "$VAESEQ_DATA_DIR is not set)")
    return (f" (looked in the working directory {os.getcwd()} and in "
            f"$VAESEQ_DATA_DIR={data_dir} and its subfolders)")
