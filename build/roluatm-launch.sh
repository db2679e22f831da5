#!/usr/bin/env bash
# RoluATM launcher: started by roluatm.service (ExecStart) as the kiosk user. Installed to
# /opt/roluatm/bin/roluatm-launch by build/install-pi.sh. docs/INSTALL-PI.md "Updates and rollback".
#
# Slots in $ROLUATM_RELEASES_DIR (default /var/lib/roluatm/releases; electron/update-slots.ts):
#   pending.AppImage + pending.sha512 + pending.version   staged by the app (or install-pi.sh)
#   pending.release + pending.sig   the release statement the operator's key signed and its base64
#                    Ed25519 signature (electron/release-signature.ts), staged with them
#   current.AppImage + current/                          what runs (extracted: no FUSE at boot)
#   previous.AppImage + previous/                        kept for rollback
#   pending/         the pending AppImage already unpacked (by the app when it staged it)
#   trial            "<version> <failed> <interrupted> <boot id of the start in progress|->" until the
#                    app confirms the version passed its health check (it removes the file)
#   bad-versions     versions rolled back here; the app never downloads them again
#
# Rules:
# 1. `--prepare` (ExecStartPre) and every start: a pending AppImage whose sha512 matches and which
#    is unpacked (by the app at staging, else here) is promoted: current becomes previous, pending
#    becomes current, on trial. A bad one is discarded and listed as bad. Unpacking never runs in
#    ExecStart, so it cannot eat the app's start timeout.
#    With release keys configured (ROLUATM_RELEASE_KEYS from /etc/roluatm/kiosk.env) it must also be
#    signed (issue 19 "Updates nobody can forge"): pending.sig verifies over pending.release under one
#    of the keys (openssl, Ed25519), and that statement names this version, this file's sha512 and
#    size. The app checked the same before staging; this covers anything else that writes the slot.
# 2. A start of a version on trial that ended without confirming is judged by the boot it ran in:
#    - the same boot as now: the app ran and exited, crashed or hung without passing its health
#      check: a failed start. After ROLUATM_TRIAL_STARTS (default 2) it is rolled back to previous
#      and listed as bad. With no previous it keeps running.
#    - an earlier boot: the machine lost power or rebooted during the start: not a failed start.
#      Only ROLUATM_TRIAL_REBOOTS (default 5) such starts in a row also roll it back (a version
#      that hangs the whole machine).
# 3. Runs current/AppRun with APPIMAGE (electron-updater reads it) and ROLUATM_TRIAL set.
set -euo pipefail

R="${ROLUATM_RELEASES_DIR:-/var/lib/roluatm/releases}"
MAX_STARTS="${ROLUATM_TRIAL_STARTS:-2}"
MAX_REBOOTS="${ROLUATM_TRIAL_REBOOTS:-5}"
BOOT_ID="$(tr -d '[:space:]-' < "${ROLUATM_BOOT_ID_FILE:-/proc/sys/kernel/random/boot_id}")"

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
  rm -rf "${R:?}/pending" "$R/pending.AppImage" "$R/pending.sha512" "$R/pending.version" "$R/squashfs-root" \
    "$R/pending.release" "$R/pending.sig"
}

