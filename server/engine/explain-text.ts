/**
 * Explanation texts: the policy's plain-language templates (one string, or one per language)
 * parsed into literal parts and placeholders, and the values put into them formatted for a
 * merchant ("Jan 31, 2024", "$215.00", "34 days"). A template is never evaluated: a
 * placeholder is a dotted name looked up in the values of the decision (derived values,
 * params, the input, the rule's outcome), nothing else. Pure: the editor formats exactly as
 * the server does.
 *
 * @example
 *   const t = parseTemplate('returnable until {returnBy|date}');   // { parts: [...] } or { error }
 *   renderTemplate(t.parts, (p) => lookup(p), { language: 'en', currency: 'USD' });  // "returnable until Jan 31, 2024"
 */
import { minorUnitsOf } from './operators/money.ts';

/** A text of the DSL: one string for every language, or one per language tag. */
export type Text = string | Record<string, string>;

export const FORMATS = ['date', 'datetime', 'monthDay', 'money', 'days', 'percent', 'number', 'raw', 'label'] as const;
export type Format = (typeof FORMATS)[number];

export interface Placeholder {
  /** The dotted name, e.g. "params.returnWindowDays". */
  name: string;
  segments: string[];
  format: Format | null;
}
export type TemplatePart = string | Placeholder;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

/** Splits a template into literal text and placeholders; `{{` and `}}` are literal braces. */
export function parseTemplate(text: string): { parts: TemplatePart[] } | { error: string } {
  const parts: TemplatePart[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '}') {
      if (text[i + 1] === '}') {
        literal += '}';
        i++;
        continue;
      }
      return { error: `a lone "}" at character ${i + 1} (write "}}" for a brace)` };
    }
    if (ch !== '{') {
      literal += ch;
      continue;
    }
    if (text[i + 1] === '{') {
      literal += '{';
      i++;
      continue;
    }
    const end = text.indexOf('}', i + 1);
    if (end < 0) return { error: `the placeholder at character ${i + 1} is not closed with "}"` };
    const inner = text.slice(i + 1, end).trim();
    const bar = inner.indexOf('|');
    const name = (bar < 0 ? inner : inner.slice(0, bar)).trim();
    const format = bar < 0 ? null : inner.slice(bar + 1).trim();
    if (!NAME.test(name)) return { error: `"{${inner}}" is not a placeholder: write a dotted name such as {returnBy} or {params.returnWindowDays}` };
    if (format !== null && !(FORMATS as readonly string[]).includes(format)) return { error: `unknown format "${format}" in "{${inner}}" (formats: ${FORMATS.join(', ')})` };
    if (literal) parts.push(literal);
    literal = '';
    parts.push({ name, segments: name.split('.'), format: format as Format | null });
    i = end;
  }
  if (literal) parts.push(literal);
  return { parts };
}

/** The languages a text is written in ("*" for a plain string, which serves every language). */
export function textLanguages(text: Text): string[] {
  return typeof text === 'string' ? ['*'] : Object.keys(text);
}

/** Each variant of a text with its language ("*" for a plain string). */
export function textVariants(text: Text): Array<[string, string]> {
  return typeof text === 'string' ? [['*', text]] : Object.entries(text);
}

/**
 * The variant of a text for a language: the language itself, its base ("ko" for "ko-KR"),
 * then each fallback in order, then the first variant written.
 */
export function pickVariant(text: Text, language: string, fallbacks: readonly string[]): string {
  if (typeof text === 'string') return text;
  const base = language.split('-')[0]!;
  for (const l of [language, base, ...fallbacks]) if (Object.prototype.hasOwnProperty.call(text, l)) return text[l]!;
  return Object.values(text)[0] ?? '';
}

export interface FormatContext {
  language: string;
  /** The order's currency, for money. */
  currency: string | null;
  /**
   * For the label format: the word the policy's `labels` give `value` in the list `list`, in the
   * explanation's language (labelFor), or null when they give none.
   */
  label?: (list: string, value: unknown) => string | null;
}

/** A policy's labels: list name → language → value → word (the DSL's top-level `labels`). */
export type Labels = Record<string, Record<string, Record<string, string>>>;

/**
 * The word for `value` in the list `list` of `labels`: in `language`, its base ("ko" for
 * "ko-KR"), then each fallback in order; null when none of them names the value. Only own
 * properties are read, and only string values are looked up.
 *
 * @example
 *   labelFor({ condition: { ko: { used: '사용한 제품' } } }, 'condition', 'used', 'ko-KR', ['en']);   // "사용한 제품"
 */
export function labelFor(labels: Labels | undefined, list: string, value: unknown, language: string, fallbacks: readonly string[]): string | null {
  if (!labels || typeof value !== 'string' || !Object.prototype.hasOwnProperty.call(labels, list)) return null;
  const byLanguage = labels[list]!;
  for (const l of [language, language.split('-')[0]!, ...fallbacks]) {
    if (!Object.prototype.hasOwnProperty.call(byLanguage, l)) continue;
    const words = byLanguage[l]!;
    if (Object.prototype.hasOwnProperty.call(words, value)) return words[value]!;
  }
  return null;
}

