#!/usr/bin/env bash
# Removes what build/install-pi.sh installed. Keeps the kiosk's configuration (/etc/roluatm) and its
# SQLite journal (/var/lib/roluatm: payout intents and the outbox not yet synced) unless --purge.
#
# Usage: sudo build/uninstall-pi.sh [--root DIR] [--user NAME] [--purge]
set -euo pipefail

ROOT=/
KIOSK_USER=roluatm
PURGE=false
die() { echo "uninstall-pi: $*" >&2; exit 1; }
say() { echo "uninstall-pi: $*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT="${2:?--root needs a folder}"; shift 2 ;;
    --user) KIOSK_USER="${2:?--user needs a name}"; shift 2 ;;
    --purge) PURGE=true; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ "$KIOSK_USER" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || die "--user must be a plain user name"
ROOT="$(cd "$ROOT" && pwd)"
P="${ROOT%/}"
LIVE=false
[ "$ROOT" = "/" ] && LIVE=true
if $LIVE && [ "$(id -u)" -ne 0 ]; then die "run as root (sudo)"; fi
HOME_DIR="/home/$KIOSK_USER"
live() { if $LIVE; then "$@" || true; else say "skip (not /): $*"; fi; }

drop_block() {
  local file="$P$1"
  [ -f "$file" ] && sed -i '/^# >>> roluatm >>>$/,/^# <<< roluatm <<<$/d' "$file"
  return 0
}

if $LIVE; then
  runuser -u "$KIOSK_USER" -- systemctl --user stop roluatm.service 2>/dev/null || true
fi
rm -f "$P/etc/systemd/user/roluatm.service" \
      "$P/etc/systemd/user/roluatm-kiosk-session.target" \
      "$P/usr/share/wayland-sessions/roluatm-kiosk.desktop" \
      "$P/etc/udev/rules.d/99-roluatm-hopper.rules" \
      "$P/etc/lightdm/lightdm.conf.d/50-roluatm.conf" \
      "$P/etc/systemd/system.conf.d/roluatm-watchdog.conf" \
      "$P/etc/systemd/journald.conf.d/roluatm.conf" \
      "$P/etc/logrotate.d/roluatm" \
      "$P$HOME_DIR/.config/labwc/autostart"
rm -rf "$P/etc/roluatm/labwc"
# The desktop session comes back: lightdm.conf as it was before the first install.
if [ -f "$P/etc/lightdm/lightdm.conf.roluatm-orig" ]; then
  mv -f "$P/etc/lightdm/lightdm.conf.roluatm-orig" "$P/etc/lightdm/lightdm.conf"
fi
drop_block "$HOME_DIR/.config/wayfire.ini"
drop_block /boot/firmware/config.txt
drop_block /boot/config.txt
rm -rf "$P/opt/roluatm" "$P/var/lib/roluatm/releases"
live systemctl daemon-reload
live udevadm control --reload-rules

if $PURGE; then
  rm -rf "$P/etc/roluatm" "$P/var/lib/roluatm" "$P/var/log/roluatm"
  live userdel --remove "$KIOSK_USER"
  say "purged configuration, journal and user $KIOSK_USER"
else
  say "kept /etc/roluatm and /var/lib/roluatm (the payout journal); --purge removes them"
fi
say "removed RoluATM from $ROOT; the desktop session is back (reboot)"
say "a read-only root (--read-only-root) stays on: sudo raspi-config nonint do_overlayfs 1, then reboot"
