/**
 * A decision's explanation as a merchant reads it (engine/explain.ts, the API's explain: true):
 * the reasons, then what would have changed a denied or partial outcome. Shown in the
 * simulation's side-by-side view and in the decision browser's detail.
 */
import type { JSX } from 'preact';
import type { Explanation } from '../../../server/engine/index.ts';

export function ExplanationView({ explanation, label = 'Reasons' }: { explanation: Explanation; label?: string }): JSX.Element {
  const changes = explanation.wouldChange ?? [];
  return (
    <div class="explanation" data-testid="explanation" lang={explanation.language}>
      <h5 class="small">{label}</h5>
      {explanation.reasons.length === 0 ? (
        <p class="muted small">The policy gives no reasons for this decision (its rules have no explain texts).</p>
      ) : (
        <ul class="reasons">
          {explanation.reasons.map((r, i) => (
            <li key={i} data-rule={r.rule ?? ''} title={r.path}>
              {r.text}
            </li>
          ))}
        </ul>
      )}
      {changes.length > 0 && (
        <>
          <h5 class="small">What would have changed it</h5>
          <ul class="would-change" data-testid="would-change">
            {changes.map((w, i) => (
              <li key={i} data-rule={w.rule} title={w.conditions.map((c) => c.path).join(', ')}>
                {w.text}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
