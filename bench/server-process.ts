/**
 * Server processes for the HTTP benchmarks: a script started exactly as `npm start` starts the
 * service (`node --import tsx <script>`), on 127.0.0.1 at a free port, its stdout and stderr
 * going to a log file (as under a process manager: the log lines are really written, and the
 * load generator does not have to read them). Ready when GET /healthz answers 200.
 *
 * The service (server/main.ts) and the echo baseline (bench/echo-server.ts) are started by
 * the same function, so they get the same runtime, loader and flags.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../', import.meta.url));

export interface BenchProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** Resident set size of the process now, in MiB (from /proc; NaN where there is none). */
  rssMiB(): number;
  /** SIGTERM, then waits for the exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

/** A port no one listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export interface StartOptions {
  /** Script path relative to the repository root, e.g. "server/main.ts". */
  script: string;
  env?: Record<string, string>;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Folder of the log file. */
  dir: string;
  name: string;
  readyTimeoutMs?: number;
  /** Another checkout to run the script from (A/B comparisons); default this one. */
  cwd?: string;
}

/**
 * The Node flags of package.json's start script (`tsx --max-semi-space-size=64 server/main.ts`
 * gives ["--max-semi-space-size=64"]): every process a benchmark starts, the service and its
 * echo baseline alike, runs with the flags `npm start` gives the service.
 */
export function startFlags(dir = root): string[] {
  const start = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  return start.match(/(?<=\s)--[\w-]+(?:=\S+)?/g) ?? [];
}

export async function startProcess(options: StartOptions): Promise<BenchProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(options.dir, `${options.name}.log`);
  const fd = openSync(logFile, 'a');
  // TypeScript through tsx, as `npm start` runs it; a prebuilt JavaScript file with node alone.
  const loader = /\.m?ts$/.test(options.script) ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...startFlags(options.cwd ?? root), ...(options.nodeArgs ?? []), ...loader, options.script], {
    cwd: options.cwd ?? root,
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', ...options.env, PORT: String(port) },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (dead) throw new Error(`${options.script} exited before it was ready; see ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.script} not ready after ${options.readyTimeoutMs ?? 60_000} ms; see ${logFile}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    pid: child.pid!,
    child,
    logFile,
    rssMiB: () => rssMiB(child.pid!),
    async stop() {
      if (dead) return;
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(kill);
    },
  };
}
