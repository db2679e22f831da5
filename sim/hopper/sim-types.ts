import type { ChecksumMode } from '../../main/hardware/cctalk/frame';

/** What survives a power cycle (cctalk-hopper.md "Counters, and never paying twice"). */
export interface HopperEeprom {
  /** 168: coins paid ever (resettable in a real device; 24 bits). */
  dispenseCount: number;
  lastPaid: number;
  lastUnpaid: number;
}

/**
 * Fault hooks; tests change them at any time through `sim.faults`. "Once" hooks clear themselves
 * when they fire.
 */
export interface HopperSimFaults {
  /** Once: the next accepted 167 pays, but its reply never leaves the hopper. */
  dropReplyAfterPaying: boolean;
  /** The next N replies carry a wrong checksum. */
  corruptChecksum: number;
  /** Every reply is sent this many ms late. */
  answerLateMs: number;
  /** Once: the reply to the next frame with this header is sent `ms` late (the command itself acts at once). */
  lateReplyTo: { header: number; ms: number } | null;
  /** Once: when the next frame with this header arrives, these faults are set before it is handled. */
  armOn: { header: number; faults: Partial<Omit<HopperSimFaults, 'armOn'>> } | null;
  /** Once: after this many coins of a payout the power drops for offMs, then the hopper restarts. */
  powerCycleMidPayout: { afterCoins: number; offMs: number } | null;
  /** Cable pulled: no replies at all (the host's own echo stays: it comes from its UART). */
  silent: boolean;
  /** Once: this many garbage bytes precede the next reply. */
  sendGarbage: number;
  /** Once: the next payout jams (max current) after this many coins. */
  jamAfterCoins: number | null;
  /** The coin bowl is empty whatever the inventory says. */
  empty: boolean;
  /**
   * An accepted 167 shows in 166 only this many ms later (event counter, remaining) and the motor
   * starts then: an ACK-form hopper whose counter advances late (issue 13). 0: at once.
   */
  lateCounterMs: number;
  /** Once: after this many coins of a payout the motor turns but no coin leaves, and no flag is set (a stall). */
  stallAfterCoins: number | null;
}

export interface HopperSimOptions {
  address?: number;
  /** 24-bit serial number (242). */
  serial?: number;
  manufacturer?: string;
  category?: string;
  product?: string;
  software?: string;
  /** Echo every received byte back, as the shared data wire does (on for a pty, off over binding-mock with echo). */
  echo?: boolean;
  checksum?: ChecksumMode;
  /** A SUZOHAPP Flow pays about 7 coins/s. */
  coinsPerSecond?: number;
  /** Coins in the bowl (default 1000). */
  inventory?: number;
  /** Same as `inventory` (the name scripts use for "coins loaded"); `inventory` wins when both are given. */
  coins?: number;
  /** Motor time without a coin before the payout ends with the payout-timeout flag. */
  payoutTimeoutMs?: number;
  dispenseForm?: 'serial' | 'cipher8';
  replyForm?: 'event_counter' | 'ack';
  /** 8-byte form: refuse (NAK) a 167 unless a 161 (pump RNG) came before the 160. */
  needsRngPump?: boolean;
  /** Below this inventory the low-level sensor reports "below low". */
  lowLevel?: number;
  replyDelayMs?: number;
  eeprom?: Partial<HopperEeprom>;
  faults?: Partial<HopperSimFaults>;
  now?: () => number;
}

/** The name other parts import. */
export type HopperSimulatorOptions = HopperSimOptions;

export const NO_FAULTS: HopperSimFaults = {
  dropReplyAfterPaying: false,
  corruptChecksum: 0,
  answerLateMs: 0,
  lateReplyTo: null,
  armOn: null,
  powerCycleMidPayout: null,
  silent: false,
  sendGarbage: 0,
  jamAfterCoins: null,
  empty: false,
  lateCounterMs: 0,
  stallAfterCoins: null,
};
