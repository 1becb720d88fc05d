#!/usr/bin/env bash
# Runs Bazel with the project's virtualenv first on PATH, so that py_binary and
# py_test targets run under .venv/bin/python3 (with TensorFlow etc.), and
# with VAESEQ_DATA_DIR pointing at ../shared/data when that exists.
#
#   tools/bazel.sh test //vaeseq/...
#   tools/bazel.sh run -c opt //vaeseq/examples/text:train -- --iters 2
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv_bin="${repo_root}/.venv/bin"

if [[ ! -x "${venv_bin}/python3" ]]; then
    echo "tools/bazel.sh: ${venv_bin}/python3 not found; run 'make setup' first." >&2
    exit 1
fi

export PATH="${venv_bin}:${PATH}"

# The project's offline data sets (e.g. tinyshakespeare.txt) live in
# ../shared/data next to the checkout. Tests and binaries run from Bazel's
# runfiles tree, so they cannot find it relative to __file__: point them at it
# (.bazelrc forwards VAESEQ_DATA_DIR into tests; `bazel run` inherits it).
if [[ -z "${VAESEQ_DATA_DIR:-}" && -d "${repo_root}/../shared/data" ]]; then
    VAESEQ_DATA_DIR="$(cd "${repo_root}/../shared/data" && pwd)"
    export VAESEQ_DATA_DIR
fi

exec bazel "$@"
