/**
 * The Simulate screen's model: which cases (the tenant's samples, pasted orders, or logged
 * decisions in a date range), which baseline (the version active at each case's `at`, like the
 * server, or one version), and the results: the engine's summary, the money moved per field and
 * currency, every changed decision, and on request the trace of both sides.
 *
 * The candidate is the editor's document as it is in memory (saved or not). Samples and pasted
 * orders are decided in this browser with the server's own engine (compareCase and
 * SummaryBuilder of server/engine/simulate.ts), in chunks of at most CHUNK cases or SLICE_MS
 * per frame, so a large set shows progress and the page stays responsive; they are decided
 * again, debounced, whenever the document changes. Logged decisions live on the server: they
 * are simulated there (POST /v1/policies/{policy}/simulate with the document, streamed as
 * NDJSON for progress) and only the chosen one is fetched to show its trace.
 *
 * Pure: no DOM. The API, the editor store, the timers and the frame scheduler are handed in,
 * so it is tested in Node with the real engine (test/editor/simulation*.test.ts).
 *
 * @example
 *   const sim = createSimulation({ policy: 'returns', api, editor, registry, schemaFiles, activations, latestVersion: 2 });
 *   sim.open();                                 // loads the samples, then simulates them
 *   sim.setBaseline({ kind: 'version', version: 1 });
 *   sim.get().result?.summary.changed;          // 11 with the 2023 holiday window set
 *   await sim.addTest(await sim.testDraft(sim.get().result!.changes[0]!));   // a new embedded test
 */
import { applyEdits, modify } from 'jsonc-parser';
import { activeVersionAt, chooseFrom, compareCase, compile, diff, evaluate, explain, normalizeInstant, pinToOf, SummaryBuilder } from '../../server/engine/index.ts';
import type { Activation, CaseOutcome, CaseResult, CompiledPolicy, Decision, EvaluationError, Explanation, FieldChange, PolicyDoc, Problem, SchemaRegistry, SimulationCase, SimulationSummary, Trace } from '../../server/engine/index.ts';
import type { ChangedCase, FailedCase, SampleSummary, SampleView, SimulateRequest, SimulateStreamLine, SimulationSummaryBody } from '../../server/types/schemas.gen.ts';
import { ApiError } from './api.ts';
import type { PathProblem } from './api.ts';
import { formatJson } from './format-json.ts';
import { pointerSegments } from './json-location.ts';
import { createStore } from './store.ts';
import type { Store } from './store.ts';

/** Cases decided per frame at most, and the time a frame's slice may take. */
export const CHUNK = 200;
export const SLICE_MS = 12;
/** Changed cases shown before "show more". */
export const PAGE = 50;

export type CaseKind = 'samples' | 'orders' | 'decisions';

export interface SimCase extends SimulationCase {
  origin: 'sample' | 'order' | 'decision';
  /** The order's currency, for money formatting (null when unknown). */
  currency: string | null;
  /** What the case is (a sample's description). */
  note?: string;
}

export type Baseline = { kind: 'active' } | { kind: 'version'; version: number } | { kind: 'logged' };

export interface ChangedView {
  /** Position of the case in the set (0-based). */
  index: number;
  id: string;
  at: string;
  baselineVersion: number | null;
  before: CaseOutcome;
  after: CaseOutcome;
  ruleBefore: string;
  ruleAfter: string;
  changes: FieldChange[];
  currency: string | null;
  /** The case (input and at) when this browser decided it; a logged decision's is fetched on demand. */
  case: SimCase | null;
}

export interface FailedView {
  index: number;
  id: string;
  at: string;
  before?: EvaluationError;
  after?: EvaluationError;
}

/** Money moved in one decision field (array indexes as []) in one currency. */
export interface MoneyFigure {
  field: string;
  currency: string | null;
  changed: number;
  up: number;
  down: number;
  net: number;
}

export interface SimulationResult {
  where: 'browser' | 'server';
  kind: CaseKind;
  baseline: Baseline;
  summary: SimulationSummary;
  /** Money fields only (by the decision schema), in the schema's order, per currency. */
  money: MoneyFigure[];
  /** Every money field of the decision schema (array indexes as []), top-level ones first. */
  moneyFields: string[];
  /** The other fields that changed, with in how many decisions. */
  otherFields: Array<{ field: string; changed: number }>;
  changes: ChangedView[];
  errors: FailedView[];
  /** Which baseline version decided how many cases (null: no version was active at their `at`). */
  baselineUse: Array<{ version: number | null; cases: number }>;
  /** Time to compile the candidate and decide every case twice (browser runs), in ms. */
  ms: number;
  /** Counts the runs of this simulation (1, 2, …): a new number is a new result. */
  run: number;
  compileMs: number;
  /** The document text the candidate was compiled from. */
  text: string;
  candidate: CompiledPolicy;
}

export interface Progress {
  where: 'browser' | 'server';
  done: number;
  total: number;
}

export interface SamplesState {
  status: 'idle' | 'loading' | 'ready' | 'failed';
  list: SampleSummary[];
  /** Samples fetched so far (each sample is one GET). */
  loaded: number;
  error: string | null;
}

export interface DecisionRange {
  /** UTC dates, YYYY-MM-DD, both inclusive. */
  from: string;
  until: string;
  /** Most decisions (the oldest first); '' for no limit. */
  limit: string;
}

export interface SimulationState {
  kind: CaseKind;
  samples: SamplesState;
  /** The samples chosen by name; null = every sample. */
  selected: string[] | null;
  ordersText: string;
  /** Problems of the pasted text, each with its JSON path (nothing runs while there are any). */
  ordersProblems: PathProblem[];
  ordersCount: number;
  decisions: DecisionRange;
  baseline: Baseline;
  running: Progress | null;
  result: SimulationResult | null;
  /** True when the document or the choice changed since `result` (a server run is not redone by itself). */
  stale: boolean;
  /** Why nothing can run now: the document does not parse or compile, or no case is chosen. */
  blocked: { message: string; problems: Problem[] } | null;
  /** A failed run (network, a refused request). */
  error: { message: string; problems: PathProblem[] } | null;
}

