#!/usr/bin/env bash
# RoluATM launcher: started by roluatm.service (ExecStart) as the kiosk user. Installed to
# /opt/roluatm/bin/roluatm-launch by build/install-pi.sh. docs/INSTALL-PI.md "Updates and rollback".
#
# Slots in $ROLUATM_RELEASES_DIR (default /var/lib/roluatm/releases; electron/update-slots.ts):
#   pending.AppImage + pending.sha512 + pending.version   staged by the app (or install-pi.sh)
#   current.AppImage + current/                          what runs (extracted: no FUSE at boot)
#   previous.AppImage + previous/                        kept for rollback
#   trial            "<version> <starts>" until the app confirms the version passed its health check
#   bad-versions     versions rolled back here; the app never downloads them again
#
# Rules, on every start:
# 1. A pending AppImage whose sha512 matches and which extracts is promoted: current becomes
#    previous, pending becomes current, on trial. A bad one is discarded and listed as bad.
# 2. A version on trial gets ROLUATM_TRIAL_STARTS starts (default 2) to confirm itself; on the next
#    one it is rolled back to previous and listed as bad. With no previous it keeps running.
# 3. Runs current/AppRun with APPIMAGE (electron-updater reads it) and ROLUATM_TRIAL set.
set -euo pipefail

R="${ROLUATM_RELEASES_DIR:-/var/lib/roluatm/releases}"
MAX_STARTS="${ROLUATM_TRIAL_STARTS:-2}"

say() { echo "roluatm-launch: $*" >&2; }

mark_bad() { echo "$1" >> "$R/bad-versions"; }

# Moves slot $1 (AppImage, folder, version) to slot $2, replacing it.
move_slot() {
  rm -rf "${R:?}/$2" "$R/$2.AppImage" "$R/$2.version"
  if [ -e "$R/$1.AppImage" ]; then mv "$R/$1.AppImage" "$R/$2.AppImage"; fi
  if [ -e "$R/$1" ]; then mv "$R/$1" "$R/$2"; fi
  if [ -e "$R/$1.version" ]; then mv "$R/$1.version" "$R/$2.version"; fi
}

discard_pending() {
  rm -rf "${R:?}/pending" "$R/pending.AppImage" "$R/pending.sha512" "$R/pending.version" "$R/squashfs-root"
}

promote_pending() {
  local version hex
  version="$(tr -d '[:space:]' < "$R/pending.version" 2>/dev/null || true)"
  hex="$(tr -d '[:space:]' < "$R/pending.sha512" 2>/dev/null || true)"
  [ -n "$version" ] || version=unknown
  if ! [[ "$hex" =~ ^[0-9a-f]{128}$ ]] || ! echo "$hex  $R/pending.AppImage" | sha512sum -c --status; then
    say "pending $version does not match its sha512: discarded"
    mark_bad "$version"
    discard_pending
    return
  fi
  rm -rf "${R:?}/squashfs-root" "$R/pending"
  chmod 0755 "$R/pending.AppImage"
  if ! (cd "$R" && ./pending.AppImage --appimage-extract >/dev/null) || [ ! -x "$R/squashfs-root/AppRun" ]; then
    say "pending $version does not extract: discarded"
    mark_bad "$version"
    discard_pending
    return
  fi
  mv "$R/squashfs-root" "$R/pending"
  echo "$version" > "$R/pending.version"
  if [ -e "$R/current.AppImage" ]; then move_slot current previous; fi
  move_slot pending current
  rm -f "$R/pending.sha512"
  echo "$version 0" > "$R/trial"
  say "promoted $version (on trial; previous kept for rollback)"
}

# Counts this start against the trial; rolls back when the version had its chances.
check_trial() {
  local version starts
  read -r version starts < "$R/trial" || true
  [[ "${starts:-}" =~ ^[0-9]+$ ]] || starts=0
  starts=$((starts + 1))
  if [ "$starts" -le "$MAX_STARTS" ]; then
    echo "$version $starts" > "$R/trial"
    TRIAL="$version"
    return
  fi
  if [ -x "$R/previous/AppRun" ]; then
    say "$version did not pass its start-up health check in $MAX_STARTS starts: rolling back to $(cat "$R/previous.version" 2>/dev/null || echo previous)"
    mark_bad "$version"
    rm -rf "${R:?}/current" "$R/current.AppImage" "$R/current.version"
    move_slot previous current
  else
    say "$version did not pass its start-up health check, and there is no previous version to roll back to: keeping it"
  fi
  rm -f "$R/trial"
}

mkdir -p "$R"
TRIAL=""
if [ -e "$R/pending.AppImage" ]; then promote_pending; fi
if [ -e "$R/trial" ]; then check_trial; fi
[ -x "$R/current/AppRun" ] || { say "no app installed in $R/current: run build/install-pi.sh --appimage FILE"; exit 1; }

export APPIMAGE="$R/current.AppImage"
export ROLUATM_RELEASES_DIR="$R"
if [ -n "$TRIAL" ]; then export ROLUATM_TRIAL="$TRIAL"; else unset ROLUATM_TRIAL; fi
exec "$R/current/AppRun" --ozone-platform-hint=auto "$@"
