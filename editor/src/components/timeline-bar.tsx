/**
 * A policy's timeline drawn as a horizontal bar: one coloured segment per stretch of time a
 * version decides, the boundary dates under it, and a "now" marker. Widths come from
 * layoutTimeline() (readable rather than to scale). For assistive technology the bar is an
 * ordered list whose items say "version 2 from 2023-10-11 until 2024-02-01".
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ScheduleSegment } from '../api.ts';
import { describeSpan, END_LABEL, formatPrecise, layoutTimeline, START_LABEL, tickLabel } from '../timeline-layout.ts';

interface Props {
  segments: ScheduleSegment[];
  now: Date;
  label: string;
  compact?: boolean;
  testId?: string;
}

/** One colour per version, stable across screens. */
export function versionClass(version: number | null): string {
  return version === null ? 'v-none' : `v-c${version % 6}`;
}

export function TimelineBar({ segments, now, label, compact, testId }: Props): JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  // The bar's width on screen decides which boundary labels fit (and on which row).
  const [width, setWidth] = useState(compact ? 700 : 1200);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => el.clientWidth > 0 && setWidth(el.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const bar = layoutTimeline(segments, now, width);
  const twoRows = bar.ticks.some((t) => t.row === 1);
  return (
    <div ref={ref} class={`timeline${compact ? ' compact' : ''}${twoRows ? ' two-rows' : ''}`} data-testid={testId}>
      <ol class="timeline-bar" aria-label={label}>
        {bar.segments.map((s, i) => (
          <li
            key={i}
            class={`segment ${versionClass(s.version)}${s.current ? ' current' : ''}`}
            style={{ left: `${s.left}%`, width: `${s.width}%` }}
            title={describeSpan(s)}
            data-version={s.version ?? 'none'}
            data-from={s.from ?? ''}
            data-until={s.until ?? ''}
          >
            <span class="segment-version" aria-hidden="true">
              {s.version === null ? 'none' : `v${s.version}`}
            </span>
            {!compact && (
              <span class="segment-range" aria-hidden="true">
                {s.from ? formatPrecise(s.from) : '…'} → {s.until ? formatPrecise(s.until) : '…'}
              </span>
            )}
            <span class="sr-only">
              {describeSpan(s)}
              {s.current ? ' (deciding now)' : ''}
            </span>
          </li>
        ))}
      </ol>
      {bar.now !== null && (
        <div class="timeline-now" style={{ left: `${bar.now}%` }} aria-hidden="true">
          <span>now</span>
        </div>
      )}
      <div class="timeline-ticks" aria-hidden="true">
        <span class="tick start">{segments[0]?.from ? tickLabel(segments[0].from) : START_LABEL}</span>
        {bar.ticks.map((t) => (
          <span key={t.at} class={`tick row-${t.row ?? 'none'}`} style={{ left: `${t.left}%` }}>
            {t.row === null ? '' : t.label}
          </span>
        ))}
        <span class="tick end">{segments.at(-1)?.until ? tickLabel(segments.at(-1)!.until!) : END_LABEL}</span>
      </div>
    </div>
  );
}