export interface SimulationApi {
  listSamples(policy: string): Promise<SampleSummary[]>;
  getSample(name: string): Promise<SampleView>;
  getVersion(policy: string, version: number): Promise<{ document: Record<string, unknown> }>;
  getDecision(id: string): Promise<{ id: string; at: string; input: Record<string, unknown>; version: number }>;
  simulateStream(policy: string, body: SimulateRequest, onLine: (line: SimulateStreamLine) => void, signal?: AbortSignal): Promise<void>;
}

/** What the simulation needs of the policy editor: its text, and a way to change it. */
export interface DocumentSource {
  get(): { text: string };
  subscribe(listener: (state: { text: string }) => void): () => void;
  setText(text: string): void;
}

export interface SimulationDeps {
  policy: string;
  api: SimulationApi;
  editor: DocumentSource;
  registry: SchemaRegistry;
  /** schemas/ by path (the bundled map): to tell money fields from other numbers in the decision schema. */
  schemaFiles: Record<string, object>;
  activations: Activation[];
  latestVersion: number | null;
  /**
   * The tenant's default explanation language (GET /v1/me's language; null: none set). The
   * explanations of a traced case choose their language as the server's decide does: the
   * customer's (order.customer.language), then this one, then English (engine/explain.ts).
   */
  tenantLanguage?: string | null;
  timers?: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
  /** Resolves at the next frame (browser: requestAnimationFrame). */
  nextFrame?: () => Promise<void>;
  debounceMs?: number;
  now?: () => Date;
  /** Parallel GETs when loading samples. */
  concurrency?: number;
}

export interface SideTrace {
  /** The version that decided (null: the document being edited). */
  version: number | null;
  /** The explanation (engine/explain.ts, as the API's explain: true gives it) rides along with the trace. */
  outcome: { ok: true; decision: Decision; trace: Trace; explanation: Explanation } | { ok: false; error: EvaluationError };
}

export interface TracePair {
  before: SideTrace | null;
  after: SideTrace;
  input: unknown;
  at: string;
}

export interface SourceChoice {
  /** The sentence (verbatim). */
  value: string;
  /** Where it is used: "rule within-return-window", "param holidayExtension". */
  label: string;
}

export interface TestDraft {
  name: string;
  at: string;
  input: Record<string, unknown>;
  /** The candidate's decision for the case (now). */
  decision: Decision;
  /** Top-level decision fields, in order, and whether the test expects them (default: the main ones). */
  fields: Array<{ name: string; checked: boolean }>;
  sources: SourceChoice[];
  source: string;
}

export interface Simulation extends Store<SimulationState> {
  /** Starts following the document (and loads the samples the first time). */
  open(): void;
  /** Stops following the document; a run in progress stops. */
  close(): void;
  setKind(kind: CaseKind): void;
  /** Chooses samples by name; null = all. */
  selectSamples(names: string[] | null): void;
  toggleSample(name: string, on: boolean): void;
  setOrdersText(text: string): void;
  setDecisions(range: Partial<DecisionRange>): void;
  setBaseline(baseline: Baseline): void;
  /** Runs at once (the browser's cases), or asks the server (logged decisions). */
  run(): Promise<void>;
  /** Stops the run in progress (the last result stays). */
  stop(): void;
  /** Both sides of one changed case decided again with their traces. */
  trace(change: ChangedView): Promise<TracePair>;
  /** A test made from a case, decided by the document as it is now. */
  testDraft(change: ChangedView): Promise<TestDraft>;
  /** Appends the test to the document's tests; returns the name it got. */
  addTest(draft: TestDraft, choice?: { name?: string; source?: string; fields?: string[] }): string;
  dispose(): void;
}

const defaultTimers = { set: (fn: () => void, ms: number) => setTimeout(fn, ms), clear: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>) };
const defaultNextFrame = () =>
  new Promise<void>((resolve) => {
    if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && document.visibilityState === 'visible') requestAnimationFrame(() => resolve());
    else setTimeout(resolve, 0);
  });

