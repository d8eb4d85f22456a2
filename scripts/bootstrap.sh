# Sourced by ./start and ./test: find Python >= 3.12, create .venv, install the locked dependencies
# when the lock file changed since the last install. Prints what to do when no suitable Python exists.

capil_find_python() {
  local candidates=()
  [ -n "${CAPIL_PYTHON:-}" ] && candidates+=("$CAPIL_PYTHON")
  candidates+=(python3.14 python3.13 python3.12)
  # pyenv keeps versions that its shims hide unless selected; look there too.
  for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin /usr/local/bin /usr/bin; do
    for exe in "$dir"/python3.1[2-9]; do [ -x "$exe" ] && candidates+=("$exe"); done
  done
  candidates+=(python3 python)
  local c
  for c in "${candidates[@]}"; do
    if command -v "$c" >/dev/null 2>&1 &&
       "$c" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
      command -v "$c"
      return 0
    fi
  done
  return 1
}

capil_bootstrap() {
  cd "$CAPIL_ROOT" || return 1
  if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    echo "» .venv uses a Python older than 3.12; making a new one."
    rm -rf .venv
  fi
  if [ ! -x .venv/bin/python ]; then
    local py
    if ! py=$(capil_find_python); then
      cat >&2 <<'MSG'
Capil Online needs Python 3.12 or newer, with the venv module, and none was found.
Install one, for example:
  Debian/Ubuntu:  sudo apt-get install python3.12 python3.12-venv   (or python3.13 python3.13-venv)
  macOS:          brew install python@3.12
  pyenv:          pyenv install 3.12
Or point CAPIL_PYTHON at an interpreter:  CAPIL_PYTHON=/path/to/python3.12 ./start
MSG
      return 1
    fi
    echo "» Creating .venv with $py ($("$py" -V 2>&1))"
    "$py" -m venv .venv || return 1
  fi
  local stamp=.venv/.capil-lock-sha256 want
  want=$(sha256sum requirements.lock | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "» Installing the locked dependencies (requirements.lock)"
    .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock || return 1
    echo "$want" > "$stamp"
  fi
}
