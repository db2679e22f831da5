/**
 * A stand-in for an AppImage in tests of the release slots (electron/update-slots.ts,
 * build/roluatm-launch.sh): a shell script that answers --appimage-extract like the AppImage
 * runtime (a squashfs-root/AppRun in the current folder). Its AppRun prints what it was started with.
 * `extracts: false` makes one that does not unpack.
 */
export function fakeAppImage(version: string, extracts = true): string {
  if (!extracts) return '#!/bin/sh\nexit 1\n';
  return [
    '#!/bin/sh',
    '[ "$1" = "--appimage-extract" ] || exit 1',
    'mkdir -p squashfs-root',
    `printf '#!/bin/sh\\necho "ran ${version} appimage=$APPIMAGE trial=\${ROLUATM_TRIAL:-none} args=$*"\\n' > squashfs-root/AppRun`,
    'chmod +x squashfs-root/AppRun',
    '',
  ].join('\n');
}