export function createSimulation(deps: SimulationDeps): Simulation {
  const timers = deps.timers ?? defaultTimers;
  const nextFrame = deps.nextFrame ?? defaultNextFrame;
  const debounceMs = deps.debounceMs ?? 250;
  const now = deps.now ?? (() => new Date());
  const today = now().toISOString().slice(0, 10);

  const store = createStore<SimulationState>({
    kind: 'samples',
    samples: { status: 'idle', list: [], loaded: 0, error: null },
    selected: null,
    ordersText: '',
    ordersProblems: [],
    ordersCount: 0,
    decisions: { from: addDays(today, -30), until: today, limit: '' },
    baseline: { kind: 'active' },
    running: null,
    result: null,
    stale: false,
    blocked: null,
    error: null,
  });

  const sampleCases = new Map<string, SimCase>();
  let orderCases: SimCase[] = [];
  const versions = new Map<number, Promise<CompiledPolicy>>();
  let candidateCache: { key: string; policy: CompiledPolicy } | null = null;
  let unsubscribe: (() => void) | null = null;
  let timer: unknown = null;
  let runId = 0;
  let serverRun: AbortController | null = null;
  let lastText: string | null = null;
  /** Bumped by every change of the cases or the baseline. */
  let choice = 0;
  /** What the shown browser result was computed from. */
  let lastRun: { key: string; choice: number } | null = null;
  let runs = 0;
  let disposed = false;

  /** A published version, fetched and compiled once. */
  function version(n: number): Promise<CompiledPolicy> {
    let p = versions.get(n);
    if (!p) {
      p = deps.api.getVersion(deps.policy, n).then((v) => {
        const compiled = compile(v.document, { registry: deps.registry });
        if (!compiled.ok) throw new Error(`version ${n} does not compile: ${compiled.problems[0]?.message ?? ''}`);
        return compiled.policy;
      });
      p.catch(() => versions.delete(n));
      versions.set(n, p);
    }
    return p;
  }

  /** The document compiled (cached while only its tests change: tests decide nothing). */
  function candidate(text: string): { ok: true; policy: CompiledPolicy; ms: number; key: string } | { ok: false; message: string; problems: Problem[] } {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      return { ok: false, message: 'The document is not valid JSON: fix it in the editor to simulate.', problems: [] };
    }
    const key = decisionKey(document);
    if (candidateCache && candidateCache.key === key) return { ok: true, policy: candidateCache.policy, ms: 0, key };
    const started = performance.now();
    const compiled = compile(document, { registry: deps.registry, sourceText: text });
    const ms = performance.now() - started;
    if (!compiled.ok) return { ok: false, message: `The document does not compile (${compiled.problems.length === 1 ? '1 problem' : `${compiled.problems.length} problems`}): fix it to simulate.`, problems: compiled.problems };
    candidateCache = { key, policy: compiled.policy };
    return { ok: true, policy: compiled.policy, ms, key };
  }

  function chosenCases(): SimCase[] {
    const s = store.get();
    if (s.kind === 'orders') return orderCases;
    if (s.kind !== 'samples') return [];
    const names = s.selected ?? s.samples.list.map((x) => x.name);
    return names.map((n) => sampleCases.get(n)).filter((c): c is SimCase => c !== undefined);
  }

  function schedule(): void {
    if (timer !== null) timers.clear(timer);
    timer = timers.set(() => {
      timer = null;
      void run();
    }, debounceMs);
  }

  function cancelRuns(): void {
    runId++;
    serverRun?.abort();
    serverRun = null;
    if (store.get().running) store.set({ running: null });
  }

  async function run(): Promise<void> {
    if (timer !== null) timers.clear(timer);
    timer = null;
    if (store.get().kind === 'decisions') return runOnServer();
    return runInBrowser();
  }

  async function runInBrowser(): Promise<void> {
    cancelRuns();
    const id = runId;
    const s = store.get();
    const text = deps.editor.get().text;
    lastText = text;
    if (s.kind === 'samples' && s.samples.status !== 'ready') return;
    if (s.kind === 'orders' && s.ordersProblems.length) {
      store.set({ blocked: { message: 'The pasted orders have problems (listed under them): fix them to simulate.', problems: [] } });
      return;
    }
    const cases = chosenCases();
    if (cases.length === 0) {
      store.set({ blocked: { message: s.kind === 'samples' ? 'Choose at least one sample.' : 'Paste orders to simulate.', problems: [] }, result: null, stale: false });
      return;
    }
    // The start of a browser run, for the page's own timing (bench/editor-simulation.ts reads it).
    performance.mark?.('simulation-run');
    const cand = candidate(text);
    if (!cand.ok) {
      store.set({ blocked: { message: cand.message, problems: cand.problems }, stale: store.get().result !== null });
      return;
    }
    const previous = store.get().result;
    if (previous && previous.where === 'browser' && lastRun && lastRun.key === cand.key && lastRun.choice === choice) {
      // Nothing that decides changed (e.g. a test was added): the result stands for this text too.
      store.set({ stale: false, blocked: null, result: { ...previous, text } });
      return;
    }
    const runChoice = choice;
    const baseline = s.baseline.kind === 'logged' ? ({ kind: 'active' } as const) : s.baseline;
    const governingFor = (c: SimCase): number | null => (baseline.kind === 'version' ? baseline.version : activeVersionAt(deps.activations, c.at));
    // Fetch and compile the baselines the cases need (once each; a later run finds them ready):
    // the versions active at the cases' instants, then those their pinTo hands cases to.
    const compiled = new Map<number, CompiledPolicy>();
    const load = async (versions: Iterable<number | null>) => {
      const needed = [...new Set(versions)].filter((v): v is number => v !== null && !compiled.has(v));
      for (const [v, p] of await Promise.all(needed.map(async (v) => [v, await version(v)] as const))) compiled.set(v, p);
    };
    // As the server chooses (engine/effective-date.ts): the version active at `at` governs, and
    // its pinTo may hand the case to the version active when the order was placed.
    const chosen = new Map<SimCase, { version: number | null; error?: EvaluationError }>();
    try {
      await load(cases.map(governingFor));
      for (const c of cases) {
        const g = governingFor(c);
        if (g === null || baseline.kind === 'version') {
          chosen.set(c, { version: g });
          continue;
        }
        const choice = chooseFrom(deps.activations, g, pinToOf(compiled.get(g)!), c.at, c.input);
        chosen.set(c, choice.ok ? { version: choice.version } : { version: null, ...(choice.kind === 'invalid_input' ? { error: { kind: 'input' as const, problems: [choice.problem] } } : {}) });
      }
      await load([...chosen.values()].map((x) => x.version));
    } catch (err) {
      if (id === runId) store.set({ error: { message: `The baseline cannot be loaded: ${message(err)}`, problems: [] } });
      return;
    }
    if (id !== runId) return;
    const versionFor = (c: SimCase) => chosen.get(c)!;

    const money = moneyFieldsOf(cand.policy.document, deps.schemaFiles);
    const acc = new Accumulator(money);
    const total = cases.length;
    store.set({ blocked: null, error: null });
    const comparisons = compareEach(cases, versionFor, compiled, cand.policy);
    let done = 0;
    let busy = 0;
    for (;;) {
      const sliceStart = performance.now();
      let n = 0;
      let next = comparisons.next();
      for (; !next.done; ) {
        const { c, version: v, result } = next.value;
        acc.add(done++, c, v, result);
        if (++n >= CHUNK || performance.now() - sliceStart >= SLICE_MS) break;
        next = comparisons.next();
      }
      busy += performance.now() - sliceStart;
      if (next.done || done >= total) break;
      store.set({ running: { where: 'browser', done, total } });
      await nextFrame();
      if (id !== runId) return;
    }
    const ms = cand.ms + busy;
    lastRun = { key: cand.key, choice: runChoice };
    store.set({
      running: null,
      stale: false,
      result: { ...acc.result(), where: 'browser', kind: s.kind, baseline, ms, compileMs: cand.ms, text, candidate: cand.policy, run: ++runs },
    });
  }

  async function runOnServer(): Promise<void> {
    cancelRuns();
    const id = runId;
    const s = store.get();
    const text = deps.editor.get().text;
    lastText = text;
    const cand = candidate(text);
    if (!cand.ok) {
      store.set({ blocked: { message: cand.message, problems: cand.problems } });
      return;
    }
    const range = decisionsBody(s.decisions);
    if ('problems' in range) {
      store.set({ blocked: { message: 'The date range is not complete.', problems: range.problems } });
      return;
    }
    const body: SimulateRequest = {
      candidate: { document: JSON.parse(text) as Record<string, unknown> },
      baseline: s.baseline.kind === 'version' ? { version: s.baseline.version } : s.baseline.kind === 'logged' ? { logged: true } : { active: true },
      cases: { decisions: range.decisions },
    };
    const money = moneyFieldsOf(cand.policy.document, deps.schemaFiles);
    const acc = new Accumulator(money);
    const controller = new AbortController();
    serverRun = controller;
    store.set({ blocked: null, error: null, running: { where: 'server', done: 0, total: 0 } });
    // Filled by the stream's lines (an object: assignments in a callback are invisible to narrowing).
    const end: { summary: SimulationSummaryBody | null; problem: { message: string; problems: PathProblem[] } | null } = { summary: null, problem: null };
    const started = performance.now();
    try {
      await deps.api.simulateStream(
        deps.policy,
        body,
        (line) => {
          if (id !== runId) return;
          if ('progress' in line) store.set({ running: { where: 'server', done: line.progress.evaluated, total: line.progress.total } });
          else if ('change' in line) acc.addChanged(fromServerChange(line.change));
          else if ('error' in line) acc.addFailed(fromServerFailure(line.error));
          else if ('summary' in line) end.summary = line.summary;
          else if ('problem' in line) end.problem = { message: [line.problem.title, line.problem.detail].filter(Boolean).join(': '), problems: line.problem.errors ?? [] };
        },
        controller.signal,
      );
    } catch (err) {
      if (id === runId) store.set({ running: null, error: { message: message(err), problems: err instanceof ApiError ? err.errors : [] } });
      return;
    } finally {
      if (serverRun === controller) serverRun = null;
    }
    if (id !== runId) return;
    if (end.problem || !end.summary) {
      store.set({ running: null, error: end.problem ?? { message: 'The simulation ended without its summary.', problems: [] } });
      return;
    }
    const result = acc.result(end.summary as SimulationSummary);
    store.set({
      running: null,
      stale: false,
      result: { ...result, where: 'server', kind: 'decisions', baseline: s.baseline, ms: performance.now() - started, compileMs: 0, text, candidate: cand.policy, run: ++runs },
    });
  }

  async function loadSamples(): Promise<void> {
    const s = store.get().samples;
    if (s.status === 'loading' || s.status === 'ready') return;
    store.set({ samples: { status: 'loading', list: [], loaded: 0, error: null } });
    try {
      const list = await deps.api.listSamples(deps.policy);
      store.set({ samples: { status: 'loading', list, loaded: 0, error: null } });
      let loaded = 0;
      await mapLimit(list, deps.concurrency ?? 6, async (summary) => {
        const sample = await deps.api.getSample(summary.name);
        sampleCases.set(summary.name, sampleCase(sample, deps.policy));
        loaded++;
        if (loaded % 5 === 0) store.set({ samples: { ...store.get().samples, loaded } });
      });
      store.set({ samples: { status: 'ready', list, loaded: list.length, error: null } });
    } catch (err) {
      store.set({ samples: { status: 'failed', list: store.get().samples.list, loaded: 0, error: message(err) } });
      return;
    }
    if (unsubscribe && store.get().kind === 'samples') void run();
  }

  function changed(): void {
    // A server run is not redone by itself: its result says it is out of date.
    if (store.get().kind === 'decisions') {
      if (store.get().result) store.set({ stale: true });
      return;
    }
    if (store.get().result) store.set({ stale: true });
    schedule();
  }

  const sim: Simulation = {
    ...store,
    open() {
      if (unsubscribe || disposed) return;
      unsubscribe = deps.editor.subscribe((state) => {
        if (state.text === lastText) return;
        lastText = state.text;
        changed();
      });
      if (store.get().samples.status === 'idle' || store.get().samples.status === 'failed') void loadSamples();
      if (store.get().kind !== 'decisions' && (store.get().result === null || store.get().result!.text !== deps.editor.get().text)) schedule();
    },
    close() {
      unsubscribe?.();
      unsubscribe = null;
      if (timer !== null) timers.clear(timer);
      timer = null;
      cancelRuns();
    },
    setKind(kind) {
      if (kind === store.get().kind) return;
      choice++;
      cancelRuns();
      const baseline = store.get().baseline.kind === 'logged' && kind !== 'decisions' ? ({ kind: 'active' } as const) : store.get().baseline;
      store.set({ kind, baseline, result: null, stale: false, blocked: null, error: null });
      if (kind !== 'decisions') schedule();
    },
    selectSamples(names) {
      choice++;
      store.set({ selected: names === null ? null : [...names] });
      changed();
    },
    toggleSample(name, on) {
      choice++;
      const all = store.get().samples.list.map((s) => s.name);
      const current = new Set(store.get().selected ?? all);
      if (on) current.add(name);
      else current.delete(name);
      const selected = all.filter((n) => current.has(n));
      store.set({ selected: selected.length === all.length ? null : selected });
      changed();
    },
    setOrdersText(text) {
      choice++;
      const parsed = parsePastedCases(text, deps.policy);
      orderCases = parsed.cases;
      store.set({ ordersText: text, ordersProblems: parsed.problems, ordersCount: parsed.cases.length });
      changed();
    },
    setDecisions(range) {
      choice++;
      store.set({ decisions: { ...store.get().decisions, ...range } });
      if (store.get().result) store.set({ stale: true });
    },
    setBaseline(baseline) {
      choice++;
      store.set({ baseline });
      if (store.get().kind === 'decisions') {
        if (store.get().result) store.set({ stale: true });
      } else {
        void run();
      }
    },
    run,
    stop: cancelRuns,

    async trace(change) {
      const c = change.case ?? (await decisionCase(change.id));
      const result = store.get().result;
      const cand = result && result.text === deps.editor.get().text ? { ok: true as const, policy: result.candidate } : candidate(deps.editor.get().text);
      if (!cand.ok) throw new Error(cand.message);
      const side = (policy: CompiledPolicy, v: number | null): SideTrace => {
        const r = evaluate(policy, c.input, c.at, { trace: true });
        return { version: v, outcome: r.ok ? { ok: true, decision: r.decision, trace: r.trace!, explanation: explain(policy, c.input, r.trace!, r.decision, { tenantLanguage: deps.tenantLanguage ?? null }) } : { ok: false, error: r.error } };
      };
      const before = change.baselineVersion === null ? null : side(await version(change.baselineVersion), change.baselineVersion);
      return { before, after: side(cand.policy, null), input: c.input, at: c.at };
    },

    async testDraft(change) {
      const c = change.case ?? (await decisionCase(change.id));
      const text = deps.editor.get().text;
      const cand = candidate(text);
      if (!cand.ok) throw new Error(cand.message);
      const r = evaluate(cand.policy, c.input, c.at);
      if (!r.ok) throw new Error(r.error.kind === 'input' ? `This document cannot decide the case: ${r.error.problems.map((p) => `${p.path || '(input)'} ${p.message}`).join('; ')}` : `This document fails on the case: ${r.error.message}`);
      const document = JSON.parse(text) as PolicyDoc;
      const main = new Set(mainFields(r.decision, change.changes));
      const sources = sourceChoices(document);
      const preferred = defaultSource(document, r.decision, change.changes);
      return {
        name: uniqueTestName(document, `${c.id}: ${describeOutcome(r.decision)}`),
        at: c.at,
        input: c.input as Record<string, unknown>,
        decision: r.decision,
        fields: Object.keys(r.decision).map((name) => ({ name, checked: main.has(name) })),
        sources,
        source: preferred ?? sources[0]?.value ?? '',
      };
    },

    addTest(draft, choice = {}) {
      const text = deps.editor.get().text;
      const document = JSON.parse(text) as PolicyDoc;
      const name = uniqueTestName(document, choice.name?.trim() || draft.name);
      const fields = choice.fields ?? draft.fields.filter((f) => f.checked).map((f) => f.name);
      const expect = Object.fromEntries(fields.filter((f) => f in draft.decision).map((f) => [f, draft.decision[f]]));
      const source = choice.source ?? draft.source;
      const test = { name, ...(source ? { source } : {}), at: draft.at, input: draft.input, expect };
      deps.editor.setText(appendTest(text, test));
      return name;
    },

    dispose() {
      sim.close();
      disposed = true;
    },
  };

  async function decisionCase(id: string): Promise<SimCase> {
    const d = await deps.api.getDecision(id);
    const order = (d.input as { order?: { currency?: unknown } }).order;
    return { id: d.id, at: d.at, input: d.input, origin: 'decision', currency: typeof order?.currency === 'string' ? order.currency : null };
  }

  return sim;
}

