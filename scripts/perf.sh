#!/usr/bin/env bash
# Measures the generator binary as docs/performance.md reports it: wall
# and CPU time (user + system) and peak RSS, from GNU time, of rendering
# and -check on the shipped environments and on 50 synthetic ones, next to
# `cue export` of the same CUE inputs, the commands alternating (A B C A B
# C ...) so that a change in the machine's load falls on all of them;
# medians, and each median's ratio to cue export's.
#
# Needs GNU time and a cue binary of the version in go.mod:
#   GOBIN=/tmp/bin go install cuelang.org/go/cmd/cue@v0.17.1
# Usage: scripts/perf.sh [CUE_BINARY] [RUNS]   (from the repository root)
set -euo pipefail

repo=$(pwd)
cue=${1:-cue}
runs=${2:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/generator" ./generator

# shipped: a copy of the repository's inputs and committed output.
mkdir "$work/shipped" "$work/fifty"
cp -r schema cue.mod toolchains bases environments rendered docs "$work/shipped/"

# fifty: 50 copies of environments/prod.cue, each with its own VPC CIDR,
# capacity and access URL (what the Go benchmark BenchmarkRender50 renders).
cp -r schema cue.mod toolchains bases "$work/fifty/"
mkdir "$work/fifty/environments"
for i in $(seq 1 50); do
	n=$(printf "%02d" "$i")
	{
		sed "0,/\"coder-prod\"/s//\"coder-env$n\"/" environments/prod.cue
		printf '\nvpc_cidr: "10.%d.0.0/16"\nmax_workspaces: %d\ncoder_subdomain: "coder-env%s"\n' "$i" $((500 + 50 * i)) "$n"
	} >"$work/fifty/environments/env$n.cue"
done

# The same CUE inputs for cue export: one file holding every environment
# as schema.#Environment & {environment: NAME, <the file's fields>}.
cue_inputs() {
	local root=$1
	mkdir -p "$root/cueall"
	{
		printf 'package cueall\n\nimport "github.com/coder-eks/coder-eks/schema"\n\n'
		for f in "$root"/environments/*.cue; do
			n=$(basename "$f" .cue)
			printf '"%s": schema.#Environment & {\n\tenvironment: "%s"\n' "$n" "$n"
			sed -n '/^schema.#Environment$/,$p' "$f" | tail -n +2
			printf '}\n\n'
		done
	} >"$root/cueall/all.cue"
}

for set in shipped fifty; do
	cd "$work/$set"
	cue_inputs "$work/$set"
	"$work/generator" >/dev/null # fifty has no committed output yet
	echo "== $set: $(ls environments | wc -l) environment(s), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
	times=$work/$set.times
	for i in $(seq "$runs"); do
		# render: a regenerate with nothing to change (it writes nothing);
		# render-new: every file written, into a new -out directory.
		/usr/bin/time -f "render %e %U %S %M" -a -o "$times" "$work/generator" >/dev/null
		/usr/bin/time -f "render-new %e %U %S %M" -a -o "$times" "$work/generator" -out "$work/$set.out$i" >/dev/null
		rm -rf "$work/$set.out$i"
		/usr/bin/time -f "check %e %U %S %M" -a -o "$times" "$work/generator" -check >/dev/null
		/usr/bin/time -f "cue-export %e %U %S %M" -a -o "$times" "$cue" export ./cueall >/dev/null
	done
	python3 - "$times" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, wall, user, sys_, rss = line.split()
    runs[name].append((float(wall), float(user) + float(sys_), int(rss) / 1024))
med = {k: [statistics.median(r[i] for r in v) for i in range(3)] for k, v in runs.items()}
cue = med["cue-export"]
for name, (wall, cpu, rss) in med.items():
    print(f"{name:11} wall {wall*1e3:6.0f} ms  cpu {cpu*1e3:6.0f} ms  peak RSS {rss:5.0f} MiB"
          f"  ratio to cue export: wall {wall/cue[0]:4.2f}x  cpu {cpu/cue[1]:4.2f}x")
PY
	cd "$repo"
done
