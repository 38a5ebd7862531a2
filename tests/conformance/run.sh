#!/usr/bin/env bash
# Checks every form in content/forms/ and tests/conformance/corpus/ against pyxform, the
# reference XLSForm converter (see content/forms/README.md, "Checking a form against pyxform").
#   tests/conformance/run.sh [-v] [FORM_DIR ...]
# Env: PASSERELLE_BIN (default /var/tmp/passerelle-target/debug/passerelle), TMPDIR (the venv
# lives in ${TMPDIR:-/tmp}/passerelle-conformance-venv and is reused while requirements.txt is
# unchanged). Needs python3 (with venv) and PyPI, the first time only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export PASSERELLE_BIN="${PASSERELLE_BIN:-/var/tmp/passerelle-target/debug/passerelle}"
venv="${TMPDIR:-/tmp}/passerelle-conformance-venv"
stamp="$venv/.requirements.txt"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || {
        rm -rf "$venv"
        echo "run.sh: cannot create a Python venv (on Debian: apt-get install python3-venv)" >&2
        exit 2
    }
fi
if ! cmp -s "$here/requirements.txt" "$stamp"; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$stamp"
fi
exec "$venv/bin/python" "$here/check_forms.py" --bin "$PASSERELLE_BIN" "$@"
