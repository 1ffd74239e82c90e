/**
 * What the engine says about the text, run in the browser on each change: the compile
 * problems (each a link to its line), the static-analysis warnings (likewise; they never stop
 * a test or a publish) and the embedded tests, failing first, each failure with what differed
 * and a link to the rule that decided it.
 */
import type { JSX } from 'preact';
import { plural } from '../format.ts';
import type { LocatedProblem, LocatedWarning, PolicyEditorState, TestView } from '../policy-editor.ts';

interface Props {
  state: PolicyEditorState;
  reveal(line: number): void;
}

export function CheckPanel({ state, reveal }: Props): JSX.Element {
  const { parseError, problems, warnings, tests, stale, checkMs } = state;
  const failing = tests.filter((t) => !t.passed);
  const passing = tests.filter((t) => t.passed);
  let summary: JSX.Element;
  if (parseError) summary = <span class="bad">The document is not valid JSON: nothing can run.</span>;
  else if (problems.length) summary = <span class="bad">{plural(problems.length, 'problem')}: the policy does not compile, so its tests cannot run.</span>;
  else if (tests.length === 0) summary = <span class="muted">This policy has no embedded tests.</span>;
  else if (failing.length) summary = <span class="bad">{failing.length} of {plural(tests.length, 'test')} failing</span>;
  else summary = <span class="good">All {plural(tests.length, 'test')} pass</span>;

  return (
    <section class="checks" aria-labelledby="checks-title">
      <h2 id="checks-title">Checks</h2>
      <p class="summary" role="status" aria-live="polite" data-testid="test-summary" data-stale={stale ? 'true' : 'false'}>
        {summary}
        {stale ? <span class="muted"> · checking…</span> : checkMs !== null && <span class="muted"> · {checkMs} ms</span>}
      </p>
      {parseError && (
        <ul class="problems">
          <ProblemItem problem={parseError} reveal={reveal} />
        </ul>
      )}
      {problems.length > 0 && (
        <ul class="problems" aria-label="Problems">
          {problems.map((p, i) => (
            <ProblemItem key={i} problem={p} reveal={reveal} />
          ))}
        </ul>
      )}
      {warnings.length > 0 && (
        <>
          <p class="warnings-summary" data-testid="warning-summary">
            {plural(warnings.length, 'warning')} from the static analysis (the policy still compiles, tests and publishes)
          </p>
          <ul class="warnings" aria-label="Warnings" data-testid="warnings">
            {warnings.map((w, i) => (
              <WarningItem key={i} warning={w} reveal={reveal} />
            ))}
          </ul>
        </>
      )}
      {failing.length > 0 && (
        <ul class="tests" aria-label="Failing tests" data-testid="failing-tests">
          {failing.map((t) => (
            <TestItem key={t.path} test={t} reveal={reveal} />
          ))}
        </ul>
      )}
      {passing.length > 0 && (
        <details class="passing">
          <summary>{plural(passing.length, 'passing test')}</summary>
          <ul class="tests" aria-label="Passing tests">
            {passing.map((t) => (
              <TestItem key={t.path} test={t} reveal={reveal} />
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function ProblemItem({ problem, reveal }: { problem: LocatedProblem; reveal(line: number): void }): JSX.Element {
  return (
    <li class="problem">
      <button type="button" class="link" onClick={() => reveal(problem.line)}>
        line {problem.line}
      </button>{' '}
      <code>{problem.path || '(document)'}</code> {problem.message}
    </li>
  );
}

function WarningItem({ warning, reveal }: { warning: LocatedWarning; reveal(line: number): void }): JSX.Element {
  return (
    <li class="warning" data-code={warning.code}>
      <span class="mark" aria-hidden="true">
        ⚠
      </span>
      <span class="sr-only">warning:</span>{' '}
      <button type="button" class="link" onClick={() => reveal(warning.line)}>
        line {warning.line}
      </button>{' '}
      <code>{warning.path || '(document)'}</code> {warning.message} <span class="muted">({warning.code})</span>
    </li>
  );
}

function TestItem({ test, reveal }: { test: TestView; reveal(line: number): void }): JSX.Element {
  return (
    <li class={`test ${test.passed ? 'pass' : 'fail'}`} data-test-name={test.name}>
      <span class="mark" aria-hidden="true">
        {test.passed ? '✓' : '✗'}
      </span>
      <span class="sr-only">{test.passed ? 'passes:' : 'fails:'}</span>{' '}
      <button type="button" class="link test-name" onClick={() => reveal(test.line)} title={`Show the test (line ${test.line})`}>
        {test.name}
      </button>
      {!test.passed && test.messages.length > 0 && (
        <ul class="messages">
          {test.messages.slice(0, 5).map((m, i) => (
            <li key={i}>
              <code>{m}</code>
            </li>
          ))}
          {test.messages.length > 5 && <li class="muted">and {test.messages.length - 5} more</li>}
        </ul>
      )}
      {!test.passed && test.rule && (
        <button type="button" class="link rule-link" onClick={() => reveal(test.rule!.line)}>
          {test.rule.id === 'expression' ? `the expression that failed (line ${test.rule.line})` : `decided by rule ${test.rule.id} (line ${test.rule.line})`}
        </button>
      )}
    </li>
  );
}
