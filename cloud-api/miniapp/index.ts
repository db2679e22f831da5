/**
 * The World App mini app payment page (PRODUCT.md step 5). Routes to add (lead):
 *   GET /miniapp/pay/:transactionId  → 200 miniappPageHtml(id, {appId}) with miniappPageHeaders()
 *   GET MINIAPP_SCRIPT_PATH          → 200 await miniappScript() with MINIAPP_SCRIPT_HEADERS
 */
export { escapeHtml, miniappPageHeaders, miniappPageHtml, MINIAPP_PAY_PREFIX, MINIAPP_SCRIPT_PATH } from './page-html';
export type { MiniappPageOptions } from './page-html';
export { bundleMiniappScript, miniappScript } from './bundle';
export { runPayFlow } from './pay-flow';
export type { PayFlowDeps, PayInput, PayScreen } from './pay-flow';

export const MINIAPP_SCRIPT_HEADERS: Record<string, string> = {
  'content-type': 'text/javascript; charset=utf-8',
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
};
