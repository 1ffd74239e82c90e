/** Display formats: instants in UTC (policies count days in UTC, so the editor shows UTC too). */
export function formatInstant(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const [date, time] = d.toISOString().split('T') as [string, string];
  return time.startsWith('00:00:00') ? date : `${date} ${time.slice(0, 5)} UTC`;
}

/** "version 2 from 2023-10-11 until 2024-02-01" (from inclusive, until exclusive). */
export function describeSegment(s: { from: string | null; until: string | null; version: number | null }): string {
  const what = s.version === null ? 'no version decides' : `version ${s.version}`;
  const from = s.from ? ` from ${formatInstant(s.from)}` : '';
  const until = s.until ? ` until ${formatInstant(s.until)}` : ' onwards';
  return `${what}${from}${until}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
