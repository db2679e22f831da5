import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../contract/clock';

/**
 * In-memory state of the bridge simulator (world-id.md "Bridge wire protocol").
 * Every entry expires 900 s after the kiosk created it; ids are 16–256 characters.
 */
export const BRIDGE_TTL_MS = 900_000;
export const BridgeIdSchema = z.string().min(16).max(256);
export const EncryptedBodySchema = z.object({ iv: z.string().min(1), payload: z.string().min(1) });
export type EncryptedBody = z.infer<typeof EncryptedBodySchema>;

type BridgeStatus = 'initialized' | 'retrieved' | 'completed';

interface Entry {
  createdMs: number;
  request: EncryptedBody | null;
  status: BridgeStatus;
  response: EncryptedBody | null;
}

export type PollAnswer =
  | { kind: 'missing' }
  | { kind: 'pending'; status: 'initialized' | 'retrieved' }
  | { kind: 'completed'; response: EncryptedBody };

export class BridgeStore {
  private readonly entries = new Map<string, Entry>();
  private created = 0;

  constructor(private readonly clock: Clock) {}

  /** Number of requests kiosks have created (for tests). */
  requestCount(): number {
    return this.created;
  }

  create(body: EncryptedBody): string {
    const id = randomUUID();
    this.entries.set(id, { createdMs: this.now(), request: body, status: 'initialized', response: null });
    this.created += 1;
    return id;
  }

  /** The phone reads the request once; afterwards the bridge forgets it. */
  takeRequest(id: string): EncryptedBody | null {
    const entry = this.live(id);
    if (!entry?.request) return null;
    const request = entry.request;
    entry.request = null;
    entry.status = 'retrieved';
    return request;
  }

  putResponse(id: string, body: EncryptedBody): 'stored' | 'unknown' | 'already_answered' {
    const entry = this.live(id);
    if (!entry) return 'unknown';
    if (entry.response || entry.status === 'completed') return 'already_answered';
    entry.response = body;
    return 'stored';
  }

  /** The kiosk sees `completed` with the response exactly once; the entry is then gone. */
  poll(id: string): PollAnswer {
    const entry = this.live(id);
    if (!entry) return { kind: 'missing' };
    if (!entry.response) return { kind: 'pending', status: entry.status === 'retrieved' ? 'retrieved' : 'initialized' };
    this.entries.delete(id);
    return { kind: 'completed', response: entry.response };
  }

  private live(id: string): Entry | null {
    const entry = this.entries.get(id);
    if (!entry) return null;
    if (this.now() - entry.createdMs >= BRIDGE_TTL_MS) {
      this.entries.delete(id);
      return null;
    }
    return entry;
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