/** Decides every case with its baseline and the candidate: the engine's compareCase, one case per pull. */
function* compareEach(
  cases: SimCase[],
  versionFor: (c: SimCase) => { version: number | null; error?: EvaluationError },
  baselines: Map<number, CompiledPolicy>,
  candidate: CompiledPolicy,
): Generator<{ c: SimCase; version: number | null; result: CaseResult }> {
  for (const c of cases) {
    const { version: v, error } = versionFor(c);
    yield { c, version: v, result: v === null ? withoutBaseline(candidate, c, error) : compareCase(baselines.get(v)!, candidate, c) };
  }
}

/**
 * A case the baseline cannot decide (as the server answers it): no version covers its instant,
 * or `error` (the order has no valid placedAt under pinTo "order.placedAt"). Only the candidate decides.
 */
export function withoutBaseline(candidate: CompiledPolicy, c: SimulationCase, error?: EvaluationError): CaseResult {
  const before = { ok: false as const, error: error ?? { kind: 'runtime' as const, path: '', message: `no version of the policy is active at ${c.at}`, budgetExceeded: false } };
  const evaluated = evaluate(candidate, c.input, c.at);
  const after: CaseOutcome = evaluated.ok ? { ok: true, decision: evaluated.decision } : { ok: false, error: evaluated.error };
  const changes = diff({ error: before.error }, after.ok ? after.decision : { error: after.error }, '');
  return { id: c.id, at: c.at, changed: changes.length > 0, before, after, ruleBefore: error ? `error:${error.kind}` : 'error:no-active-version', ruleAfter: after.ok ? String(after.decision.rule) : `error:${after.error.kind}`, changes };
}

