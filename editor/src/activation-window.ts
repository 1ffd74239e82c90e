/**
 * When a version should decide, as staff choose it in a form (publish and schedule): not at
 * all, from now on, from a date on, or in a window from/until. Dates and times are UTC (the
 * policies count days in UTC), entered with a date picker and a time field; parseWindow() is
 * the boundary where the form's strings become the API's instants, or field errors.
 *
 * @example
 *   parseWindow({ mode: 'window', fromDate: '2030-01-01', fromTime: '', untilDate: '2030-02-01', untilTime: '' }, now);
 *   // { ok: true, window: { from: '2030-01-01T00:00:00Z', until: '2030-02-01T00:00:00Z' }, warnings: [] }
 */
export type WindowMode = 'none' | 'now' | 'from' | 'window';

export interface WindowForm {
  mode: WindowMode;
  fromDate: string;
  fromTime: string;
  untilDate: string;
  untilTime: string;
}

export const emptyWindowForm = (mode: WindowMode = 'none'): WindowForm => ({ mode, fromDate: '', fromTime: '', untilDate: '', untilTime: '' });

/** The activation asked for: null (do not activate), {} (from now on), or from/until instants. */
export type ActivationWindow = { from?: string; until?: string } | null;

export type WindowField = 'fromDate' | 'fromTime' | 'untilDate' | 'untilTime';

export type ParsedWindow =
  | { ok: true; window: ActivationWindow; warnings: string[] }
  | { ok: false; errors: Partial<Record<WindowField, string>> };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** "2030-01-01" + "13:30" → "2030-01-01T13:30:00Z"; an empty time is midnight. Null when either is not valid. */
export function utcInstant(date: string, time: string): string | null {
  const d = DATE.exec(date.trim());
  const t = time.trim() === '' ? ['', '00', '00', '00'] : TIME.exec(time.trim());
  if (!d || !t) return null;
  const iso = `${d[1]}-${d[2]}-${d[3]}T${t[1]}:${t[2]}:${t[3] ?? '00'}Z`;
  const ms = Date.parse(iso);
  // Date.parse rolls 2030-02-30 over to March: a date that does not exist is refused instead.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date.trim()) return null;
  return iso;
}

/** An instant → the form's UTC date and time ("2030-01-01", "00:00"). */
export function splitInstant(iso: string): { date: string; time: string } {
  const s = new Date(iso).toISOString();
  return { date: s.slice(0, 10), time: s.slice(11, 16) };
}

export function parseWindow(form: WindowForm, now: Date): ParsedWindow {
  if (form.mode === 'none') return { ok: true, window: null, warnings: [] };
  if (form.mode === 'now') return { ok: true, window: {}, warnings: [] };
  const errors: Partial<Record<WindowField, string>> = {};
  const from = instantField(form.fromDate, form.fromTime, 'from', errors);
  const until = form.mode === 'window' ? instantField(form.untilDate, form.untilTime, 'until', errors) : null;
  if (from && until && Date.parse(until) <= Date.parse(from)) errors.untilDate = 'The end must be after the start.';
  if (Object.keys(errors).length > 0 || !from) return { ok: false, errors };
  const warnings: string[] = [];
  if (until && Date.parse(until) <= now.getTime()) warnings.push('This window has already ended: it changes which version the timeline names for past instants only (logged decisions keep the version that made them).');
  else if (Date.parse(from) < now.getTime()) warnings.push('This starts in the past: the timeline will name this version for past instants too (logged decisions keep the version that made them).');
  return { ok: true, window: until ? { from, until } : { from }, warnings };
}

function instantField(date: string, time: string, which: 'from' | 'until', errors: Partial<Record<WindowField, string>>): string | null {
  const dateField = which === 'from' ? 'fromDate' : 'untilDate';
  const timeField = which === 'from' ? 'fromTime' : 'untilTime';
  if (!date.trim()) {
    errors[dateField] = which === 'from' ? 'Choose the start date.' : 'Choose the end date.';
    return null;
  }
  if (time.trim() && !TIME.exec(time.trim())) {
    errors[timeField] = 'Write the time as HH:MM (UTC).';
    return null;
  }
  const iso = utcInstant(date, time);
  if (!iso) errors[dateField] = 'Write the date as YYYY-MM-DD.';
  return iso;
}

/** "from now on", "from 2030-01-01 00:00 UTC on", "from … until …" for confirmations. */
export function describeWindow(window: ActivationWindow): string {
  if (window === null) return 'not activated';
  if (!window.from) return 'from now on';
  const f = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  return window.until ? `from ${f(window.from)} until ${f(window.until)}` : `from ${f(window.from)} on`;
}
