/**
 * One sandbox worker thread (started by pool.ts through worker-entry.mjs): it loads the schema
 * registry and the engine, says it is ready, then runs one task at a time and answers
 * `{id, ok, value}` or `{id, ok: false, error}`. Whatever a task throws is its answer; what it
 * cannot survive (a heap past resourceLimits, a loop past the timeout) ends this thread only,
 * and the pool starts another.
 */
import { parentPort } from 'node:worker_threads';
import { schemaRegistry } from '../catalog/schema-files.ts';
import { CompiledDocuments, runTask } from './tasks.ts';
import type { SandboxTask } from './tasks.ts';

const port = parentPort!;
const registry = schemaRegistry();
const documents = new CompiledDocuments(registry);

port.on('message', (message: { id: number; task: SandboxTask }) => {
  try {
    port.postMessage({ id: message.id, ok: true, value: runTask(message.task, documents, registry) });
  } catch (err) {
    port.postMessage({ id: message.id, ok: false, error: { name: (err as Error)?.name ?? 'Error', message: (err as Error)?.message ?? String(err) } });
  }
});
port.postMessage({ ready: true });
