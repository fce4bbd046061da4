#!/usr/bin/env bash
# Helpers for use inside the sandbox: the product's sandbox/sandbox-lib.sh.
# shellcheck source=../sandbox/sandbox-lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../sandbox/sandbox-lib.sh"
