#!/usr/bin/env bash
# Prepare this checkout to run: Debian system packages, a Python >= 3.12 virtualenv in .venv,
# and the pinned requirements. Idempotent, and fast (well under a second) when nothing is missing.
#
# Usage: scripts/bootstrap.sh [--dev]
#   --dev   also install test/lint tools (requirements-dev.txt) and Chromium for the browser tests.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

DEV=0
for arg in "$@"; do
    case "$arg" in
        --dev) DEV=1 ;;
        -h | --help)
            sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "bootstrap: unknown option '$arg' (try --help)" >&2
            exit 2
            ;;
    esac
done

VENV=.venv
MIN_PYTHON="3.12"
# WeasyPrint (pango, harfbuzz, fontconfig), Vietnamese glyphs in PDFs, file-type sniffing,
# PDF checks in tests (pdftotext), compilemessages (msgfmt).
SYSTEM_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-core libmagic1 poppler-utils gettext)
if [[ $DEV == 1 ]]; then
    # Browser tests drive Debian's Chromium; never `playwright install` (it downloads a browser).
    SYSTEM_PACKAGES+=(chromium)
fi

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}

# --- System packages -------------------------------------------------------------------------

ensure_system_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        say "not a Debian-based system: cannot check system packages. Make sure these (or your"
        say "platform's equivalents) are installed: ${SYSTEM_PACKAGES[*]}"
        say "  e.g. macOS: brew install pango fontconfig libmagic poppler gettext (plus a Noto font and, for --dev, Chromium)"
        return 0
    fi

    local missing=() package
    for package in "${SYSTEM_PACKAGES[@]}"; do
        if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" != "install ok installed" ]]; then
            missing+=("$package")
        fi
    done
    [[ ${#missing[@]} == 0 ]] && return 0

    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "installing system packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        say "missing system packages: ${missing[*]}"
        say "install them, then run this again:"
        say "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
        exit 1
    fi
}

# --- Python ----------------------------------------------------------------------------------

# True when "$1" runs and is at least MIN_PYTHON, with venv support (Debian splits it out).
python_is_usable() {
    "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1
}

find_python() {
    local candidate
    for candidate in python3.13 python3.12 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && python_is_usable "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    say "no Python >= $MIN_PYTHON with the venv module found (tried python3.13, python3.12, python3)."
    say "Install one, then run this again:"
    say "  Debian/Ubuntu: sudo apt-get install python3.12 python3.12-venv   (or python3.13 python3.13-venv)"
    say "  any system:    pyenv install 3.13 && pyenv local 3.13"
    say "  macOS:         brew install python@3.13"
    exit 1
}

ensure_venv() {
    if [[ -x $VENV/bin/python ]] &&
        "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
        return 0
    fi
    local python
    python="$(find_python)"
    if [[ -e $VENV ]]; then
        say "$VENV is broken or older than Python $MIN_PYTHON: recreating it"
        rm -rf "$VENV"
    fi
    say "creating $VENV with $("$python" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
    "$python" -m venv "$VENV"
}

# --- Requirements ----------------------------------------------------------------------------

requirements_hash() {
    cat "$@" | "$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:16])'
}

ensure_requirements() {
    local runtime_stamp dev_stamp
    runtime_stamp="$VENV/.installed-runtime-$(requirements_hash requirements.txt)"
    dev_stamp="$VENV/.installed-dev-$(requirements_hash requirements.txt requirements-dev.txt)"

    if [[ -e $dev_stamp ]] || [[ $DEV == 0 && -e $runtime_stamp ]]; then
        return 0
    fi

    local file=requirements.txt
    [[ $DEV == 1 ]] && file=requirements-dev.txt
    say "installing Python packages from $file"
    "$VENV/bin/python" -m pip install -qq --disable-pip-version-check -r "$file"
    "$VENV/bin/python" -m pip check >/dev/null || die "pip check failed: run '$VENV/bin/python -m pip check'"

    rm -f "$VENV"/.installed-*
    touch "$runtime_stamp"
    [[ $DEV == 1 ]] && touch "$dev_stamp"
    return 0
}

ensure_system_packages
ensure_venv
ensure_requirements
