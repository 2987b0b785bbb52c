#!/usr/bin/env bash
# Runs the Emacs 30 that scripts/editors/install.sh unpacked from bookworm-backports (beside the
# system's Emacs 28): its lisp, data and helper programs are found through these variables.
# Arguments go to emacs. Use -Q, so that Debian's eglot 1.9 in site-lisp does not shadow Emacs 30's own.
set -euo pipefail
R=${GOMODLS_EDITORS:-$HOME/.cache/gomodls-editors}/emacs30/root
[ -x "$R/usr/bin/emacs-nox" ] || { echo "emacs30.sh: no Emacs 30 in $R (bash scripts/editors/install.sh emacs30)" >&2; exit 127; }
V=$(basename "$(ls -d "$R"/usr/share/emacs/[0-9]*)")
export EMACSLOADPATH=$R/usr/share/emacs/$V/lisp
export EMACSDATA=$R/usr/share/emacs/$V/etc
export EMACSDOC=$R/usr/share/emacs/$V/etc
export EMACSPATH=$R/usr/libexec/emacs/$V/x86_64-linux-gnu
exec "$R/usr/bin/emacs-nox" --dump-file="$(ls "$R"/usr/libexec/emacs/"$V"/x86_64-linux-gnu/emacs-*.pdmp)" "$@"
