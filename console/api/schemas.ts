import { z } from 'zod';
import {
  AuditResponseSchema,
  ConsoleAttentionResponseSchema,
  CreatedOperatorResponseSchema,
  CreatedWebhookResponseSchema,
  FleetKioskListResponseSchema,
  KioskConfigResponseSchema,
  KioskDetailResponseSchema,
  OperatorsResponseSchema,
  ReconciliationResponseSchema,
  SessionResponseSchema,
  TransactionDetailResponseSchema,
  TransactionSearchResponseSchema,
  WebhookDeliveriesResponseSchema,
  WebhooksResponseSchema,
} from '../../contract/console-api';
import { FleetCreditsResponseSchema, SettleCreditResponseSchema } from '../../contract/credits';

/**
 * The console reads every answer through the contract's schemas (contract/console-api.ts, contract/credits.ts):
 * one shape for the cloud that sends it and the page that shows it.
 */
export {
  AuditResponseSchema,
  ConsoleAttentionResponseSchema,
  CreatedOperatorResponseSchema,
  CreatedWebhookResponseSchema,
  FleetCreditsResponseSchema,
  FleetKioskListResponseSchema,
  KioskConfigResponseSchema,
  KioskDetailResponseSchema,
  OperatorsResponseSchema,
  ReconciliationResponseSchema,
  SessionResponseSchema,
  SettleCreditResponseSchema,
  TransactionDetailResponseSchema,
  TransactionSearchResponseSchema,
  WebhookDeliveriesResponseSchema,
  WebhooksResponseSchema,
};
export { roleAtLeast, type OperatorRole, type OperatorView } from '../../contract/console-api';
export type { Credit } from '../../contract/credits';

export type Session = z.infer<typeof SessionResponseSchema>;
export type KioskRow = z.infer<typeof FleetKioskListResponseSchema>['items'][number];
export type KioskDetail = z.infer<typeof KioskDetailResponseSchema>;
export type KioskEvent = KioskDetail['events'][number];
export type TxRow = z.infer<typeof TransactionSearchResponseSchema>['items'][number];
export type TxDetail = z.infer<typeof TransactionDetailResponseSchema>;
export type AttentionItem = z.infer<typeof ConsoleAttentionResponseSchema>['items'][number];
export type ReconRow = z.infer<typeof ReconciliationResponseSchema>['rows'][number];
export type Webhook = z.infer<typeof WebhooksResponseSchema>['items'][number];
export type Delivery = z.infer<typeof WebhookDeliveriesResponseSchema>['items'][number];
export type AuditEvent = z.infer<typeof AuditResponseSchema>['items'][number];

/** Answers the console does not read (e.g. `{ok: true}`). */
export const AnySchema = z.unknown();