/** Fills a parsed template; `lookup` gives a placeholder's value (undefined when absent). */
export function renderTemplate(parts: readonly TemplatePart[], lookup: (p: Placeholder) => unknown, ctx: FormatContext): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') out += part;
    else if (part.format === 'label') {
      // The list is named by the placeholder's last segment: {request.condition|label} → labels.condition.
      const list = part.segments[part.segments.length - 1]!;
      const word = (v: unknown) => ctx.label?.(list, v) ?? formatValue(v, null, ctx);
      const value = lookup(part);
      out += Array.isArray(value) ? value.map(word).join(', ') : word(value);
    } else out += formatValue(lookup(part), part.format, ctx);
  }
  return out;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/;
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function lang(ctx: FormatContext): 'ko' | 'en' {
  return ctx.language.split('-')[0] === 'ko' ? 'ko' : 'en';
}

/** A value as a merchant reads it. */
export function formatValue(value: unknown, format: Format | null, ctx: FormatContext): string {
  const ko = lang(ctx) === 'ko';
  if (format === 'raw') return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  if (value === null || value === undefined) return ko ? '없음' : 'none';
  if (Array.isArray(value)) return value.map((v) => formatValue(v, format, ctx)).join(', ');
  switch (format) {
    case 'date':
    case 'datetime':
    case 'monthDay':
      return typeof value === 'string' ? formatDate(value, format, ko) : formatValue(value, null, ctx);
    case 'money':
      return typeof value === 'number' ? formatMoney(value, ctx) : formatValue(value, null, ctx);
    case 'days':
      return typeof value === 'number' ? (ko ? `${formatNumber(value, ctx)}일` : `${formatNumber(value, ctx)} ${Math.abs(value) === 1 ? 'day' : 'days'}`) : formatValue(value, null, ctx);
    case 'percent':
      return typeof value === 'number' ? `${formatNumber(Math.round(value * 10000) / 100, ctx)}%` : formatValue(value, null, ctx);
    case 'number':
      return typeof value === 'number' ? formatNumber(value, ctx) : formatValue(value, null, ctx);
  }
  if (typeof value === 'string') return DATE.test(value) || INSTANT.test(value) ? formatDate(value, DATE.test(value) ? 'date' : 'datetime', ko) : value;
  if (typeof value === 'number') return formatNumber(value, ctx);
  if (typeof value === 'boolean') return ko ? (value ? '예' : '아니요') : value ? 'yes' : 'no';
  return JSON.stringify(value);
}

function formatDate(value: string, format: 'date' | 'datetime' | 'monthDay', ko: boolean): string {
  const m = INSTANT.exec(value) ?? DATE.exec(value);
  if (!m) return value;
  // An instant with an offset is read in UTC, as the engine's date operators read it.
  const ms = Date.parse(m.length > 4 ? value : `${value}T00:00:00Z`);
  if (Number.isNaN(ms)) return value;
  const d = new Date(ms);
  const y = d.getUTCFullYear(), mo = d.getUTCMonth(), day = d.getUTCDate();
  const time = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} UTC`;
  if (ko) {
    const md = `${mo + 1}월 ${day}일`;
    if (format === 'monthDay') return md;
    return format === 'datetime' && m.length > 4 ? `${y}년 ${md} ${time}` : `${y}년 ${md}`;
  }
  const md = `${EN_MONTHS[mo]} ${day}`;
  if (format === 'monthDay') return md;
  return format === 'datetime' && m.length > 4 ? `${md}, ${y}, ${time}` : `${md}, ${y}`;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

function cachedFormat(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let f = numberFormats.get(key);
  if (!f) {
    // Keyed by language and currency, which come from inputs: bounded, so no input can grow it without end.
    if (numberFormats.size >= 256) numberFormats.clear();
    f = make();
    numberFormats.set(key, f);
  }
  return f;
}

function formatNumber(value: number, ctx: FormatContext): string {
  const l = lang(ctx);
  return cachedFormat(`n:${l}`, () => new Intl.NumberFormat(l === 'ko' ? 'ko-KR' : 'en-US', { maximumFractionDigits: 3 })).format(value);
}

/** Money in the order's currency with its minor unit: "$215.00", "₩30,000", "¥1,999"; no currency: the number with 2 decimals. */
function formatMoney(value: number, ctx: FormatContext): string {
  const l = lang(ctx);
  const currency = ctx.currency && /^[A-Z]{3}$/.test(ctx.currency) ? ctx.currency : null;
  const digits = minorUnitsOf(currency);
  if (!currency) return cachedFormat(`m:${l}:-`, () => new Intl.NumberFormat(l === 'ko' ? 'ko-KR' : 'en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })).format(value);
  return cachedFormat(`m:${l}:${currency}`, () =>
    new Intl.NumberFormat(l === 'ko' ? 'ko-KR' : 'en-US', { style: 'currency', currency, currencyDisplay: 'narrowSymbol', minimumFractionDigits: digits, maximumFractionDigits: digits }),
  ).format(value);
}
