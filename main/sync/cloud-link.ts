import type { Logger } from 'pino';
import type { RemoteConfig } from '../../contract/remote-config';
import type { AmountPolicy } from '../../contract/amount-rules';
import type { Clock } from '../../contract/clock';
import type { KioskConfig } from '../config';
import { getEnrollment, getPendingToken, type Enrollment } from '../db/kiosk-state';
import type { KioskDb } from '../db/open-db';
import type { Timers } from './backoff';
import { createCloudClient, type CloudClient } from './cloud-client';
import { CloudTime } from './cloud-time';
import { ensureEnrolled } from './enrollment';
import { createJobKeyRing } from './job-keys';
import { startJobReceiver, type JobReceiver, type JobSink } from './job-receiver';
import { createOutboxPusher, type OutboxPusher } from './outbox-pusher';
import { rotateKioskToken, type RotationOutcome } from './token-rotation';

/**
 * The kiosk's link to the cloud (ARCHITECTURE.md "Sync"): one client, the outbox pusher, enrolment
 * and, once enrolled, the job receiver, which hands every admitted job to the sink (`onJob`). It owns what the
 * kiosk knows about the link: the enrolment, whether the cloud answered the last call, and when it
 * last did. Job expiry is judged by the cloud's time (cloud-time.ts): a Pi without a real-time
 * clock may be far off.
 */
export interface CloudLinkDeps {
  db: KioskDb;
  clock: Clock;
  log: Logger;
  timers: Timers;
  config: Pick<KioskConfig, 'cloudUrl' | 'enrollmentCode' | 'kioskName' | 'pinnedJobKeys'>;
  /** Enrolment or online changed. */
  onChange: () => void;
  /** The cloud's limits and fee, from an enrolment or sync answer (kiosk/amount-policy.ts). */
  onAmountPolicy?: (policy: AmountPolicy) => void;
  /** Issue 17: the operator's desired remote config, from a sync answer. */
  onRemoteConfig?: (cfg: RemoteConfig) => void;
}

export interface CloudLink {
  readonly client: CloudClient;
  readonly pusher: OutboxPusher;
  readonly cloudTime: CloudTime;
  enrollment(): Enrollment | null;
  network(): { online: boolean; lastContactAt: string | null };
  /** Enrols if no enrolment is stored, then receives jobs for the sink (the cash-out flow). */
  start(sink: JobSink): void;
  /** An enrolment saved by the admin screen: receive jobs with it. */
  enrolled(e: Enrollment): void;
  /** Rotates the kiosk token (token-rotation.ts); one at a time. Started by the scheduler, and at start when one was left unfinished. */
  rotateToken(): Promise<RotationOutcome>;
  /** Stops enrolling and receiving jobs (a job being stored finishes first). */
  stopJobs(): Promise<void>;
  /** Stops the outbox pusher (after the last payout wrote its rows). */
  stopPush(): void;
}

export function createCloudLink(deps: CloudLinkDeps): CloudLink {
  const { db, clock, log, timers } = deps;
  let enrollment = getEnrollment(db);
  let online = false;
  let lastContactAt: string | null = null;
  let receiver: JobReceiver | null = null;
  let sink: JobSink | null = null;
  let enrolling: Promise<void> = Promise.resolve();
  const abort = new AbortController();

  const cloudTime = new CloudTime(clock);
  // The job keys accepted: announced by the cloud at enrolment and with every sync answer (job-keys.ts).
  const jobKeys = createJobKeyRing({ db, log, pinned: deps.config.pinnedJobKeys });
  const client = createCloudClient({
    baseUrl: deps.config.cloudUrl, token: () => enrollment?.token ?? null, cloudTime,
    ...(deps.onAmountPolicy ? { onAmountPolicy: deps.onAmountPolicy } : {}),
    ...(deps.onRemoteConfig ? { onRemoteConfig: deps.onRemoteConfig } : {}),
    onJobKeys: (keys) => void jobKeys.announce(keys),
  });
  const pusher = createOutboxPusher({ db, clock, log, client, timers, onReachable: setOnline });

  function setOnline(value: boolean): void {
    if (value) lastContactAt = clock.now().toISOString();
    if (online === value) return;
    online = value;
    deps.onChange();
  }

  let rotating: Promise<RotationOutcome> | null = null;
  function rotateToken(): Promise<RotationOutcome> {
    rotating ??= rotateKioskToken({ db, log, client })
      .then((r) => {
        if (r.kind === 'rotated') enrollment = r.enrollment;
        return r;
      })
      .finally(() => {
        rotating = null;
      });
    return rotating;
  }

  function receive(e: Enrollment): void {
    enrollment = e;
    deps.onChange();
    if (abort.signal.aborted || receiver || !sink) return;
    receiver = startJobReceiver({
      db, clock, log, client, timers, cloudClock: cloudTime,
      onWrite: () => void pusher.kick(),
      enrollment: () => enrollment,
      jobKeys: () => jobKeys.accepted(),
      sink,
      onOnline: setOnline,
    });
    void pusher.kick();
  }

  return {
    client,
    pusher,
    cloudTime,
    enrollment: () => enrollment,
    network: () => ({ online, lastContactAt }),
    start(jobSink) {
      sink = jobSink;
      const { enrollmentCode: code, kioskName: name } = deps.config;
      enrolling = ensureEnrolled({ db, log, client, code, name, abort: abort.signal, timers }).then((e) => {
        if (e) receive(e);
        else deps.onChange();
        // A rotation a crash left unfinished is finished first (its new token is stored as pending).
        if (e && getPendingToken(db)) void rotateToken().catch((err: unknown) => log.warn({ err }, 'kiosk token rotation failed'));
      });
    },
    enrolled: receive,
    rotateToken,
    async stopJobs() {
      abort.abort();
      await enrolling;
      await receiver?.stop();
    },
    stopPush() {
      pusher.stop();
    },
  };
}
