#!/usr/bin/env bash
# Stardust on a fresh Debian/Ubuntu machine, as root or with sudo:
#   bash run.sh demo    set everything up, then play the demo on an embedded PostgreSQL
#   bash run.sh test    set everything up, then run the whole test suite (extra args go to pytest)
#   bash run.sh setup   only set up (system packages, .venv, the project installed in it)
# Installs only what is missing: PostgreSQL's server, plpgsql_check (tests), DejaVu fonts,
# Noto Sans CJK and Noto Color Emoji (names in Japanese, Chinese, Korean, emoji), python3-venv;
# then a virtualenv in .venv with the project and its test extra.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

apt_install() {
  [ "$#" -gt 0 ] || return 0
  log "installing system packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO apt-get install -y -q --no-install-recommends "$@" >/dev/null; then
    $SUDO apt-get update -q >/dev/null
    $SUDO apt-get install -y -q --no-install-recommends "$@" >/dev/null
  fi
}

apt_candidate() {             # whether apt can install package $1
  local policy
  policy=$(apt-cache policy "$1" 2>/dev/null) || return 1
  grep -q 'Candidate: [^(]' <<<"$policy"
}

# The fonts for names in Japanese, Chinese, Korean and emoji. Without them those characters
# are drawn as boxes, so a machine whose apt lacks them (or whose install fails) goes on.
setup_fonts() {
  local want=() missing=()
  [ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
  [ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] ||
    [ -f /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf ] ||
    missing+=(fonts-noto-color-emoji)
  [ "${#missing[@]}" -gt 0 ] || return 0
  apt_candidate "${missing[0]}" || $SUDO apt-get update -q >/dev/null || true
  local pkg
  for pkg in "${missing[@]}"; do
    if apt_candidate "$pkg"; then
      want+=("$pkg")
    elif [ "$pkg" = fonts-noto-color-emoji ] && apt_candidate fonts-symbola; then
      want+=(fonts-symbola)      # a monochrome emoji font
    else
      log "no package $pkg here: those characters will be drawn as boxes"
    fi
  done
  apt_install "${want[@]}" || log "could not install ${want[*]}: those characters will be boxes"
}

pg_bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

setup_system() {
  local want=()
  if [ -z "$(pg_bindir)" ] || [ ! -x "$(pg_bindir)/initdb" ]; then want+=(postgresql); fi
  command -v psql >/dev/null || want+=(postgresql-client)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || want+=(fonts-dejavu-core)
  python3 -c 'import venv, ensurepip' 2>/dev/null || want+=(python3-venv)
  apt_install "${want[@]}"
  setup_fonts
  if [ "${1:-}" = test ]; then
    local major
    major=$(basename "$(dirname "$(pg_bindir)")")
    [ -f "/usr/share/postgresql/$major/extension/plpgsql_check.control" ] ||
      apt_install "postgresql-$major-plpgsql-check"
  fi
}

setup_python() {
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    { echo "Python 3.11 or newer is required (found $(python3 --version))" >&2; exit 1; }
  [ -x .venv/bin/python ] || { log "creating .venv"; python3 -m venv .venv; }
  local stamp=.venv/.stardust-installed want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing Python dependencies into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[test]'
    echo "$want" > "$stamp"
  fi
}

cmd="${1:-demo}"
shift || true
case "$cmd" in
  setup) setup_system test; setup_python ;;
  demo)  setup_system; setup_python; exec .venv/bin/stardust demo "$@" ;;
  test)  setup_system test; setup_python; exec .venv/bin/python -m pytest "$@" ;;
  *)     echo "usage: bash run.sh demo|test|setup" >&2; exit 2 ;;
esac
