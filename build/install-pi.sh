#!/usr/bin/env bash
# RoluATM installer for Raspberry Pi OS 64-bit (Bookworm or later, labwc or wayfire desktop).
# Idempotent: run it again to upgrade the AppImage or change options. docs/INSTALL-PI.md explains it.
#
# Usage: sudo build/install-pi.sh --appimage PATH [options]
#   --appimage PATH         the RoluATM-<version>-arm64.AppImage to install (required)
#   --root DIR              install into DIR instead of / (tests, image building); system commands
#                           (useradd, systemctl, udevadm, raspi-config) only run when DIR is /
#   --user NAME             kiosk user (default roluatm)
#   --usb-id VID:PID        USB id of the hopper's serial adapter (default 0403:6001, FTDI)
#   --hopper-serial SERIAL  the adapter's USB serial number (udevadm info -q property -n /dev/ttyUSB0
#                           | grep ID_SERIAL_SHORT); detected when exactly one such adapter is plugged in
#   --read-only-root        overlayfs read-only root and journald in memory (off by default; needs
#                           /var/lib/roluatm on its own writable mount in /etc/fstab: the payout journal)
#   --cloud-url URL         sets CLOUD_URL in /etc/roluatm/kiosk.env
#   --enrollment-code CODE  sets ENROLLMENT_CODE (one-time code from POST /v1/fleet/enrollment-codes)
#   --kiosk-name NAME       sets KIOSK_NAME
#   --hopper-address N      sets HOPPER_ADDRESS (ccTalk address, usually 3)
#   --dispense-form FORM    sets HOPPER_DISPENSE_FORM: serial or cipher8
#   --update-url URL        sets ROLUATM_UPDATE_URL (electron-updater generic feed; https)
#   --release-keys KEYS     sets ROLUATM_RELEASE_KEYS (Ed25519 release public keys, comma separated;
#                           printed by scripts/sign-release.ts keygen)
set -euo pipefail

ROOT=/
APPIMAGE=""
KIOSK_USER=roluatm
USB_ID=0403:6001
HOPPER_SERIAL=""
READ_ONLY_ROOT=false
declare -A ENV_SET=()
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { echo "install-pi: $*" >&2; exit 1; }
say() { echo "install-pi: $*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT="${2:?--root needs a folder}"; shift 2 ;;
    --appimage) APPIMAGE="${2:?--appimage needs a path}"; shift 2 ;;
    --user) KIOSK_USER="${2:?--user needs a name}"; shift 2 ;;
    --usb-id) USB_ID="${2:?--usb-id needs VID:PID}"; shift 2 ;;
    --hopper-serial) HOPPER_SERIAL="${2:?--hopper-serial needs a serial number}"; shift 2 ;;
    --read-only-root) READ_ONLY_ROOT=true; shift ;;
    --cloud-url) ENV_SET[CLOUD_URL]="${2:?--cloud-url needs a URL}"; shift 2 ;;
    --enrollment-code) ENV_SET[ENROLLMENT_CODE]="${2:?--enrollment-code needs a code}"; shift 2 ;;
    --kiosk-name) ENV_SET[KIOSK_NAME]="${2:?--kiosk-name needs a name}"; shift 2 ;;
    --hopper-address) ENV_SET[HOPPER_ADDRESS]="${2:?--hopper-address needs a number}"; shift 2 ;;
    --dispense-form) ENV_SET[HOPPER_DISPENSE_FORM]="${2:?--dispense-form needs serial or cipher8}"; shift 2 ;;
    --update-url) ENV_SET[ROLUATM_UPDATE_URL]="${2:?--update-url needs a URL}"; shift 2 ;;
    --release-keys) ENV_SET[ROLUATM_RELEASE_KEYS]="${2:?--release-keys needs keys}"; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

[ -n "$APPIMAGE" ] || die "--appimage PATH is required"
[ -f "$APPIMAGE" ] || die "no AppImage at $APPIMAGE"
[[ "$USB_ID" =~ ^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$ ]] || die "--usb-id must look like 0403:6001"
# With release keys set (now or by an earlier run) the launcher installs only signed releases.
if { [ ! -s "$APPIMAGE.release" ] || [ ! -s "$APPIMAGE.sig" ]; } &&
  { [ -n "${ENV_SET[ROLUATM_RELEASE_KEYS]:-}" ] || grep -Eq '^ROLUATM_RELEASE_KEYS=.+' "${ROOT%/}/etc/roluatm/kiosk.env" 2>/dev/null; }; then
  die "$APPIMAGE has no .release and .sig beside it (scripts/sign-release.ts sign writes them); with ROLUATM_RELEASE_KEYS set the kiosk installs only signed releases"
