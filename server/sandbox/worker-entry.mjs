// The sandbox worker's entry (see pool.ts): the worker starts with no flags of the main thread,
// so it registers the TypeScript loader itself, then runs worker.ts (the engine, unchanged).
import { register } from 'tsx/esm/api';

register();
await import(new URL('./worker.ts', import.meta.url).href);
