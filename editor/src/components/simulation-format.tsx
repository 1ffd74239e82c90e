/**
 * How the Simulate screen writes things: money in the order's currency ($5,579.20, +$645.00),
 * decision fields as staff read them (items[].refundAmount), values on one line, instants in UTC.
 *
 * @example
 *   formatMoney(5579.2, 'USD');                 // "$5,579.20"
 *   formatMoney(645, 'USD', { signed: true });  // "+$645.00"
 *   fieldLabel('/items/[]/refundAmount');       // "items[].refundAmount"
 */
import type { JSX } from 'preact';
import { compactValue, readablePath } from '../decision-summary.ts';

const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(currency: string | null, signed: boolean): Intl.NumberFormat {
  const key = `${currency ?? ''}|${signed}`;
  let f = formats.get(key);
  if (!f) {
    const sign = signed ? ({ signDisplay: 'exceptZero' } as const) : {};
    try {
      f = currency ? new Intl.NumberFormat('en-US', { style: 'currency', currency, ...sign }) : new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2, ...sign });
    } catch {
      // Not an ISO 4217 code: the number alone.
      f = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2, ...sign });
    }
    formats.set(key, f);
  }
  return f;
}

/** An amount in its currency; without a known currency, the number with two decimals. */
export function formatMoney(n: number, currency: string | null, options: { signed?: boolean } = {}): string {
  return numberFormat(currency, options.signed === true).format(n);
}

/** A decision field pointer as staff read it: /items/[]/refundAmount → items[].refundAmount, /items/0/sku → items[0].sku. */
export const fieldLabel = readablePath;

/** A value on one line: strings bare, objects with unquoted keys, long ones cut (at 120 characters here). */
export function formatValue(value: unknown, limit = 120): string {
  return compactValue(value, limit);
}

/** An instant in UTC, to the minute: 2024-01-20 15:00 UTC. */
export function formatAt(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** A value cell: null and missing shown as such, muted. */
export function Value({ value }: { value: unknown }): JSX.Element {
  if (value === undefined) return <span class="muted">(none)</span>;
  if (value === null) return <span class="muted">null</span>;
  return <span>{formatValue(value)}</span>;
}
