#!/bin/bash
# The TAP parser's own tests (make report-test; check.sh runs them first):
# scripts/report.awk over each small hand-written guest log in tests/report/
# must print exactly the TAP next to it and pass or fail as the table says.
#   tests/report/NAME.log   a guest console log
#   tests/report/NAME.tap   what report.awk must print for it
# tests/report/expected-failures and expected-skips are fixtures for these
# logs, not the real lists. UPDATE=1 rewrites the .tap files from the
# parser's output: read the diff before committing it.
set -eu
. "$(dirname "$0")/lib.sh"

dir=$TOP/tests/report
runs=$(run_names "4G 64M")

# case, the boot it is parsed as, and whether the boot passes or fails
cases="
pass			x86_64			pass
pass-arm64		arm64			pass
panic			x86_64			fail
hang			x86_64			fail
all-skipped		x86_64			fail
missing-run		x86_64			fail
bad-page		x86_64			fail
pat-error		x86_64			fail
dmar-fault		x86_64-viommu		fail
splats			x86_64			fail
xpass			x86_64-nogbpages	fail
unexpected-skip		x86_64			fail
skip-ran		arm64			fail
arm64-call-trace	arm64			fail
"

n=0 bad=0 listed=
while read -r name boot verdict; do
	[ -n "$name" ] || continue
	n=$((n + 1))
	listed="$listed $name"
	[ -f "$dir/$name.log" ] || die "no $dir/$name.log for case '$name'"
	got=$(awk -v arch="$boot" -v xfail="$dir/expected-failures" \
		-v xskip="$dir/expected-skips" -v runs="$runs" \
		-f "$TOP/scripts/report.awk" "$dir/$name.log") ||
		die "report.awk stopped on $dir/$name.log (see above)"
	[ "${UPDATE:-}" != 1 ] || printf '%s\n' "$got" >"$dir/$name.tap"
	[ -f "$dir/$name.tap" ] || die "no $dir/$name.tap: write what report.awk must print for $name.log"
	if ! diff -u --label "tests/report/$name.tap" --label "report.awk $name.log" \
		"$dir/$name.tap" <(printf '%s\n' "$got"); then
		note "$name: the TAP differs (above)"
		bad=$((bad + 1))
		continue
	fi
	counts=$(sed -n 's/^# counts //p' <<<"$got")
	[ -n "$counts" ] || { note "$name: no '# counts' line"; bad=$((bad + 1)); continue; }
	read -r _ failed _ _ <<<"$counts"
	is=pass
	[ "$failed" = 0 ] || is=fail
	if [ "$is" != "$verdict" ]; then
		note "$name: the boot would $is, the table says $verdict"
		bad=$((bad + 1))
	fi
done <<CASES
$cases
CASES

for log in "$dir"/*.log; do
	name=${log##*/}
	name=${name%.log}
	case " $listed " in *" $name "*) ;; *) die "tests/report/$name.log is in no case: add it to the table in ${0##*/}" ;; esac
done

[ "$bad" = 0 ] || die "report.awk is wrong on $bad of $n logs in tests/report: fix the parser, or the .tap if the change is meant"
note "report.awk parses all $n logs in tests/report as expected"
