import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { Db } from '../cloud-api/src/db/db';
import { createOperator } from '../cloud-api/src/operators/accounts';

/**
 * The demo's console account (issue 17: `npm start` creates an operator account and prints the console URL and its
 * credentials). Created once, admin, with a random initial password kept in the data folder so the banner can show it
 * again on the next start; the console asks to change it at the first login (after which the file's is stale).
 */
export const DEMO_OPERATOR_EMAIL = 'demo-admin@roluatm.local';
const SavedSchema = z.object({ email: z.string(), password: z.string() });
export type DemoOperator = z.infer<typeof SavedSchema>;

export async function ensureDemoOperator(db: Db, file: string, now: Date): Promise<DemoOperator> {
  if (existsSync(file)) {
    const saved = SavedSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (saved.success) return saved.data;
  }
  const made = await createOperator(db, { email: DEMO_OPERATOR_EMAIL, role: 'admin', totp: false, now });
  if (!made) return { email: DEMO_OPERATOR_EMAIL, password: '(set earlier; reset with: npm run operator -- reset demo-admin@roluatm.local)' };
  const out = { email: made.row.email, password: made.password };
  writeFileSync(file, `${JSON.stringify(out)}\n`, { mode: 0o600 });
  return out;
}
