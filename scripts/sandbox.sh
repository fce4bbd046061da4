#!/usr/bin/env bash
# The project's sandbox for tests, the demo and the bench: the product's own
# sandbox/sandbox.sh (the one `vlab test` runs). See its header for what it does.
exec bash "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../sandbox/sandbox.sh" "$@"
