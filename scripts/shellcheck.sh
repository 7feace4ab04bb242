#!/usr/bin/env bash
# Runs shellcheck on every shell script of the repository: the *.sh files and the files
# whose shebang names sh or bash (./dev, .ci/run), tracked or new but not ignored.
# Part of `pnpm lint`. Settings (how `source` paths resolve) are in .shellcheckrc.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v shellcheck >/dev/null; then
  echo "shellcheck: not installed, and \`pnpm lint\` needs it. Install it with" >&2
  echo "shellcheck: 'apt-get install -y shellcheck' as root (Debian), or run ./dev test, which installs it." >&2
  exit 1
fi

scripts=()
while IFS= read -r -d '' file; do
  [ -f "$file" ] || continue # deleted in the work tree but still in the index
  first=''
  IFS= read -r first <"$file" || true
  if [[ $file == *.sh || $first =~ ^#!.*[/\ ](ba)?sh(\ |$) ]]; then
    scripts+=("$file")
  fi
done < <(git ls-files -z --cached --others --exclude-standard)

shellcheck "${scripts[@]}"
echo "shellcheck: ${#scripts[@]} scripts clean"
