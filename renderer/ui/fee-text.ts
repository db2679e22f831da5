import type { FeePolicy } from '../../contract/money';
import { formatCents } from '../../contract/money';

/** A fee policy as the customer reads it: "$0.50 + 1%", "$0.50", "1.5%"; null when there is no fee. */
export function feeText(fee: FeePolicy, lang: string): string | null {
  const parts: string[] = [];
  if (fee.flat_cents > 0) parts.push(formatCents(fee.flat_cents));
  if (fee.bps > 0) parts.push(new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 2 }).format(fee.bps / 10_000));
  return parts.length === 0 ? null : parts.join(' + ');
}
