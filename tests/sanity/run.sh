#!/usr/bin/env bash
# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Run `ansible-test sanity` offline on a copy of the collection laid out as ansible_collections/tlsguard/windows.
# Usage: tests/sanity/run.sh <python version, e.g. 3.11> [ansible-test executable]
# validate-modules needs pwsh to read the argument spec of .ps1 modules: without pwsh it runs on everything
# else, and tests/unit/test_docs.py compares the .ps1 argument specs with their docs instead.
set -euo pipefail

python_version="${1:?python version}"
ansible_test="${2:-ansible-test}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/tlsguard-sanity.XXXXXX")"
trap 'rm -rf "$work"' EXIT
dest="$work/ansible_collections/tlsguard/windows"
mkdir -p "$dest"

# Only what git tracks or would track: a real copy, because ansible-test resolves symlinks.
(cd "$repo" && git ls-files -co --exclude-standard -z) | (cd "$repo" && xargs -0 cp --parents -t "$dest")

cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
cp "$repo/tests/sanity/get_pip_offline.py" "$cache/get_pip_offline.py"
for version in 24_2 25_2 25_3; do
    ln -sf get_pip_offline.py "$cache/get_pip_${version}.py"
done

cd "$dest"
skip=()
excludes=()
if ! command -v pwsh >/dev/null 2>&1; then
    skip=(--skip-test validate-modules)
    while IFS= read -r ps1; do
        excludes+=(--exclude "$ps1")
    done < <(find plugins/modules -name '*.ps1' | sort)
fi
"$ansible_test" sanity --venv --python "$python_version" --color no "${skip[@]}"
if [ "${#skip[@]}" -gt 0 ]; then
    "$ansible_test" sanity --venv --python "$python_version" --color no --test validate-modules "${excludes[@]}"
fi
