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
# shellcheck source=../../scripts/lib/common.sh
. "$here/../../scripts/lib/common.sh"
venv=$(py_venv passerelle-conformance-venv "$here/requirements.txt")
exec "$venv/bin/python" "$here/check_forms.py" --bin "$PASSERELLE_BIN" "$@"
