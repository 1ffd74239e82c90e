// The worker side of server/store/batch-writer.ts: one connection of its own to the database
// file, with the settings it is handed (filePragmas of client.ts), running each batch of
// statements it is sent as one write transaction, in the order sent, and answering {id, ok}
// once it has committed (or {id, ok: false, error}). Plain JavaScript so that it runs in any
// worker whatever loader the main thread has (tsx, vitest); the SQL and the settings all come
// from the TypeScript side.
import { parentPort, workerData } from 'node:worker_threads';
import { createClient } from '@libsql/client';

const { url, pragmas, timeout, repeat } = workerData;
const db = createClient({ url, concurrency: 1, timeout });

/** Why the connection could not be set up, if it could not: every batch then fails with it. */
let failure = null;
let chain = (async () => {
  for (const sql of pragmas) await db.execute(sql);
})().catch((err) => {
  failure = err;
});

const describe = (err) => ({ name: err?.name, message: String(err?.message ?? err), code: err?.code, rawCode: err?.rawCode });

async function run(message) {
  if (failure) return parentPort.postMessage({ id: message.id, ok: false, error: describe(failure) });
  try {
    await db.batch(message.statements, 'write');
    parentPort.postMessage({ id: message.id, ok: true });
  } catch (err) {
    parentPort.postMessage({ id: message.id, ok: false, error: describe(err) });
  }
}

// A statement run on a timer instead of batches sent (the checkpointer); its errors are left
// to the next round (a checkpoint that could not run now runs later).
const timer = repeat ? setInterval(() => (chain = chain.then(() => db.execute(repeat.sql).then(() => {}, () => {}))), repeat.everyMs) : null;

parentPort.on('message', (message) => {
  if (message.close) {
    if (timer) clearInterval(timer);
    chain = chain.then(() => {
      db.close();
      parentPort.close();
    });
    return;
  }
  chain = chain.then(() => run(message));
});
