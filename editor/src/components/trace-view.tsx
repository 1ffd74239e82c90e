/**
 * Why a decision came out as it did, from the engine's trace: the derived values in order with
 * what each read, the rules tried (the one that matched marked) with the values they saw, then
 * the same per item (each returned item has its own rules) and the totals.
 */
import type { JSX } from 'preact';
import type { DerivedTrace, ItemTrace, RuleTrace, Trace } from '../../../server/engine/index.ts';
import { compactValue } from '../decision-summary.ts';
import { formatInstant } from '../format.ts';

interface Props {
  trace: Trace;
  decision: Record<string, unknown> | null;
}

export function TraceView({ trace, decision }: Props): JSX.Element {
  const items = Array.isArray(decision?.items) ? (decision!.items as Array<Record<string, unknown>>) : [];
  return (
    <div class="trace" data-testid="trace">
      <p class="muted small">Evaluated at {formatInstant(trace.at)}.</p>
      {trace.let.length > 0 && <Derived title="Derived values" values={trace.let} />}
      {trace.items && trace.items.length > 0 && (
        <div class="trace-items">
          <h4>Per item</h4>
          {trace.items.map((item) => (
            <Item key={item.index} item={item} result={items[item.index]} />
          ))}
        </div>
      )}
      {trace.totals && trace.totals.length > 0 && <Derived title="Totals" values={trace.totals} />}
      <Rules title="Rules" rules={trace.rules} matched={trace.matched} />
    </div>
  );
}

function Item({ item, result }: { item: ItemTrace; result: Record<string, unknown> | undefined }): JSX.Element {
  const sku = typeof result?.sku === 'string' ? result.sku : null;
  return (
    <details class="trace-item" open>
      <summary>
        Item {item.index + 1}
        {sku ? ` (${sku})` : ''}: <strong>{item.matched}</strong>
      </summary>
      {item.let.length > 0 && <Derived title="Derived values" values={item.let} />}
      <Rules title="Rules" rules={item.rules} matched={item.matched} />
    </details>
  );
}

function Derived({ title, values }: { title: string; values: DerivedTrace[] }): JSX.Element {
  return (
    <details class="trace-derived">
      <summary>
        {title} ({values.length})
      </summary>
      <dl>
        {values.map((d) => (
          <div key={d.path} class="derived">
            <dt>
              <code>{d.name}</code>
            </dt>
            <dd>
              <code>{compactValue(d.value, 120)}</code>
              {Object.keys(d.reads).length > 0 && <Reads reads={d.reads} />}
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function Rules({ title, rules, matched }: { title: string; rules: RuleTrace[]; matched: string }): JSX.Element {
  const matchedAny = rules.some((r) => r.matched);
  return (
    <div class="trace-rules">
      <h4>{title} tried, in order</h4>
      <ol>
        {rules.map((r) => (
          <li key={r.path} class={r.matched ? 'matched' : 'skipped'}>
            <span class="mark" aria-hidden="true">
              {r.matched ? '✓' : '✗'}
            </span>
            <span class="sr-only">{r.matched ? 'matched:' : 'did not match:'}</span> <code>{r.id}</code>
            {Object.keys(r.values).length > 0 && <Reads reads={r.values} />}
          </li>
        ))}
        {!matchedAny && (
          <li class="matched">
            <span class="mark" aria-hidden="true">
              ✓
            </span>{' '}
            no rule matched: <code>{matched}</code> (otherwise)
          </li>
        )}
      </ol>
    </div>
  );
}

function Reads({ reads }: { reads: Record<string, unknown> }): JSX.Element {
  return (
    <span class="reads muted">
      {' '}
      read{' '}
      {Object.entries(reads).map(([k, v], i) => (
        <span key={k}>
          {i > 0 && ', '}
          <code>
            {k} = {compactValue(v, 60)}
          </code>
        </span>
      ))}
    </span>
  );
}
