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
    --cloud-url) ENV_SET[CLOUD_URL]="${2:?--cloud-url needs a URL}"; shift 2 ;;
    --enrollment-code) ENV_SET[ENROLLMENT_CODE]="${2:?--enrollment-code needs a code}"; shift 2 ;;
    --kiosk-name) ENV_SET[KIOSK_NAME]="${2:?--kiosk-name needs a name}"; shift 2 ;;
    --hopper-address) ENV_SET[HOPPER_ADDRESS]="${2:?--hopper-address needs a number}"; shift 2 ;;
    --dispense-form) ENV_SET[HOPPER_DISPENSE_FORM]="${2:?--dispense-form needs serial or cipher8}"; shift 2 ;;
    --update-url) ENV_SET[ROLUATM_UPDATE_URL]="${2:?--update-url needs a URL}"; shift 2 ;;
    --release-keys) ENV_SET[ROLUATM_RELEASE_KEYS]="${2:?--release-keys needs keys}"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

[ -n "$APPIMAGE" ] || die "--appimage PATH is required"
[ -f "$APPIMAGE" ] || die "no AppImage at $APPIMAGE"
[[ "$USB_ID" =~ ^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$ ]] || die "--usb-id must look like 0403:6001"
[[ "$KIOSK_USER" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || die "--user must be a plain user name"
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
    printf '%s\n' "$sum" | put /var/lib/roluatm/releases/pending.sha512 0644
    printf '%s\n' "$version" | put /var/lib/roluatm/releases/pending.version 0644
    rm -rf "$rel/pending"
    put /var/lib/roluatm/releases/pending.AppImage 0755 < "$APPIMAGE"
    say "staged $version; it is installed (with rollback) on the next start of the app"
  fi
  put /opt/roluatm/bin/roluatm-launch 0755 < "$HERE/roluatm-launch.sh"
  put /opt/roluatm/bin/roluatm-session 0755 <<'SESSION'
#!/bin/sh
# Run by the kiosk user's compositor autostart: gives systemd --user the Wayland session, then
# (re)starts the kiosk unit. systemd keeps it running (Restart=always, WatchdogSec).
systemctl --user import-environment WAYLAND_DISPLAY DISPLAY XDG_RUNTIME_DIR XDG_SESSION_TYPE XDG_CURRENT_DESKTOP
exec systemctl --user restart roluatm.service
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
}

install_hopper_udev() {
  local vid="${USB_ID%%:*}" pid="${USB_ID##*:}"
  sed -e "s/ATTRS{idVendor}==\"[0-9a-fA-F]*\"/ATTRS{idVendor}==\"$vid\"/" \
      -e "s/ATTRS{idProduct}==\"[0-9a-fA-F]*\"/ATTRS{idProduct}==\"$pid\"/" \
      "$HERE/99-roluatm-hopper.rules" | put /etc/udev/rules.d/99-roluatm-hopper.rules 0644
  live udevadm control --reload-rules
  live udevadm trigger --subsystem-match=tty
}

install_service() {
  put /etc/systemd/user/roluatm.service 0644 < "$HERE/roluatm.service"
  live systemctl daemon-reload
  live systemctl set-default graphical.target
}

install_autostart() {
  put "$HOME_DIR/.config/labwc/autostart" 0755 <<'LABWC'
# RoluATM kiosk session (labwc). Written by install-pi.sh: no panel, no desktop, no screen blanker.
/opt/roluatm/bin/roluatm-session &
LABWC
  put_block "$HOME_DIR/.config/wayfire.ini" <<'WAYFIRE'
[autostart]
roluatm = /opt/roluatm/bin/roluatm-session
[idle]
dpms_timeout = -1
screensaver_timeout = -1
WAYFIRE
  put /etc/lightdm/lightdm.conf.d/50-roluatm.conf 0644 <<LIGHTDM
# RoluATM: log the kiosk user into the desktop at boot (no password prompt on a kiosk).
[Seat:*]
autologin-user=$KIOSK_USER
autologin-user-timeout=0
LIGHTDM
  # /etc/lightdm/lightdm.conf is read after conf.d and may name another autologin user.
  if [ -f "$P/etc/lightdm/lightdm.conf" ]; then
    sed -i "s/^#\\?autologin-user=.*/autologin-user=$KIOSK_USER/" "$P/etc/lightdm/lightdm.conf"
  fi
  live chown -R "$KIOSK_USER:$KIOSK_USER" "$HOME_DIR/.config"
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
  put /etc/systemd/journald.conf.d/roluatm.conf 0644 <<'JOURNAL'
# RoluATM: app logs go to the journal; keep them across reboots, within a bounded size.
[Journal]
Storage=persistent
SystemMaxUse=200M
JOURNAL
}

install_user
install_app
install_config
install_hopper_udev
install_service
install_autostart
install_watchdog
install_logs
say "installed into $ROOT (user $KIOSK_USER, hopper USB id $USB_ID)"
$LIVE && say "reboot to start the kiosk: sudo reboot"
exit 0