fi
[[ "$KIOSK_USER" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || die "--user must be a plain user name"
[ -z "$HOPPER_SERIAL" ] || [[ "$HOPPER_SERIAL" =~ ^[A-Za-z0-9._-]{1,64}$ ]] || die "--hopper-serial must be letters, digits, . _ -"
if [ -n "${ENV_SET[HOPPER_ADDRESS]:-}" ] && ! [[ "${ENV_SET[HOPPER_ADDRESS]}" =~ ^[0-9]{1,3}$ ]]; then
  die "--hopper-address must be 1..255"
fi
if [ -n "${ENV_SET[HOPPER_DISPENSE_FORM]:-}" ] && ! [[ "${ENV_SET[HOPPER_DISPENSE_FORM]}" =~ ^(serial|cipher8)$ ]]; then
  die "--dispense-form must be serial or cipher8"
fi
if [ -n "${ENV_SET[ROLUATM_UPDATE_URL]:-}" ] && ! [[ "${ENV_SET[ROLUATM_UPDATE_URL]}" =~ ^https:// ]]; then
  die "--update-url must be an https:// URL"
fi
if [ -n "${ENV_SET[ROLUATM_RELEASE_KEYS]:-}" ] && ! [[ "${ENV_SET[ROLUATM_RELEASE_KEYS]}" =~ ^[A-Za-z0-9_-]{43}([,\ ]+[A-Za-z0-9_-]{43})*$ ]]; then
  die "--release-keys must be Ed25519 public keys (43 characters each), comma separated"
fi
ROOT="$(cd "$ROOT" && pwd)"
P="${ROOT%/}"
LIVE=false
[ "$ROOT" = "/" ] && LIVE=true
if $LIVE && [ "$(id -u)" -ne 0 ]; then die "run as root (sudo)"; fi
HOME_DIR="/home/$KIOSK_USER"

# Runs a system command on the live system only; under --root it says what it skipped.
live() { if $LIVE; then "$@"; else say "skip (not /): $*"; fi; }

# Writes stdin to FILE (under ROOT) with MODE, creating folders.
put() {
  local file="$P$1" mode="$2"
  mkdir -p "$(dirname "$file")"
  cat > "$file.tmp.$$"
  chmod "$mode" "$file.tmp.$$"
  mv -f "$file.tmp.$$" "$file"
}

# Replaces (or appends) the block between RoluATM markers in FILE with stdin.
put_block() {
  local file="$P$1" begin="# >>> roluatm >>>" end="# <<< roluatm <<<" body
  body="$(cat)"
  mkdir -p "$(dirname "$file")"
  touch "$file"
  sed -i "/^$begin\$/,/^$end\$/d" "$file"
  printf '%s\n%s\n%s\n' "$begin" "$body" "$end" >> "$file"
}

# Sets KEY=VALUE in the env file, replacing an existing line.
set_env() {
  local file="$P/etc/roluatm/kiosk.env" key="$1" value="$2"
  [[ "$value" != *$'\n'* ]] || die "$key must be one line"
  grep -v "^$key=" "$file" > "$file.tmp.$$" || true
  printf '%s=%s\n' "$key" "$value" >> "$file.tmp.$$"
  chmod 0640 "$file.tmp.$$"
  mv -f "$file.tmp.$$" "$file"
}

install_user() {
  if $LIVE; then
    id -u "$KIOSK_USER" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash --comment "RoluATM kiosk" "$KIOSK_USER"
    usermod -a -G dialout,video,render,input "$KIOSK_USER"
  else
    say "skip (not /): useradd $KIOSK_USER; usermod -a -G dialout,video,render,input $KIOSK_USER"
  fi
  mkdir -p "$P$HOME_DIR"
}

# The AppImage goes into the launcher's pending slot (build/roluatm-launch.sh): the unit's
# ExecStartPre (roluatm-launch --prepare) checks its sha512, unpacks it (no FUSE at boot), keeps the running version as previous and
# rolls back to it if the new one fails its start-up health check. Re-running with the AppImage
# already running stages nothing.
install_app() {
  local rel="$P/var/lib/roluatm/releases" version sum
  mkdir -p "$P/opt/roluatm/bin" "$rel"
  sum="$(sha512sum "$APPIMAGE" | cut -d' ' -f1)"
  if [ -f "$rel/current.AppImage" ] && [ "$(sha512sum "$rel/current.AppImage" | cut -d' ' -f1)" = "$sum" ]; then
    say "this AppImage is already the running version: nothing staged"
  else
    version="$(basename "$APPIMAGE" | sed -nE 's/^[^-]+-([0-9]+\.[0-9]+\.[0-9]+[^-]*)-[^-]+\.AppImage$/\1/p')"
    [ -n "$version" ] || version="manual-${sum:0:12}"
    # The signed release statement made by scripts/sign-release.ts beside the AppImage: the launcher
    # refuses an unsigned AppImage when ROLUATM_RELEASE_KEYS is set (build/roluatm-launch.sh rule 1).
    if [ -s "$APPIMAGE.release" ] && [ -s "$APPIMAGE.sig" ]; then
      put /var/lib/roluatm/releases/pending.release 0644 < "$APPIMAGE.release"
      put /var/lib/roluatm/releases/pending.sig 0644 < "$APPIMAGE.sig"
    else
      rm -f "$rel/pending.release" "$rel/pending.sig"
    fi
    printf '%s\n' "$sum" | put /var/lib/roluatm/releases/pending.sha512 0644
    printf '%s\n' "$version" | put /var/lib/roluatm/releases/pending.version 0644
    rm -rf "$rel/pending"
    put /var/lib/roluatm/releases/pending.AppImage 0755 < "$APPIMAGE"
    say "staged $version; it is installed (with rollback) on the next start of the app"
  fi
  put /opt/roluatm/bin/roluatm-launch 0755 < "$HERE/roluatm-launch.sh"
  put /opt/roluatm/bin/roluatm-session 0755 <<'SESSION'
#!/bin/sh
# Run by the kiosk session's labwc autostart: gives systemd --user the Wayland session, then starts
# roluatm-kiosk-session.target (graphical-session.target and the app with it). systemd keeps the
# app running (Restart=always, WatchdogSec) for as long as the session lasts.
systemctl --user import-environment WAYLAND_DISPLAY DISPLAY XDG_RUNTIME_DIR XDG_SESSION_TYPE XDG_CURRENT_DESKTOP
exec systemctl --user start roluatm-kiosk-session.target
SESSION
}

install_config() {
  mkdir -p "$P/etc/roluatm" "$P/var/lib/roluatm" "$P/var/log/roluatm"
  if [ ! -f "$P/etc/roluatm/kiosk.env" ]; then
    put /etc/roluatm/kiosk.env 0640 <<'ENV'
# RoluATM kiosk configuration (read by roluatm.service; main/config.ts names every variable).
CLOUD_URL=https://cloud.example.invalid
# One-time code from the operator: POST /v1/fleet/enrollment-codes. Cleared after enrolment is fine.
ENROLLMENT_CODE=
KIOSK_NAME=RoluATM kiosk
KIOSK_DATA_DIR=/var/lib/roluatm
HOPPER_PORT=/dev/roluatm-hopper
HOPPER_ADDRESS=3
HOPPER_BAUD=9600
# Dispense (167) form: serial (SUZOHAPP Flow, DIP 8 off) or cipher8 (SCH2 NOENCRYPT builds); reply: event_counter or ack.
HOPPER_DISPENSE_FORM=serial
HOPPER_REPLY_FORM=event_counter
# on for a two-wire ccTalk bus (the adapter hears its own bytes), off for a four-wire adapter.
HOPPER_ECHO=on
# electron-updater feed (generic server with latest-linux-arm64.yml); empty: no automatic updates.
ROLUATM_UPDATE_URL=
# Release public keys (scripts/sign-release.ts keygen); updates signed by any other key are refused.
ROLUATM_RELEASE_KEYS=
LOG_LEVEL=info
ENV
  fi
  local key
  for key in "${!ENV_SET[@]}"; do set_env "$key" "${ENV_SET[$key]}"; done
  live chown "root:$KIOSK_USER" /etc/roluatm/kiosk.env
  live chown -R "$KIOSK_USER:$KIOSK_USER" /var/lib/roluatm/releases
  live chown "$KIOSK_USER:$KIOSK_USER" /var/lib/roluatm /var/log/roluatm
  chmod 0750 "$P/var/lib/roluatm"
  # Unpack a staged AppImage now, as the kiosk user, rather than at the next start.
  if [ -e "$P/var/lib/roluatm/releases/pending.AppImage" ]; then
    live runuser -u "$KIOSK_USER" -- env ROLUATM_RELEASES_DIR=/var/lib/roluatm/releases /opt/roluatm/bin/roluatm-launch --prepare
  fi
}

# The serial number of the one plugged-in adapter with USB id VID:PID (live system only).
detect_hopper_serial() {
  local dev props found=""
  for dev in /dev/serial/by-id/*; do
    [ -e "$dev" ] || continue
    props="$(udevadm info -q property -n "$dev")"
    if ! grep -qx "ID_VENDOR_ID=$1" <<<"$props" || ! grep -qx "ID_MODEL_ID=$2" <<<"$props"; then continue; fi
    [ -z "$found" ] || die "more than one $1:$2 adapter is plugged in: pass --hopper-serial"
    found="$(sed -n 's/^ID_SERIAL_SHORT=//p' <<<"$props")"
  done
  printf '%s' "$found"
}

install_hopper_udev() {
  local vid="${USB_ID%%:*}" pid="${USB_ID##*:}" serial="$HOPPER_SERIAL"
  if [ -z "$serial" ] && $LIVE; then serial="$(detect_hopper_serial "$vid" "$pid")"; fi
  local match="s/ATTRS{serial}==\"SERIAL\"/ATTRS{serial}==\"$serial\"/"
  if [ -z "$serial" ]; then
    say "warning: no hopper serial number (plug the adapter in or pass --hopper-serial): matching any $USB_ID adapter"
    match='s/ ATTRS{serial}=="SERIAL",//'
  fi
  grep -v '^#' "$HERE/99-roluatm-hopper.rules" | sed -e "s/ATTRS{idVendor}==\"[0-9a-fA-F]*\"/ATTRS{idVendor}==\"$vid\"/" \
      -e "s/ATTRS{idProduct}==\"[0-9a-fA-F]*\"/ATTRS{idProduct}==\"$pid\"/" -e "$match" \
      | { echo "# RoluATM hopper adapter (build/99-roluatm-hopper.rules, written by install-pi.sh)"; cat; } \
      | put /etc/udev/rules.d/99-roluatm-hopper.rules 0644
  live udevadm control --reload-rules
  live udevadm trigger --subsystem-match=tty
}

install_service() {
  put /etc/systemd/user/roluatm.service 0644 < "$HERE/roluatm.service"
  put /etc/systemd/user/roluatm-kiosk-session.target 0644 < "$HERE/roluatm-kiosk-session.target"
  live systemctl daemon-reload
  live systemctl set-default graphical.target
}

# A dedicated kiosk session: lightdm logs the kiosk user into "roluatm-kiosk", which runs labwc
# with RoluATM's own config folder only (-C), so Raspberry Pi OS's panel, desktop and notifications
# (started from /etc/xdg/labwc) never run under the app. build/uninstall-pi.sh restores the desktop.
install_session() {
  put /opt/roluatm/bin/roluatm-kiosk-session 0755 <<'KIOSK'
#!/bin/sh
# The RoluATM kiosk session (/usr/share/wayland-sessions/roluatm-kiosk.desktop): labwc with only
# /etc/roluatm/labwc, then, when labwc ends (or crashes), the session target stops and the app with it.
labwc -C /etc/roluatm/labwc
systemctl --user stop roluatm-kiosk-session.target
KIOSK
  put /usr/share/wayland-sessions/roluatm-kiosk.desktop 0644 <<'DESKTOP'
[Desktop Entry]
Name=RoluATM kiosk
Comment=labwc running only the RoluATM kiosk app
Exec=/opt/roluatm/bin/roluatm-kiosk-session
Type=Application
DESKTOP
  put /etc/roluatm/labwc/autostart 0755 <<'LABWC'
# RoluATM kiosk session (labwc -C /etc/roluatm/labwc): nothing but the app; no panel, no desktop.
/opt/roluatm/bin/roluatm-session &
LABWC
  put /etc/roluatm/labwc/rc.xml 0644 <<'RCXML'
<?xml version="1.0"?>
<!-- RoluATM kiosk session: no window decorations, no desktop menu, no workspace switching. -->
<labwc_config>
  <core><gap>0</gap></core>
  <desktops number="1" />
  <windowRules>
    <windowRule identifier="*" serverDecoration="no" />
  </windowRules>
  <keyboard><keybind key="A-F4"><action name="None" /></keybind></keyboard>
  <mouse><context name="Root"><mousebind button="Right" action="Press"><action name="None" /></mousebind></context></mouse>
</labwc_config>
RCXML
  put /etc/lightdm/lightdm.conf.d/50-roluatm.conf 0644 <<LIGHTDM
# RoluATM: log the kiosk user into the kiosk session at boot (no password prompt on a kiosk).
[Seat:*]
autologin-user=$KIOSK_USER
autologin-user-timeout=0
autologin-session=roluatm-kiosk
user-session=roluatm-kiosk
LIGHTDM
  # /etc/lightdm/lightdm.conf is read after conf.d and may name another user or session: keep the
  # original once (uninstall-pi.sh puts it back) and point its lines at the kiosk.
  local conf="$P/etc/lightdm/lightdm.conf"
  if [ -f "$conf" ]; then
    [ -f "$conf.roluatm-orig" ] || cp -p "$conf" "$conf.roluatm-orig"
    sed -i -e "s/^#\\?autologin-user=.*/autologin-user=$KIOSK_USER/" \
           -e "s/^#\\?autologin-session=.*/autologin-session=roluatm-kiosk/" \
           -e "s/^#\\?user-session=.*/user-session=roluatm-kiosk/" "$conf"
  fi
  # Earlier installs started the app from the desktop session's autostart: no longer.
  rm -f "$P$HOME_DIR/.config/labwc/autostart"
  if [ -f "$P$HOME_DIR/.config/wayfire.ini" ]; then sed -i '/^# >>> roluatm >>>$/,/^# <<< roluatm <<<$/d' "$P$HOME_DIR/.config/wayfire.ini"; fi
  live raspi-config nonint do_blanking 1
}

install_watchdog() {
  local cfg=""
  for c in /boot/firmware/config.txt /boot/config.txt; do
    if [ -f "$P$c" ]; then cfg="$c"; break; fi
  done
  if [ -n "$cfg" ]; then
    printf '[all]\ndtparam=watchdog=on\n' | put_block "$cfg"
  else
    say "warning: no /boot/firmware/config.txt; add dtparam=watchdog=on by hand"
  fi
  put /etc/systemd/system.conf.d/roluatm-watchdog.conf 0644 <<'WD'
# RoluATM: systemd pets the Pi's hardware watchdog; a hung kernel reboots the kiosk.
# The BCM2835 watchdog allows at most ~15 s.
[Manager]
RuntimeWatchdogSec=14s
RebootWatchdogSec=2min
WD
}

install_logs() {
  put /etc/logrotate.d/roluatm 0644 <<'ROTATE'
/var/log/roluatm/*.log {
    weekly
    rotate 8
    maxsize 20M
    compress
    delaycompress
    missingok
    notifempty
    copytruncate
}
ROTATE
  if $READ_ONLY_ROOT; then
    put /etc/systemd/journald.conf.d/roluatm.conf 0644 <<'JOURNAL'
# RoluATM (--read-only-root): the journal lives in memory, bounded; nothing is written to the SD card.
[Journal]
Storage=volatile
RuntimeMaxUse=64M
JOURNAL
  else
    put /etc/systemd/journald.conf.d/roluatm.conf 0644 <<'JOURNAL'
# RoluATM: app logs go to the journal; keep them across reboots, within a bounded size.
[Journal]
Storage=persistent
SystemMaxUse=200M
RuntimeMaxUse=64M
JOURNAL
  fi
}

# --read-only-root: the root file system is an overlay in RAM (raspi-config's overlay file system),
# so power cuts cannot corrupt it. The payout journal must survive reboots, so /var/lib/roluatm has
# to be its own writable mount; without one the option is refused.
install_read_only_root() {
  $READ_ONLY_ROOT || return 0
  grep -Eq '^[^#[:space:]]+[[:space:]]+/var/lib/roluatm[[:space:]]' "$P/etc/fstab" 2>/dev/null \
    || die "--read-only-root needs /var/lib/roluatm on its own writable partition in /etc/fstab (the payout journal must survive reboots)"
  live raspi-config nonint do_overlayfs 0
}

install_read_only_root
install_user
install_app
install_config
install_hopper_udev
install_service
install_session
install_watchdog
install_logs
say "installed into $ROOT (user $KIOSK_USER, hopper USB id $USB_ID, kiosk session roluatm-kiosk)"
$LIVE && say "reboot to start the kiosk: sudo reboot"
exit 0
