#!/usr/bin/env bash
# Measures the generator binary as docs/performance.md reports it: wall
# time (hyperfine) and peak RSS (/usr/bin/time -v) for rendering, -check
# and -diff on the shipped environments and on 50 synthetic ones, next to
# `cue export` of the same CUE inputs.
#
# Needs hyperfine, GNU time and a cue binary of the version in go.mod:
#   GOBIN=/tmp/bin go install cuelang.org/go/cmd/cue@v0.17.1
# Usage: scripts/perf.sh [CUE_BINARY]   (from the repository root)
set -euo pipefail

repo=$(pwd)
cue=${1:-cue}
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
	hyperfine -N --warmup 3 --runs 30 --export-json "$work/$set.json" \
		"$work/generator" "$work/generator -check" "$work/generator -diff" "$cue export ./cueall" >/dev/null
	python3 - "$work/$set.json" <<'PY'
import json, statistics, sys
for r in json.load(open(sys.argv[1]))["results"]:
    t = sorted(r["times"])
    print(f'{r["command"].split("/")[-1]:40} min {t[0]*1e3:7.1f} ms  median {statistics.median(t)*1e3:7.1f} ms  '
          f'cpu (user+sys) {(r["user"]+r["system"])*1e3:7.1f} ms')
PY
	for cmd in "$work/generator" "$work/generator -check" "$cue export ./cueall"; do
		rss=$( { /usr/bin/time -v $cmd >/dev/null; } 2>&1 | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}')
		printf '%-40s peak RSS %6.1f MB\n' "${cmd##*/}" "$(echo "$rss / 1024" | bc -l)"
	done
	cd "$repo"
done