/**
 * The summary, as the engine's SummaryBuilder makes it over every case (exactly the server's
 * figures), plus the money moved per currency (one SummaryBuilder per currency, money fields
 * only), the changed and the failed cases, and which baseline version decided how many.
 */
class Accumulator {
  private readonly all = new SummaryBuilder();
  private readonly perCurrency = new Map<string, SummaryBuilder>();
  private readonly changes: ChangedView[] = [];
  private readonly errors: FailedView[] = [];
  private readonly use = new Map<number | null, number>();

  constructor(private readonly money: MoneyFields) {}

  add(index: number, c: SimCase, version: number | null, r: CaseResult): void {
    this.all.add(r);
    this.use.set(version, (this.use.get(version) ?? 0) + 1);
    const key = c.currency ?? '';
    let b = this.perCurrency.get(key);
    if (!b) this.perCurrency.set(key, (b = new SummaryBuilder()));
    b.add(r);
    if (r.changed) this.changes.push({ index, id: r.id, at: r.at, baselineVersion: version, before: r.before, after: r.after, ruleBefore: r.ruleBefore, ruleAfter: r.ruleAfter, changes: r.changes, currency: c.currency, case: c });
    if ((!r.before.ok || !r.after.ok) && this.errors.length < 1000) {
      this.errors.push({ index, id: r.id, at: r.at, ...(r.before.ok ? {} : { before: r.before.error }), ...(r.after.ok ? {} : { after: r.after.error }) });
    }
  }

