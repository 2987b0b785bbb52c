#!/usr/bin/env bash
# Install a real VS Code (code-server, MIT, from the npm registry) for the end-to-end test of the
# extension, without the network beyond the npm registry.
#
#   bash scripts/editors/install_code_server.sh DEST [VERSION]
#
# code-server's own postinstall would fetch ripgrep and argon2 binaries from GitHub (unreachable
# here, and npm 11 blocks install scripts anyway), so its steps are done by hand:
#   1. npm install --ignore-scripts code-server@VERSION
#   2. argon2 built from source when the tarball has no linux-x64 prebuild
#   3. VS Code's production dependencies, then node-gyp for every native module without a prebuild
#   4. Debian's ripgrep in place of @vscode/ripgrep's download; the remaining symlinks of postinstall.sh
# Needs: node 20 with its headers (/usr/include/node: Debian's nodejs), gcc, g++, make, python3, ripgrep.
# code-server 4.100.3 (VS Code 1.100.3) is the newest release whose engines.node is 20.
set -euo pipefail
DEST=${1:?usage: install_code_server.sh DEST [VERSION]}
VERSION=${2:-4.100.3}
NODEDIR=${NODEDIR:-/usr}
[ -x /usr/bin/rg ] || { echo "install_code_server: needs Debian's ripgrep (apt-get install ripgrep)" >&2; exit 1; }
[ -f "$NODEDIR/include/node/node_api.h" ] || { echo "install_code_server: no node headers in $NODEDIR/include/node" >&2; exit 1; }
NODE_GYP=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js
[ -f "$NODE_GYP" ] || { echo "install_code_server: node-gyp not found next to npm ($NODE_GYP)" >&2; exit 1; }
npm_flags=(--no-audit --no-fund --ignore-scripts --loglevel=error)

mkdir -p "$DEST"
cd "$DEST"
if [ -x node_modules/.bin/code-server ] && [ -f .installed-"$VERSION" ]; then
  echo "code-server $VERSION already installed in $DEST"
  exit 0
fi
[ -f package.json ] || echo '{"name":"gomodls-code-server","version":"1.0.0","private":true}' > package.json
npm install "${npm_flags[@]}" "code-server@$VERSION"
CS=$DEST/node_modules/code-server

if [ ! -d node_modules/argon2/prebuilds/linux-x64 ]; then
  (cd node_modules/argon2 && npm_config_nodedir=$NODEDIR ../.bin/node-pre-gyp install --build-from-source --loglevel=error)
fi

cd "$CS/lib/vscode"
npm install "${npm_flags[@]}" --omit=dev
for gyp in node_modules/*/binding.gyp node_modules/@*/*/binding.gyp; do
  [ -f "$gyp" ] || continue
  dir=$(dirname "$gyp")
  name=${dir#node_modules/}
  case "$name" in @vscode/windows-*|kerberos|cpu-features|@parcel/watcher) continue ;; esac
  [ -d "$dir/prebuilds/linux-x64" ] && continue
  echo "install_code_server: building $name"
  (cd "$dir" && node "$NODE_GYP" rebuild --nodedir="$NODEDIR" -j "$(nproc)" --loglevel=error >/dev/null)
done
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
(cd extensions && npm install "${npm_flags[@]}" --omit=dev)

# --version writes a default config under XDG_CONFIG_HOME: keep it inside DEST.
HOME=$DEST/home XDG_CONFIG_HOME=$DEST/home/.config XDG_DATA_HOME=$DEST/home/.local/share \
  "$DEST/node_modules/.bin/code-server" --version
touch "$DEST/.installed-$VERSION"
