#!/usr/bin/env bash
# Build a guest image from vm-images/NAME/build.sh (cached: a no-op when its inputs are unchanged).
#   scripts/build-image.sh tiny [OUTDIR]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
name=${1:-}
if [ -z "$name" ] || [ ! -f "$root/vm-images/$name/build.sh" ]; then
	echo "usage: scripts/build-image.sh NAME [OUTDIR]   (NAME: $(cd "$root/vm-images" && ls -d */ 2>/dev/null | tr -d / | tr '\n' ' '))" >&2
	exit 2
fi
shift
exec bash "$root/vm-images/$name/build.sh" "$@"
