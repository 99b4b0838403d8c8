#!/usr/bin/env bash
# What a newcomer does after installing: in an empty folder, with the installed `aikg`
# (never the checkout's source), build the bundled report and use every front end once.
# Usage: scripts/smoke.sh [AIKG]  (default: aikg on PATH). Exits non-zero on the first failure.
set -euo pipefail
aikg=${1:-aikg}
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
step() { echo "+ aikg $*"; "$aikg" "$@" >"$work/out.txt" 2>&1 || { cat "$work/out.txt"; exit 1; }; }
step build
step viz
step explore show Qwen
step explore top
step explore communities
step explore path 梁磊 KAG
step query models-by-organization
step stats
test -s extracted/graph.ttl && test -s site/index.html
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$aikg" serve --port "$port" >"$work/serve.log" 2>&1 &
server=$!
query='SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
for _ in $(seq 1 100); do
  if answer=$(python3 - "$port" "$query" <<'PY' 2>/dev/null
import json, sys, urllib.parse, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/sparql?" + urllib.parse.urlencode({"query": sys.argv[2]})
req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
rows = json.load(urllib.request.urlopen(req, timeout=5))["results"]["bindings"]
print(rows[0]["n"]["value"])
PY
  ); then
    echo "+ aikg serve answered: $answer triples"
    [ "$answer" -gt 0 ]
    exit 0
  fi
  sleep 0.2
done
echo "aikg serve did not answer"; cat "$work/serve.log"; exit 1
