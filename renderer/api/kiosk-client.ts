import {
  KioskStateSchema,
  kioskCommands,
  type KioskApi,
  type KioskCommandName,
  type KioskCommandParams,
  type KioskCommandValue,
  type KioskState,
} from '../../contract/kiosk-api';
import { err as fail, resultSchema, type Result } from '../../contract/result';
import { Listeners, TransportError, type ConnectionStatus, type KioskTransport } from './transport';

export interface KioskSnapshot {
  status: ConnectionStatus;
  /** Null until the core has sent a valid state on the current connection. */
  state: KioskState | null;
}

/** What the React layer holds: the typed api plus a store for useSyncExternalStore. */
export interface KioskClient {
  readonly api: KioskApi;
  getSnapshot(): KioskSnapshot;
  subscribe(listener: () => void): () => void;
  close(): void;
}

export interface KioskClientOptions {
  /** Told about every state or reply that fails the contract schemas (it is dropped). */
  onProtocolError?: (problem: string) => void;
}

/**
 * Wraps a transport into the typed KioskApi. Rules: params are checked before they leave, replies
 * and states are checked with the contract schemas on arrival, and no call ever throws — every
 * failure is a Result with a `code`. A state from a previous connection is never shown: it is
 * cleared when the connection drops, and on (re)open the client asks `getState` unless the core
 * pushes a state first.
 */
export function createKioskClient(transport: KioskTransport, options: KioskClientOptions = {}): KioskClient {
  let snapshot: KioskSnapshot = { status: transport.status(), state: null };
  let pushedSinceOpen = false;
  const changed = new Listeners<void>();
  const stateListeners = new Listeners<KioskState>();
  const report = (problem: string) => options.onProtocolError?.(problem);

  const update = (next: KioskSnapshot) => {
    const stateChanged = next.state !== snapshot.state;
    snapshot = next;
    changed.emit();
    if (stateChanged && next.state) stateListeners.emit(next.state);
  };

  async function invoke<N extends KioskCommandName>(name: N, params: KioskCommandParams<N>): Promise<Result<KioskCommandValue<N>>> {
    const command = kioskCommands[name];
    const checkedParams = command.params.safeParse(params);
    if (!checkedParams.success) return fail('bad_params', `"${name}" was called with bad parameters: ${checkedParams.error.message}`);
    let raw: unknown;
    try {
      raw = await transport.call(name, checkedParams.data);
    } catch (cause) {
      if (cause instanceof TransportError) return fail(cause.code, cause.message);
      return fail('kiosk_call_failed', `The kiosk call "${name}" failed: ${String(cause)}`);
    }
    const reply = resultSchema(command.value).safeParse(raw);
    if (!reply.success) {
      report(`reply to ${name} fails the contract: ${reply.error.message}`);
      return fail('kiosk_bad_reply', `The kiosk sent a reply this screen does not understand; please ask staff for help.`);
    }
    // The schema used is kioskCommands[name].value, so the value has the type for N.
    return reply.data as Result<KioskCommandValue<N>>;
  }

  const acceptState = (raw: unknown) => {
    const parsed = KioskStateSchema.safeParse(raw);
    if (!parsed.success) return report(`state fails the contract: ${parsed.error.message}`);
    pushedSinceOpen = true;
    update({ status: snapshot.status, state: parsed.data });
  };

  const fetchStateIfNotPushed = async () => {
    if (pushedSinceOpen) return;
    const reply = await invoke('getState', {});
    if (reply.ok && !pushedSinceOpen && snapshot.status === 'open') update({ status: 'open', state: reply.value });
  };

  const onStatus = (status: ConnectionStatus) => {
    if (status === 'open') {
      pushedSinceOpen = false;
      update({ status, state: null });
      void fetchStateIfNotPushed();
    } else {
      update({ status, state: null });
    }
  };

  const offState = transport.onState(acceptState);
  const offStatus = transport.onStatus(onStatus);
  if (snapshot.status === 'open') void fetchStateIfNotPushed();

  const api: KioskApi = {
    getState: (p) => invoke('getState', p),
    startCashOut: (p) => invoke('startCashOut', p),
    startCollect: (p) => invoke('startCollect', p),
    cancel: (p) => invoke('cancel', p),
    extendSession: (p) => invoke('extendSession', p),
    dismiss: (p) => invoke('dismiss', p),
    adminUnlock: (p) => invoke('adminUnlock', p),
    adminLock: (p) => invoke('adminLock', p),
    adminStatus: (p) => invoke('adminStatus', p),
    adminRefill: (p) => invoke('adminRefill', p),
    adminEmpty: (p) => invoke('adminEmpty', p),
    adminTestDispense: (p) => invoke('adminTestDispense', p),
    adminSettleInDoubt: (p) => invoke('adminSettleInDoubt', p),
    adminSettleByHand: (p) => invoke('adminSettleByHand', p),
    adminResetHopper: (p) => invoke('adminResetHopper', p),
    adminSyncNow: (p) => invoke('adminSyncNow', p),
    adminEnroll: (p) => invoke('adminEnroll', p),
    adminChangePin: (p) => invoke('adminChangePin', p),
    adminRestart: (p) => invoke('adminRestart', p),
    adminSetMaintenance: (p) => invoke('adminSetMaintenance', p),
    onState(listener) {
      if (snapshot.state) listener(snapshot.state);
      return stateListeners.add(listener);
    },
  };

  return {
    api,
    getSnapshot: () => snapshot,
    subscribe: (listener) => changed.add(listener),
    close() {
      offState();
      offStatus();
      transport.close();
    },
  };
}
