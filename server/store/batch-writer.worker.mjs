// The worker side of server/store/batch-writer.ts: one connection of its own to the database
// file, with the settings it is handed (filePragmas of client.ts), running each batch of
// statements it is sent as one write transaction, in the order sent, and answering {id, ok}
// once it has committed (or {id, ok: false, error}). Plain JavaScript so that it runs in any
// worker whatever loader the main thread has (tsx, vitest); the SQL and the settings all come
// from the TypeScript side.
//
// It talks to the embedded libSQL driver (`libsql`, the one @libsql/client runs for file:
// URLs) directly, keeping each statement prepared: @libsql/client prepares every statement of
// every batch again and probes it for rows by catching an exception. Measured: 25-row groups
// of Solum decisions written in a loop, ~52 → ~33 µs of CPU a row; under decide load
// (bench/profile-decide.ts, interleaved with the code before) this thread 34-40 → 28-31 µs a
// decision, the mean commit 4.0-4.3 → 3.5-3.6 ms.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'libsql';

const { path, pragmas, timeout, repeat } = workerData;

/** Prepared statements by SQL text. The decision log sends a few shapes (rows per INSERT). */
const prepared = new Map();
const PREPARED_MAX = 256;

/** Why the connection could not be set up, if it could not: every batch then fails with it. */
let failure = null;
let db = null;
try {
  db = new Database(path, { timeout });
  for (const sql of pragmas) db.exec(sql);
} catch (err) {
  failure = err;
}

const describe = (err) => ({ name: err?.name, message: String(err?.message ?? err), code: err?.code, rawCode: err?.rawCode });

function statement(sql) {
  let stmt = prepared.get(sql);
  if (!stmt) {
    if (prepared.size >= PREPARED_MAX) prepared.clear();
    stmt = db.prepare(sql);
    prepared.set(sql, stmt);
  }
  return stmt;
}

// As @libsql/client passes values: booleans as 1/0, and nothing it would refuse.
function bindable(value) {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
  if (value === undefined) throw new TypeError('undefined cannot be passed as an argument');
  return value;
}

function run(message) {
  if (failure) return parentPort.postMessage({ id: message.id, ok: false, error: describe(failure) });
  try {
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const s of message.statements) {
        const sql = typeof s === 'string' ? s : s.sql;
        const args = typeof s === 'string' ? [] : (s.args ?? []);
        statement(sql).run(args.map(bindable));
      }
      db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    }
    parentPort.postMessage({ id: message.id, ok: true });
  } catch (err) {
    parentPort.postMessage({ id: message.id, ok: false, error: describe(err) });
  }
}

// A statement run on a timer instead of batches sent (the checkpointer); its errors are left
// to the next round (a checkpoint that could not run now runs later).
const timer = repeat && !failure
  ? setInterval(() => {
      try {
        db.exec(repeat.sql);
      } catch {
        // busy or locked: the next round tries again
      }
    }, repeat.everyMs)
  : null;

// Messages are handled one at a time (each run is synchronous), so batches commit in the order sent.
parentPort.on('message', (message) => {
  if (message.close) {
    if (timer) clearInterval(timer);
    try {
      db?.close();
    } finally {
      parentPort.close();
    }
    return;
  }
  run(message);
});
