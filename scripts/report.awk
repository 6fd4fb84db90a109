# Turn a guest console log into TAP lines and counts.
# Variables:
#   arch   the boot: x86_64, x86_64-nogbpages, x86_64-viommu, arm64
#   xfail  path of the expected failures (tests/expected-failures)
#   xskip  path of the expected skips (tests/expected-skips)
#   runs   the runs the boot must show, one per BAR: "4g 64m"
# Prints 'ok'/'not ok' lines prefixed by the arch, then
# '# counts <pass> <fail> <skip> <xfail>' for the caller.

function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }

# a list that cannot be read must not pass for an empty one
function unreadable(path) {
	printf "report.awk: cannot read %s\n", path >"/dev/stderr"
	broken = 1
	exit 2
}

function result(status, name, extra, detail,   key, why) {
	n++
	key = name
	if (status == "ok" && extra ~ /^# SKIP/) {
		why = extra
		sub(/^# SKIP/, "", why)
		why = trim(why)
		if (key in xs_why) {
			xs_seen[key] = 1
			if (why == xs_why[key]) {
				skip++
				printf "ok %d %s: %s %s\n", n, arch, name, extra
				return
			}
			fail++
			printf "not ok %d %s: %s # unexpected skip: %s (tests/expected-skips expects: %s)\n",
				n, arch, name, why, xs_why[key]
			return
		}
		fail++
		printf "not ok %d %s: %s # unexpected skip: %s\n", n, arch, name, why
		return
	}
	if (key in xs_why) {
		xs_seen[key] = 1
		if (status == "ok") {
			fail++
			printf "not ok %d %s: %s # expected to skip but ran and passed: remove it from tests/expected-skips\n", n, arch, name
			return
		}
	}
	if (key in xf_test) {
		xf_seen[key] = 1
		if (status == "ok") {
			fail++
			printf "not ok %d %s: %s # XPASS: it passes now, remove it from tests/expected-failures\n", n, arch, name
		} else {
			xfails++
			printf "ok %d %s: %s # XFAIL %s\n", n, arch, name, xf_test[key]
		}
		return
	}
	if (status == "ok") {
		pass++
		printf "ok %d %s: %s\n", n, arch, name
	} else {
		fail++
		printf "not ok %d %s: %s%s\n", n, arch, name, extra
		if (detail != "")
			printf "%s", detail
	}
}

BEGIN {
	FS = "\n"
	while ((r = (getline line < xfail)) > 0) {
		if (line ~ /^[ \t]*(#|$)/)
			continue
		split(line, f, "|")
		if (trim(f[1]) != arch)
			continue
		if (trim(f[2]) == "test") {
			nxf++
			xf_key[nxf] = trim(f[3])
			xf_test[trim(f[3])] = trim(f[4])
		} else if (trim(f[2]) == "log") {
			nlog++
			xf_log[nlog] = trim(f[3])
			xf_log_why[nlog] = trim(f[4])
		}
	}
	if (r < 0 && xfail != "")
		unreadable(xfail)
	# boot | <run>:<fixture.test> | the reason the test prints after '# SKIP'
	while ((r = (getline line < xskip)) > 0) {
		nline++
		if (line ~ /^[ \t]*(#|$)/)
			continue
		nf = split(line, f, "|")
		if (nf < 3 || trim(f[2]) !~ /^[0-9a-z]+:[A-Za-z0-9_]+\.[A-Za-z0-9_.]+$/) {
			printf "report.awk: %s:%d: want 'boot | <run>:<fixture.test> | reason', not '%s'\n",
				xskip, nline, line >"/dev/stderr"
			broken = 1
			exit 2
		}
		if (trim(f[1]) != arch)
			continue
		why = line
		sub(/^[^|]*\|[^|]*\|/, "", why)
		nxs++
		xs_key[nxs] = trim(f[2])
		xs_why[trim(f[2])] = trim(why)
	}
	if (r < 0 && xskip != "")
		unreadable(xskip)
	nruns = split(runs, want_run, " ")
	# benign lines that match splat: the PAT setup line every x86 boot prints
	benign = "^x86/PAT: Configuration \\[0-7\\]: "
	splat = "(WARNING:|BUG:|Oops|kernel BUG at|general protection fault|Unable to handle kernel|" \
		"Kernel panic|possible circular locking|possible recursive locking|" \
		"inconsistent lock state|suspicious RCU usage|lock held when returning|" \
		"sleeping function called from invalid context|KASAN:|KFENCE:|UBSAN:|" \
		"rcu_sched self-detected stall|rcu: INFO:|detected stalls on CPUs|" \
		"soft lockup|hard LOCKUP|hung_task|blocked for more than|" \
		"list_add corruption|list_del corruption|invoked oom-killer|Out of memory|" \
		"Bad page|bad pgd|bad p4d|bad pud|bad pmd|bad pte|x86/PAT:|" \
		"DMAR: DRHD: handling fault|DMAR: \\[(DMA Read|DMA Write|INTR-REMAP)|VT-d detected|" \
		"Call Trace:|Call trace:)"
}

{ sub(/\r$/, "") }

/^# hugepfn: begin / {
	run = $0; sub(/^# hugepfn: begin /, "", run)
	began[run] = 1
	inrun = 1; cur = ""; buf = ""; nres = 0; next
}
/^# hugepfn: end / {
	rc = $0; sub(/.*rc=/, "", rc)
	if (rc != 0 && rc != 1)
		result("not ok", run ":" (cur == "" ? "program" : cur), " # exited with " rc " (timeout or crash)", buf)
	else if (nres == 0)
		result("not ok", run ":program", " # printed no result (rc=" rc ")", buf)
	inrun = 0; next
}
/^# hugepfn: error/ { result("not ok", "guest", " # " substr($0, 11), ""); next }
/^# hugepfn: done/ { done = 1; next }
/^# hugepfn: dmesg begin/ { indmesg = 1; next }
/^# hugepfn: dmesg end/ { indmesg = 0; next }
/^# hugepfn: device / { devices = devices "# " arch " " substr($0, 12) "\n"; next }

inrun && /^# +RUN +/ { cur = $0; sub(/^# +RUN +/, "", cur); sub(/ \.\.\.$/, "", cur); buf = ""; next }
inrun && /^(not )?ok [0-9]+ / {
	status = ($0 ~ /^not/) ? "not ok" : "ok"
	rest = $0; sub(/^(not )?ok [0-9]+ /, "", rest)
	extra = ""
	if (rest ~ /^# SKIP/) { extra = rest; name = cur }
	else name = rest
	nres++
	result(status, run ":" name, extra, buf)
	cur = ""; buf = ""
	next
}
inrun && /^#/ { buf = buf "    " $0 "\n"; next }

# the rest of the dump of an expected WARNING/BUG is expected too
in_expected && /---\[ end trace/ { in_expected = 0; next }
in_expected { next }

$0 ~ splat {
	line = $0
	sub(/^\[ *[0-9.]+\] /, "", line)
	if (line ~ benign)
		next
	for (i = 1; i <= nlog; i++)
		if (line ~ xf_log[i]) {
			xf_log_seen[i] = 1
			if (line ~ /WARNING:|BUG:/)
				in_expected = 1
			next
		}
	if (line in seen_splat)
		next
	seen_splat[line] = 1
	bad = bad "    " line "\n"
}

END {
	if (broken)
		exit 2
	printf "%s", devices
	if (inrun)
		result("not ok", run ":" (cur == "" ? "program" : cur), " # still running when the guest stopped", buf)
	if (!done)
		result("not ok", "guest", " # did not finish: no '# hugepfn: done' in the log", "")
	for (i = 1; i <= nruns; i++)
		if (!(want_run[i] in began))
			result("not ok", want_run[i] ":program", " # run missing: no '# hugepfn: begin " want_run[i] "' in the log", "")
	if (bad != "")
		result("not ok", "kernel-log-clean", " # splat in the guest kernel log:", bad)
	else {
		why = ""
		for (i = 1; i <= nlog; i++)
			if (xf_log_seen[i])
				why = why (why == "" ? "" : "; ") xf_log_why[i]
		if (why != "") {
			n++; xfails++
			printf "ok %d %s: kernel-log-clean # XFAIL %s\n", n, arch, why
		} else {
			xpass = 0
			for (i = 1; i <= nlog; i++)
				xpass = 1
			if (xpass && done) {
				n++; fail++
				printf "not ok %d %s: kernel-log-clean # XPASS: no expected line seen; remove the log entries from tests/expected-failures\n", n, arch
			} else
				result("ok", "kernel-log-clean", "", "")
		}
	}
	# entries of runs that never began are covered by 'run missing'
	for (i = 1; i <= nxf; i++) {
		k = xf_key[i]
		if (!(k in xf_seen) && done && (substr(k, 1, index(k, ":") - 1) in began)) {
			n++; fail++
			printf "not ok %d %s: %s # expected failure listed but the test never ran\n", n, arch, k
		}
	}
	for (i = 1; i <= nxs; i++) {
		k = xs_key[i]
		if (!(k in xs_seen) && done && (substr(k, 1, index(k, ":") - 1) in began)) {
			n++; fail++
			printf "not ok %d %s: %s # expected skip listed but the test never ran: fix tests/expected-skips\n", n, arch, k
		}
	}
	printf "# counts %d %d %d %d\n", pass, fail, skip, xfails
}