  addChanged(v: ChangedView): void {
    this.changes.push(v);
  }

  addFailed(f: FailedView): void {
    this.errors.push(f);
  }

  /** With a summary from the server, the money is the server's (no currency is known there). */
  result(serverSummary?: SimulationSummary): Omit<SimulationResult, 'where' | 'kind' | 'baseline' | 'ms' | 'compileMs' | 'text' | 'candidate' | 'run'> {
    const summary = serverSummary ?? this.all.summary();
    const money: MoneyFigure[] = [];
    const sources: Array<[string | null, SimulationSummary]> = serverSummary ? [[null, serverSummary]] : [...this.perCurrency.entries()].map(([cur, b]) => [cur || null, b.summary()]);
    for (const field of this.money.order(Object.keys(summary.fields))) {
      for (const [currency, s] of sources) {
        const m = s.fields[field];
        if (m && m.changed > 0) money.push({ field, currency, ...m });
      }
    }
    const otherFields = Object.entries(summary.fields)
      .filter(([field]) => !this.money.has(field))
      .map(([field, m]) => ({ field, changed: m.changed }));
    const baselineUse = [...this.use.entries()].map(([version, cases]) => ({ version, cases })).sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
    return { summary, money, moneyFields: this.money.list, otherFields, changes: this.changes, errors: this.errors, baselineUse };
  }
}

function fromServerChange(c: ChangedCase): ChangedView {
  const side = (d: Record<string, unknown>): CaseOutcome => ('error' in d && !('rule' in d) ? { ok: false, error: d.error as EvaluationError } : { ok: true, decision: d });
  return { index: c.index, id: c.id, at: c.at, baselineVersion: c.baselineVersion, before: side(c.before), after: side(c.after), ruleBefore: c.ruleBefore, ruleAfter: c.ruleAfter, changes: c.changes as FieldChange[], currency: null, case: null };
}

function fromServerFailure(f: FailedCase): FailedView {
  return { index: f.index, id: f.id, at: f.at, ...(f.before ? { before: f.before as EvaluationError } : {}), ...(f.after ? { after: f.after as EvaluationError } : {}) };
}

