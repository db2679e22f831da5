import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** build/pi-arm64/check.sh runs by hand (minutes, an arm64 root under qemu: docs/INSTALL-PI.md); here it is linted. */
describe('build/pi-arm64/check.sh', () => {
  it('passes shellcheck', () => {
    const r = spawnSync('shellcheck', ['--severity=style', 'build/pi-arm64/check.sh'], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
