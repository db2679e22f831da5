import type { WorldIdOutcome, WorldIdRequest, WorldIdRequestOptions } from '../worldid/request';

/**
 * What the flow needs from main/worldid/request.ts (startWorldIdRequest), as a type only, so the
 * flow can be tested with a fake; the real one drives idkit-core (world-id.md "Kiosk side").
 */
export type { WorldIdRequestOptions };
export type WorldIdWaitResult = WorldIdOutcome;
export type WorldIdRequestHandle = Pick<WorldIdRequest, 'connectorURI' | 'requestId' | 'wait'>;
export type StartWorldIdRequest = (opts: WorldIdRequestOptions) => Promise<WorldIdRequestHandle>;