/** The request's decisions range from two inclusive UTC dates. */
export function decisionsBody(range: DecisionRange): { decisions: { from: string; until: string; limit?: number } } | { problems: PathProblem[] } {
  const problems: PathProblem[] = [];
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (!date.test(range.from) || normalizeInstant(`${range.from}T00:00:00Z`) === null) problems.push({ path: 'from', message: 'Enter the first day (YYYY-MM-DD).' });
  if (!date.test(range.until) || normalizeInstant(`${range.until}T00:00:00Z`) === null) problems.push({ path: 'until', message: 'Enter the last day (YYYY-MM-DD).' });
  if (!problems.length && range.until < range.from) problems.push({ path: 'until', message: 'The last day is before the first.' });
  const limit = range.limit.trim() === '' ? undefined : Number(range.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) problems.push({ path: 'limit', message: 'A whole number of decisions, at least 1 (or empty for all).' });
  if (problems.length) return { problems };
  return { decisions: { from: `${range.from}T00:00:00Z`, until: `${addDays(range.until, 1)}T00:00:00Z`, ...(limit !== undefined ? { limit } : {}) } };
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A sample as a case of `policy`. */
export function sampleCase(sample: SampleView, policy: string): SimCase {
  const order = sample.order as unknown as Record<string, unknown>;
  return {
    id: sample.name,
    at: sample.at,
    input: { order, request: sample.requests[policy] },
    origin: 'sample',
    currency: typeof order.currency === 'string' ? order.currency : null,
    note: sample.description,
  };
}

/**
 * Pasted orders: a JSON array of cases `{id?, input: {order, request}, at}` (as the simulate
 * API takes them) or of samples `{name, at, order, requests: {<policy>: request}}` (as GET
 * /v1/samples/{name} gives them, or the files of policies/<tenant>/samples/); one object alone
 * is one case. Every problem names its JSON path in the pasted text: /2/at, /0/requests/returns.
 * Whether an input fits the policy's input schema is the engine's to say, per case (as on the server).
 */
export function parsePastedCases(text: string, policy: string): { cases: SimCase[]; problems: PathProblem[] } {
  if (!text.trim()) return { cases: [], problems: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { cases: [], problems: [{ path: '', message: `not valid JSON: ${(err as Error).message}` }] };
  }
  const many = Array.isArray(value);
  const items: unknown[] = many ? (value as unknown[]) : [value];
  if (many && items.length === 0) return { cases: [], problems: [{ path: '', message: 'the array is empty: paste at least one order' }] };
  const cases: SimCase[] = [];
  const problems: PathProblem[] = [];
  items.forEach((item, i) => {
    const p = many ? `/${i}` : '';
    const problem = (path: string, message: string) => problems.push({ path: `${p}${path}`, message });
    if (!isObject(item)) {
      problem('', 'must be an object: a case {"input": {"order", "request"}, "at"} or a sample {"name", "at", "order", "requests"}');
      return;
    }
    let input: Record<string, unknown> | null = null;
    let id: string | null = null;
    const sample = !('input' in item) && ('order' in item || 'requests' in item);
    if (!('input' in item) && !sample) {
      problem('', 'is neither a case {"input": {"order", "request"}, "at"} nor a sample {"name", "at", "order", "requests"}');
      return;
    }
    const at = checkAt(item.at, (m) => problem('/at', m));
    if ('input' in item) {
      for (const key of Object.keys(item)) if (!['id', 'input', 'at'].includes(key)) problem(`/${key}`, 'is not a field of a case (id, input, at)');
      if (item.id !== undefined && (typeof item.id !== 'string' || !item.id)) problem('/id', 'must be a non-empty string');
      if (!isObject(item.input)) problem('/input', 'must be an object {"order": {...}, "request": {...}}');
      else {
        if (!isObject(item.input.order)) problem('/input/order', item.input.order === undefined ? 'is missing: the order, as for decide' : 'must be an object');
        if (!isObject(item.input.request)) problem('/input/request', item.input.request === undefined ? `is missing: what ${policy} decides on, as for decide` : 'must be an object');
        input = item.input;
      }
      id = typeof item.id === 'string' && item.id ? item.id : null;
    } else {
      if (!isObject(item.order)) problem('/order', item.order === undefined ? 'is missing: the sample\'s order' : 'must be an object');
      if (!isObject(item.requests)) problem('/requests', item.requests === undefined ? `is missing: the sample's requests, {"${policy}": {...}}` : 'must be an object');
      else if (!isObject(item.requests[policy])) problem(`/requests/${escapePointer(policy)}`, item.requests[policy] === undefined ? `is missing: this sample has no request for ${policy}` : 'must be an object');
      if (isObject(item.order) && isObject(item.requests) && isObject(item.requests[policy])) input = { order: item.order, request: item.requests[policy] };
      id = typeof item.name === 'string' && item.name ? item.name : null;
    }
    if (!input || at === null) return;
    const order = input.order as Record<string, unknown> | undefined;
    const orderId = typeof order?.id === 'string' ? order.id : null;
    cases.push({ id: id ?? orderId ?? `#${i + 1}`, at, input, origin: 'order', currency: typeof order?.currency === 'string' ? order.currency : null });
  });
  return problems.length ? { cases: [], problems } : { cases, problems };
}

function checkAt(at: unknown, problem: (message: string) => void): string | null {
  if (at === undefined) {
    problem('is missing: the instant the case is decided at, ISO-8601 with a time zone (e.g. "2024-01-20T15:00:00Z")');
    return null;
  }
  const instant = typeof at === 'string' ? normalizeInstant(at) : null;
  if (instant === null) problem(`must be an ISO-8601 date-time with a time zone (e.g. "2024-01-20T15:00:00Z"), got ${JSON.stringify(at)}`);
  return instant === null ? null : (at as string);
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The document as far as decisions go: everything but its tests (and their fixtures' use). */
function decisionKey(document: unknown): string {
  if (!isObject(document)) return JSON.stringify(document);
  const { tests: _tests, ...rest } = document;
  return JSON.stringify(rest);
}

interface MoneyFields {
  list: string[];
  has(field: string): boolean;
  /** The given fields that are money, in the decision schema's order. */
  order(fields: string[]): string[];
}

/**
 * Which decision fields are money, from the policy's decision schema: a property whose schema
 * refers to a definition named like money (`#/$defs/money`, `moneyOrNull`), or a number named
 * like an amount, fee, charge, cost, price or payment. Fields are written as the summary
 * writes them: /refundAmount, /items/[]/refundAmount.
 */
export function moneyFieldsOf(document: unknown, schemaFiles: Record<string, object>): MoneyFields {
  const found: string[] = [];
  const output = isObject(document) ? document.output : undefined;
  let root: unknown = output;
  if (isObject(output) && typeof output.$ref === 'string') root = schemaFiles[output.$ref.replace(/^(\.\.\/)*(schemas\/)?/, '')];
  const defs = isObject(root) && isObject(root.$defs) ? root.$defs : {};
  const resolve = (node: unknown): { node: unknown; refName: string | null } => {
    if (isObject(node) && typeof node.$ref === 'string') {
      const m = /^#\/\$defs\/(.+)$/.exec(node.$ref);
      if (m) return { node: defs[m[1]!], refName: m[1]! };
    }
    return { node, refName: null };
  };
  const isNumber = (node: unknown): boolean => {
    if (!isObject(node)) return false;
    const t = node.type;
    if (t === 'number' || t === 'integer' || (Array.isArray(t) && (t.includes('number') || t.includes('integer')))) return true;
    const alts = [...(Array.isArray(node.anyOf) ? node.anyOf : []), ...(Array.isArray(node.oneOf) ? node.oneOf : [])];
    return alts.some((a) => isNumber(resolve(a).node));
  };
  const walk = (node: unknown, path: string, depth: number): void => {
    if (depth > 8) return;
    const { node: n } = resolve(node);
    if (!isObject(n)) return;
    if (isObject(n.properties)) {
      for (const [name, prop] of Object.entries(n.properties)) {
        const { node: p, refName } = resolve(prop);
        const field = `${path}/${escapePointer(name)}`;
        if ((refName && /money/i.test(refName)) || (isNumber(p) && /(amount|fee|fees|charge|cost|price|payment)$/i.test(name))) found.push(field);
        else walk(p, field, depth + 1);
      }
    }
    if (n.items) walk(n.items, `${path}/[]`, depth + 1);
    for (const alt of [...(Array.isArray(n.anyOf) ? n.anyOf : []), ...(Array.isArray(n.oneOf) ? n.oneOf : [])]) walk(alt, path, depth + 1);
  };
  walk(root, '', 0);
  // Top-level fields first (the decision's totals), then the per-item ones; each in schema order.
  const depth = (f: string) => f.split('/').length;
  const rank = new Map([...found].sort((a, b) => depth(a) - depth(b) || found.indexOf(a) - found.indexOf(b)).map((f, i) => [f, i]));
  return {
    list: [...rank.keys()],
    has: (field) => rank.has(field),
    order: (fields) => fields.filter((f) => rank.has(f)).sort((a, b) => rank.get(a)! - rank.get(b)!),
  };
}

/** The fields a test from this case expects by default: the main outcome, the rule, manualReview, and whatever changed. */
export function mainFields(decision: Decision, changes: FieldChange[]): string[] {
  const keys = Object.keys(decision);
  const wanted = new Set(['rule', 'manualReview']);
  if (keys[0]) wanted.add(keys[0]);
  for (const c of changes) {
    const top = pointerSegments(c.path)[0];
    if (top !== undefined && top !== 'error') wanted.add(top);
  }
  return keys.filter((k) => wanted.has(k));
}

/** "eligible · refund-minus-return-fee": the main outcome and the rule, for a test's name. */
function describeOutcome(decision: Decision): string {
  const [first] = Object.keys(decision);
  const main = first && first !== 'rule' ? `${first} ${JSON.stringify(decision[first])}` : '';
  return [main, `rule ${String(decision.rule)}`].filter(Boolean).join(', ');
}

export function uniqueTestName(document: PolicyDoc, wanted: string): string {
  const taken = new Set((document.tests ?? []).map((t) => t.name));
  if (!taken.has(wanted)) return wanted;
  for (let i = 2; ; i++) if (!taken.has(`${wanted} (${i})`)) return `${wanted} (${i})`;
}

/** Every source sentence of the document's rules and params (each once), to quote in a test. */
export function sourceChoices(document: PolicyDoc): SourceChoice[] {
  const out: SourceChoice[] = [];
  const seen = new Set<string>();
  const add = (value: unknown, label: string) => {
    if (typeof value !== 'string' || !value.trim() || seen.has(value)) return;
    seen.add(value);
    out.push({ value, label });
  };
  const doc = document as unknown as {
    rules?: Array<{ id?: string; source?: string }>;
    otherwise?: { id?: string; source?: string };
    each?: { rules?: Array<{ id?: string; source?: string }>; otherwise?: { id?: string; source?: string } };
    params?: Record<string, { source?: string }>;
  };
  for (const r of doc.rules ?? []) add(r.source, `rule ${r.id ?? ''}`);
  if (doc.otherwise) add(doc.otherwise.source, `rule ${doc.otherwise.id ?? 'otherwise'}`);
  for (const r of doc.each?.rules ?? []) add(r.source, `item rule ${r.id ?? ''}`);
  if (doc.each?.otherwise) add(doc.each.otherwise.source, `item rule ${doc.each.otherwise.id ?? 'otherwise'}`);
  for (const [name, p] of Object.entries(doc.params ?? {})) add(p?.source, `param ${name}`);
  return out;
}

/**
 * The source a test from this case quotes by default: the matched rule's. Which rule: the one
 * that now decides the first changed rule (an item's rule when an item's decision changed),
 * else the rule that decided the first changed field.
 */
export function defaultSource(document: PolicyDoc, decision: Decision, changes: FieldChange[]): string | null {
  const doc = document as unknown as {
    rules?: Array<{ id?: string; source?: string }>;
    otherwise?: { id?: string; source?: string };
    each?: { rules?: Array<{ id?: string; source?: string }>; otherwise?: { id?: string; source?: string } };
  };
  const find = (id: string, each: boolean): string | null => {
    const phase = each ? doc.each : doc;
    const list = [...(phase?.rules ?? []), ...(phase?.otherwise ? [{ ...phase.otherwise, id: phase.otherwise.id ?? 'otherwise' }] : [])];
    const hit = list.find((r) => r.id === id);
    return typeof hit?.source === 'string' && hit.source.trim() ? hit.source : null;
  };
  const ruleAt = (path: string): { id: string; each: boolean } | null => {
    let node: unknown = decision;
    let found: { id: string; each: boolean } | null = typeof decision.rule === 'string' ? { id: decision.rule, each: false } : null;
    for (const seg of pointerSegments(path)) {
      if (!node || typeof node !== 'object') break;
      node = (node as Record<string, unknown>)[seg];
      if (isObject(node) && typeof node.rule === 'string') found = { id: node.rule, each: true };
    }
    return found;
  };
  const ruleChange = changes.find((c) => /\/rule$/.test(c.path) && c.path !== '/rule') ?? changes.find((c) => c.path === '/rule');
  const target = ruleChange ? ruleAt(ruleChange.path.replace(/\/rule$/, '') || '/') : changes[0] ? ruleAt(changes[0].path) : ruleAt('');
  if (target) {
    const hit = find(target.id, target.each) ?? find(target.id, !target.each);
    if (hit) return hit;
  }
  return typeof decision.rule === 'string' ? find(decision.rule, false) : null;
}

/**
 * The text with one test appended to `tests` (made when missing), written like the rest of the
 * document (short values on one line), everything else left as it was.
 */
export function appendTest(text: string, test: Record<string, unknown>): string {
  const placeholder = '__simulation_test_placeholder__';
  const options = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };
  const hasTests = (() => {
    try {
      return Array.isArray((JSON.parse(text) as { tests?: unknown }).tests);
    } catch {
      return false;
    }
  })();
  const edits = hasTests ? modify(text, ['tests', -1], placeholder, { ...options, isArrayInsertion: true }) : modify(text, ['tests'], [placeholder], options);
  const withPlaceholder = applyEdits(text, edits);
  const at = withPlaceholder.indexOf(`"${placeholder}"`);
  const lineStart = withPlaceholder.lastIndexOf('\n', at) + 1;
  const indent = /^\s*/.exec(withPlaceholder.slice(lineStart, at))![0];
  const formatted = formatJson(test, 96 - indent.length).trimEnd().split('\n').join(`\n${indent}`);
  return withPlaceholder.slice(0, at) + formatted + withPlaceholder.slice(at + placeholder.length + 2);
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function message(err: unknown): string {
  return err instanceof ApiError ? err.message : ((err as Error)?.message ?? String(err));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
