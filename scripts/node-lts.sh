#!/usr/bin/env bash
# Puts a supported Node LTS first on PATH for this shell (source it: `. scripts/node-lts.sh`).
# Rule (issue 19, package.json engines): tests and builds run on Node NODE_LTS_MAJOR (24, an LTS line
# supported until April 2028). Where the system's Node is older, Node's own linux binary is taken from
# the npm registry (package node-linux-<arch>, the official build, integrity-checked by npm), which also
# carries the headers node-gyp needs to compile better-sqlite3 (nodejs.org, node-gyp's usual header
# source, may be unreachable): npm_config_nodedir points node-gyp at them. Kept in .data/node.
# Nothing happens when the Node on PATH is already this major or newer.
NODE_LTS_MAJOR="${NODE_LTS_MAJOR:-24}"

roluatm_node_lts() {
  local root current arch dir tarball tmp
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  current="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$current" -ge "$NODE_LTS_MAJOR" ]; then
    echo "node-lts: using the system's Node $(node -v)"
    return 0
  fi
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "node-lts: no Node package for $(uname -m); install Node ${NODE_LTS_MAJOR} yourself" >&2; return 1 ;;
  esac
  dir="$root/.data/node/${NODE_LTS_MAJOR}-linux-${arch}"
  if [ ! -x "$dir/bin/node" ] || [ ! -f "$dir/include/node/node.h" ]; then
    echo "node-lts: the system's Node is $(node -v 2>/dev/null || echo missing); fetching node-linux-${arch}@${NODE_LTS_MAJOR} from the npm registry"
    tmp="$(mktemp -d)"
    tarball="$(cd "$tmp" && npm pack --silent "node-linux-${arch}@${NODE_LTS_MAJOR}")" || { rm -rf "$tmp"; return 1; }
    rm -rf "$dir" && mkdir -p "$dir"
    tar -xzf "$tmp/$tarball" -C "$dir" --strip-components=1 || { rm -rf "$tmp" "$dir"; return 1; }
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  export npm_config_nodedir="$dir"
  echo "node-lts: using Node $(node -v) from $dir"
}

roluatm_node_lts