# Rule 1, signatures: true when no release key is configured, or when the pending AppImage carries a
# statement signed by one of the keys that names version $1, its sha512 and its size.
signed_by_release_key() {
  local version="$1" keys="${ROLUATM_RELEASE_KEYS:-}" line s_version="" s_sha="" s_size="" key work verified=1
  [ -n "${keys//[[:space:],]/}" ] || return 0
  if [ ! -s "$R/pending.release" ] || [ ! -s "$R/pending.sig" ]; then
    say "pending $version carries no release signature (pending.release, pending.sig)"
    return 1
  fi
  if [ "$(head -n 1 "$R/pending.release")" != "roluatm-release-v1" ]; then
    say "pending $version: pending.release is not a roluatm-release-v1 statement"
    return 1
  fi
  while IFS= read -r line; do
    case "$line" in
      version=*) s_version="${line#version=}" ;;
      sha512=*) s_sha="${line#sha512=}" ;;
      size=*) s_size="${line#size=}" ;;
    esac
  done < "$R/pending.release"
  if [ "$s_version" != "$version" ] || [ "$s_size" != "$(stat -c %s "$R/pending.AppImage")" ] ||
    [ "$s_sha" != "$(openssl dgst -sha512 -binary "$R/pending.AppImage" | base64 -w0)" ]; then
    say "pending $version does not match the release statement that was signed (version, sha512 or size)"
    return 1
  fi
  work="$(mktemp -d)"
  if base64 -d < "$R/pending.sig" > "$work/sig" 2>/dev/null; then
    for key in ${keys//,/ }; do
      # An Ed25519 SubjectPublicKeyInfo is a fixed 12-byte header (base64 MCowBQYDK2VwAyEA) and the
      # raw 32-byte key, which ROLUATM_RELEASE_KEYS holds as base64url.
      printf -- '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA%s=\n-----END PUBLIC KEY-----\n' "$(printf '%s' "$key" | tr '_-' '/+')" > "$work/key.pem"
      if openssl pkeyutl -verify -pubin -inkey "$work/key.pem" -rawin -in "$R/pending.release" -sigfile "$work/sig" >/dev/null 2>&1; then
        verified=0
        break
      fi
    done
  fi
  rm -rf "$work"
  [ "$verified" -eq 0 ] || say "pending $version is not signed by a trusted release key (ROLUATM_RELEASE_KEYS)"
  return "$verified"
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
  if ! signed_by_release_key "$version"; then
    # Not listed as bad: the app stages only what it verified, so this came from elsewhere, and the
    # real $version may still come signed.
    say "pending $version discarded: it is not installed"
    discard_pending
    return
  fi
  if [ ! -x "$R/pending/AppRun" ]; then
    rm -rf "${R:?}/squashfs-root" "$R/pending"
    chmod 0755 "$R/pending.AppImage"
    if ! (cd "$R" && ./pending.AppImage --appimage-extract >/dev/null) || [ ! -x "$R/squashfs-root/AppRun" ]; then
      say "pending $version does not extract: discarded"
      mark_bad "$version"
      discard_pending
      return
    fi
    mv "$R/squashfs-root" "$R/pending"
  fi
  echo "$version" > "$R/pending.version"
  if [ -e "$R/current.AppImage" ]; then move_slot current previous; fi
  move_slot pending current
  rm -f "$R/pending.sha512" "$R/pending.release" "$R/pending.sig"
  echo "$version 0 0 -" > "$R/trial"
  say "promoted $version (on trial; previous kept for rollback)"
}

roll_back() {
  local version="$1" why="$2"
  if [ -x "$R/previous/AppRun" ]; then
    say "$version $why: rolling back to $(cat "$R/previous.version" 2>/dev/null || echo previous)"
    mark_bad "$version"
    rm -rf "${R:?}/current" "$R/current.AppImage" "$R/current.version"
    move_slot previous current
  else
    say "$version $why, and there is no previous version to roll back to: keeping it"
  fi
  rm -f "$R/trial"
}

# Judges the previous start of the version on trial (rule 2), then records this one.
check_trial() {
  local version failed interrupted attempt
  read -r version failed interrupted attempt < "$R/trial" || true
  [[ "${failed:-}" =~ ^[0-9]+$ ]] || failed=0
  [[ "${interrupted:-}" =~ ^[0-9]+$ ]] || interrupted=0
  if [ -n "${attempt:-}" ] && [ "$attempt" != "-" ]; then
    if [ "$attempt" = "$BOOT_ID" ]; then failed=$((failed + 1)); else interrupted=$((interrupted + 1)); fi
  fi
  if [ "$failed" -ge "$MAX_STARTS" ]; then
    roll_back "$version" "did not pass its start-up health check in $MAX_STARTS starts"
  elif [ "$interrupted" -ge "$MAX_REBOOTS" ]; then
    roll_back "$version" "was cut by a reboot in $MAX_REBOOTS starts in a row"
  else
    echo "$version $failed $interrupted $BOOT_ID" > "$R/trial"
    TRIAL="$version"
  fi
}

mkdir -p "$R"
TRIAL=""
if [ -e "$R/pending.AppImage" ]; then promote_pending; fi
if [ "${1:-}" = "--prepare" ]; then exit 0; fi
if [ -e "$R/trial" ]; then check_trial; fi
[ -x "$R/current/AppRun" ] || { say "no app installed in $R/current: run build/install-pi.sh --appimage FILE"; exit 1; }

export APPIMAGE="$R/current.AppImage"
export ROLUATM_RELEASES_DIR="$R"
if [ -n "$TRIAL" ]; then export ROLUATM_TRIAL="$TRIAL"; else unset ROLUATM_TRIAL; fi
exec "$R/current/AppRun" --ozone-platform-hint=auto "$@"
