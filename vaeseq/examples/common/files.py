"""Writing files so that readers never see a partial one."""

import os
import secrets


def write_atomically(path: str, data: bytes) -> None:
    """Writes `data` to `path` via a temporary file and a rename.

    Readers see either the old file or the complete new one, never a partial
    write. Creates missing parent directories.
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    temp_path = f"{path}.{secrets.token_hex(8)}.tmp"
    fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp_path, path)
    except BaseException:
        os.unlink(temp_path)
        raise


def write_if_changed(path: str, data: bytes) -> bool:
    """`write_atomically(path, data)` unless `path` holds `data` already.

    Returns:
        Whether the file was written.
    """
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    except OSError:
        pass  # Missing or unreadable: write it.
    write_atomically(path, data)
    return True
