#!/usr/bin/env bash
# The native stack's old entry point, kept for habit and scripts: every subcommand goes
# to the one supervisor, packages/devstack (see infra/native/README.md).
#
#   stack.sh up [component...] | down [component...] [--wipe] | status | logs <c> [-f]
#   stack.sh pid <c> | versions | kill <c> [--signal SIG] | hold <c> | release <c>
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
exec "$repo/dev" stack "$@"
