#!/bin/sh
# Node, npm and pnpm for the images, from the npm registry at the versions infra/versions.env
# pins: the same registry and versions scripts/bootstrap.sh installs on a host (the `node`
# package's binary is the node-linux-<arch> package). Run as root in a Debian image that
# has curl and ca-certificates: infra/docker/install-node.sh <versions.env>
set -eu
# shellcheck source=infra/versions.env
. "$1"
case "$(dpkg --print-architecture)" in
  amd64) arch=x64 ;;
  arm64) arch=arm64 ;;
  *) echo "install-node: no Node build for $(dpkg --print-architecture)" >&2; exit 1 ;;
esac
registry="${NPM_REGISTRY:-https://registry.npmjs.org}"
unpack() { # <package> <version> <dir>
  mkdir -p "$3"
  curl -fsSL --retry 5 "$registry/$1/-/$(basename "$1")-$2.tgz" | tar -xz -C "$3" --strip-components=1
}
unpack "node-linux-$arch" "$NODE_VERSION" /opt/node
unpack npm "$NPM_VERSION" /opt/npm
unpack pnpm "$PNPM_VERSION" /opt/pnpm
ln -s /opt/node/bin/node /usr/local/bin/node
printf '#!/bin/sh\nexec node /opt/npm/bin/npm-cli.js "$@"\n' >/usr/local/bin/npm
printf '#!/bin/sh\nexec node /opt/npm/bin/npx-cli.js "$@"\n' >/usr/local/bin/npx
printf '#!/bin/sh\nexec node /opt/pnpm/bin/pnpm.cjs "$@"\n' >/usr/local/bin/pnpm
chmod 755 /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/pnpm
test "$(node --version)" = "v$NODE_VERSION"
test "$(pnpm --version)" = "$PNPM_VERSION"
npm --version >/dev/null
