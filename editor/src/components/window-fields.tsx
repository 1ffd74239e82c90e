/**
 * The "when does it decide" fields of the publish and schedule forms: a radio group (not at
 * all / from now on / from a date on / a window) and, for a date, a UTC date picker and time.
 * Controlled: `value` in, `onChange` out; parseWindow() turns it into the API's instants.
 */
import type { JSX } from 'preact';
import { utcInstant } from '../activation-window.ts';
import type { WindowField, WindowForm, WindowMode } from '../activation-window.ts';

const LABELS: Record<WindowMode, string> = {
  none: 'Do not activate it now (publishing does not change what decides)',
  now: 'From now on',
  from: 'From a date on (open-ended)',
  window: 'For a window (from … until)',
};

interface Props {
  /** Prefix of the inputs' ids, unique on the page. */
  id: string;
  legend: string;
  modes: WindowMode[];
  value: WindowForm;
  onChange(next: WindowForm): void;
  errors?: Partial<Record<WindowField, string>>;
  disabled?: boolean;
}

export function WindowFields({ id, legend, modes, value, onChange, errors = {}, disabled }: Props): JSX.Element {
  const set = (patch: Partial<WindowForm>) => onChange({ ...value, ...patch });
  const dated = value.mode === 'from' || value.mode === 'window';
  return (
    <fieldset class="window-fields" disabled={disabled}>
      <legend>{legend}</legend>
      <div class="choices" role="radiogroup" aria-label={legend}>
        {modes.map((mode) => (
          <label key={mode} class="choice">
            <input type="radio" name={`${id}-mode`} value={mode} checked={value.mode === mode} onChange={() => set({ mode })} />
            {LABELS[mode]}
          </label>
        ))}
      </div>
      {dated && (
        <div class="instants">
          <Instant id={`${id}-from`} label="From" date={value.fromDate} time={value.fromTime} dateError={errors.fromDate} timeError={errors.fromTime} onDate={(fromDate) => set({ fromDate })} onTime={(fromTime) => set({ fromTime })} hint="Inclusive" verb="Starts" />
          {value.mode === 'window' && (
            <Instant id={`${id}-until`} label="Until" date={value.untilDate} time={value.untilTime} dateError={errors.untilDate} timeError={errors.untilTime} onDate={(untilDate) => set({ untilDate })} onTime={(untilTime) => set({ untilTime })} hint="Exclusive: until February 1 ends with January 31" verb="Ends" />
          )}
        </div>
      )}
    </fieldset>
  );
}

interface InstantProps {
  id: string;
  label: string;
  date: string;
  time: string;
  dateError?: string | undefined;
  timeError?: string | undefined;
  hint: string;
  /** "Starts" / "Ends": the echo of the instant understood, whatever the date picker's locale shows. */
  verb: string;
  onDate(v: string): void;
  onTime(v: string): void;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function Instant({ id, label, date, time, dateError, timeError, hint, verb, onDate, onTime }: InstantProps): JSX.Element {
  const error = dateError ?? timeError;
  const iso = utcInstant(date, time);
  return (
    <div class="instant">
      <div class="instant-inputs">
        <div>
          <label for={`${id}-date`}>{label} date (UTC)</label>
          <input id={`${id}-date`} type="date" value={date} onInput={(e) => onDate((e.target as HTMLInputElement).value)} aria-invalid={dateError ? 'true' : undefined} aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`} required />
        </div>
        <div>
          <label for={`${id}-time`}>{label} time (UTC)</label>
          <input id={`${id}-time`} type="time" value={time} onInput={(e) => onTime((e.target as HTMLInputElement).value)} aria-invalid={timeError ? 'true' : undefined} aria-describedby={`${id}-hint`} />
        </div>
      </div>
      <p class="hint muted" id={`${id}-hint`}>
        {iso ? (
          <>
            {verb} <strong>{WEEKDAYS[new Date(iso).getUTCDay()]} {iso.slice(0, 10)} {iso.slice(11, 16)} UTC</strong> ({verb === 'Starts' ? 'inclusive' : 'exclusive: the last instant is just before it'}).
          </>
        ) : (
          `${hint}; an empty time is 00:00 UTC.`
        )}
      </p>
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
