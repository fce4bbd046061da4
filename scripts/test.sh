#!/usr/bin/env bash
# The test command (README): `npm test` = scripts/test.sh all.
#   unit         fast unit and golden tests (no root, no host changes)
#   integration  sandboxed tests: a private libvirtd, real bridges, iptables and guests (root)
#   all          bootstrap what is missing, then unit + integration + one real Debian guest
#   guests       every real Debian guest (vm-images/debian: ifupdown, networkd, netplan,
#                networkmanager, cloud-init): builds the images, then their end-to-end tests
# VLAB_GUESTS=a,b picks the real guests; by default `all` rotates through them, one per run
# (chosen by the number of commits), to keep CI well inside its time budget.
# Ends with one line "tests: N passed, N failed, N skipped" summing every stage.
set -uo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
out=out/test
rm -rf "$out"; mkdir -p "$out"
status=0

stage() { printf '\n=== %s (%s)\n' "$1" "$(date +%T)"; }

node_test() { # NAME FILES...
	local name=$1; shift
	[ $# -gt 0 ] || return 0
	node --import tsx --test --test-concurrency=1 --test-reporter=spec "$@" 2>&1 | tee "$out/$name.log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
}

unit_files() {
	find test -name '*.test.ts' -not -path 'test/integration/*' -not -path 'test/sandbox/*' | sort
}

if [ "$mode" = all ]; then
	stage bootstrap
	bash scripts/bootstrap.sh || exit 1
fi

if [ "$mode" = all ] || [ "$mode" = unit ]; then
	stage "typecheck"
	npx tsc --noEmit -p . || status=1
	stage "lint and format (eslint with type information, prettier --check)"
	npm run --silent lint || status=1
	stage "unit and golden tests"
	# shellcheck disable=SC2046
	node_test unit $(unit_files)
fi

if [ "$mode" = all ] || [ "$mode" = integration ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "SKIPPED integration tests: they need root (a private libvirtd in a network namespace). Run: sudo npm run test:integration"
	else
		stage "sandbox safety tests (outside the sandbox)"
		# shellcheck disable=SC2046
		node_test sandbox $(find test/sandbox -name '*.test.ts' | sort)
		stage "integration tests (inside one sandbox per file)"
		for f in $(find test/integration -name '*.test.ts' -not -name 'lab-stacks.test.ts' | sort); do
			t0=$(date +%s)
			bash scripts/sandbox.sh -- node --import tsx --test --test-concurrency=1 --test-reporter=spec "$f" 2>&1 |
				tee "$out/int-$(basename "$f" .test.ts).log"
			[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
			echo "  ($f: $(( $(date +%s) - t0 ))s)"
		done
	fi
fi

if [ "$mode" = all ] || [ "$mode" = guests ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "SKIPPED real-guest tests: they need root (debootstrap, a private libvirtd). Run: sudo npm run test:guests"
	else
		all_guests=(ifupdown networkd netplan networkmanager cloud-init)
		if [ -n "${VLAB_GUESTS:-}" ]; then
			guests=$VLAB_GUESTS
		elif [ "$mode" = guests ]; then
			guests=$(IFS=,; echo "${all_guests[*]}")
		else
			n=$(git rev-list --count HEAD 2>/dev/null || echo 0)
			guests=${all_guests[$((n % ${#all_guests[@]}))]}
		fi
		stage "real Debian guests: $guests (build)"
		t0=$(date +%s)
		# shellcheck disable=SC2046
		bash vm-images/debian/build.sh $(echo "$guests" | tr ',' ' ') || status=1
		echo "  (images: $(( $(date +%s) - t0 ))s)"
		stage "real Debian guests: $guests (end to end)"
		t0=$(date +%s)
		VLAB_GUESTS=$guests bash scripts/sandbox.sh -- node --import tsx --test --test-concurrency=1 --test-reporter=spec \
			test/integration/lab-stacks.test.ts 2>&1 | tee "$out/int-stacks.log"
		[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
		echo "  (real guests: $(( $(date +%s) - t0 ))s)"
	fi
fi

pass=0 fail=0 skip=0
for t in "$out"/*.log; do
	[ -f "$t" ] || continue
	p=$(grep -E '^ℹ pass [0-9]+$' "$t" | tail -1 | awk '{print $3}')
	f=$(grep -E '^ℹ fail [0-9]+$' "$t" | tail -1 | awk '{print $3}')
	s=$(grep -E '^ℹ skipped [0-9]+$' "$t" | tail -1 | awk '{print $3}')
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0})); skip=$((skip + ${s:-0}))
	if [ -z "$p" ]; then echo "no summary in $t (the run crashed?)"; status=1; fi
done
[ "$fail" -eq 0 ] || status=1
echo
echo "tests: $pass passed, $fail failed, $skip skipped"
exit $status
