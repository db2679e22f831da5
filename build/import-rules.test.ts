import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The import rules between the rooms (eslint.config.js; issue 12 "Rooms a newcomer can find"): each
 * rule fires on a one-line fixture linted as if it lived at the given path, and the exceptions hold.
 */
const eslint = new ESLint({ cwd: join(import.meta.dirname, '..') });

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = x;\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import rules between main/, cloud-api/, sim/ and the hardware', () => {
  it.each([
    ['main/kiosk/fixture.ts', "import { x } from '../../cloud-api/src/config';", /never imports cloud-api/],
    ['electron/fixture.ts', "import { x } from '../cloud-api/src/config';", /never imports cloud-api/],
    ['main/kiosk/fixture.ts', "import { x } from '../../sim/hopper/simulator';", /never imports sim/],
    ['main/hardware/fixture.ts', "import { x } from '../../sim/hopper/pty';", /never imports sim/],
    ['cloud-api/src/routes/fixture.ts', "import { x } from '../../../sim/worldid/portal';", /never imports sim/],
    ['contract/fixture.ts', "import { x } from '../sim/worldid/portal';", /never imports sim/],
    ['renderer/src/fixture.ts', "import { x } from '../../sim/worldid/portal';", /sim/],
    ['electron/fixture.ts', "import { x } from '../sim/hopper/pty';", /never imports sim/],
    ['cloud-api/src/fixture.ts', "import { x } from '../../main/kiosk/cash-out-flow';", /never imports the kiosk core/],
    ['main/hardware/fixture.ts', "import { x } from '../sync/cloud-client';", /never imports main\/sync/],
    ['main/hardware/cctalk/fixture.ts', "import { x } from '../../sync/cloud-client';", /never imports main\/sync/],
  ])('%s: %s is refused', async (path, code, message) => {
    const errors = await importErrors(path, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    ['main/hardware/fixture.test.ts', "import { x } from '../../sim/hopper/pty';"],
    ['main/hardware/testing/fixture.ts', "import { x } from '../../../sim/hopper/pty';"],
    ['cloud-api/src/testing/fixture.ts', "import { x } from '../../../sim/worldid/portal';"],
    ['main/kiosk/fixture.test.ts', "import { x } from '../../cloud-api/src/worldid/rp-context';"],
    ['scripts/fixture.ts', "import { x } from '../sim/worldid/portal';"],
    ['sim/hopper/fixture.ts', "import { x } from '../../main/hardware/cctalk/frame';"],
    ['main/kiosk/fixture.ts', "import { x } from '../sync/cloud-client';"],
    ['main/kiosk/fixture.ts', "import { x } from '../hardware/cctalk-dispenser';"],
  ])('%s: %s is allowed', async (path, code) => {
    expect(await importErrors(path, code)).toEqual([]);
  });
});
