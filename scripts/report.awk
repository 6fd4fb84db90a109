# Turn a guest console log into TAP lines and counts.
# Variables: arch (the boot: x86_64, x86_64-nogbpages, arm64), xfail (path of tests/expected-failures).
# Prints 'ok'/'not ok' lines prefixed by the arch, then
# '# counts <pass> <fail> <skip> <xfail>' for the caller.

function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }

function result(status, name, extra, detail,   key) {
	n++
	key = name
	if (status == "ok" && extra ~ /^# SKIP/) {
		skip++
		printf "ok %d %s: %s %s\n", n, arch, name, extra
		return
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
	while ((getline line < xfail) > 0) {
		if (line ~ /^[ \t]*(#|$)/)
			continue
		split(line, f, "|")
		if (trim(f[1]) != arch)
			continue
		if (trim(f[2]) == "test")
			xf_test[trim(f[3])] = trim(f[4])
		else if (trim(f[2]) == "log") {
			nlog++
			xf_log[nlog] = trim(f[3])
			xf_log_why[nlog] = trim(f[4])
		}
	}
	splat = "(WARNING:|BUG:|Oops|kernel BUG at|general protection fault|Unable to handle kernel|" \
		"Kernel panic|possible circular locking|possible recursive locking|" \
		"inconsistent lock state|suspicious RCU usage|lock held when returning|" \
		"sleeping function called from invalid context|KASAN:|KFENCE:|UBSAN:|" \
		"rcu_sched self-detected stall|rcu: INFO:|detected stalls on CPUs|" \
		"soft lockup|hung_task|blocked for more than|list_add corruption|list_del corruption|" \
		"Bad page|bad pmd|bad pud|bad pte|x86/PAT: .*freeing invalid memtype|" \
		"x86/PAT: .*conflicting memory types|Call Trace:)"
}

{ sub(/\r$/, "") }

/^# hugepfn: begin / { run = $0; sub(/^# hugepfn: begin /, "", run); inrun = 1; cur = ""; buf = ""; nres = 0; next }
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
	printf "%s", devices
	if (inrun)
		result("not ok", run ":" (cur == "" ? "program" : cur), " # still running when the guest stopped", buf)
	if (!done)
		result("not ok", "guest", " # did not finish: no '# hugepfn: done' in the log", "")
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
	for (k in xf_test)
		if (!(k in xf_seen) && done) {
			n++; fail++
			printf "not ok %d %s: %s # expected failure listed but the test never ran\n", n, arch, k
		}
	printf "# counts %d %d %d %d\n", pass, fail, skip, xfails
}
