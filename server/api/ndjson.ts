/**
 * Streamed answers as NDJSON (`Accept: application/x-ndjson`), for the two simulation routes:
 * one JSON line per value a run yields, pulled as the socket drains, so a slow reader slows the
 * run instead of piling lines up in memory.
 *
 * The lines ready within one turn of the event loop go out as one chunk (up to CHUNK_CHARS):
 * one socket write per line was a fifth of a 100,000-order run. A chunk is sent as soon as the
 * run waits (its yield to the event loop every few ms, or I/O), so a line still leaves about
 * when it is computed. A reader that goes away stops the run (`stop`).
 */
import type { Context } from 'hono';

export const NDJSON = 'application/x-ndjson';
/** Most characters of NDJSON lines written to the socket at once. */
const CHUNK_CHARS = 64 * 1024;
const TURN = Symbol('turn');

/** Whether the client asked for the stream. */
export function wantsNdjson(c: Context): boolean {
  return (c.req.header('Accept') ?? '').toLowerCase().includes(NDJSON);
}

/** A 200 whose body is the lines of `lines`, ended when it ends; `stop` is aborted if the reader goes away. */
export function ndjsonResponse(c: Context, lines: AsyncGenerator<unknown, unknown, undefined>, stop: AbortController): Response {
  const encoder = new TextEncoder();
  let pending = lines.next();
  const advance = () => {
    pending = lines.next();
    pending.catch(() => undefined); // awaited by the next pull; not unhandled meanwhile
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = '';
      const turn = new Promise<typeof TURN>((resolve) => setImmediate(resolve, TURN));
      for (;;) {
        const next = chunk ? await Promise.race([pending, turn]) : await pending;
        if (next === TURN) break;
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += `${JSON.stringify(next.value)}\n`;
        advance();
        if (chunk.length >= CHUNK_CHARS) break;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      stop.abort();
      await lines.return(undefined);
    },
  });
  return c.body(body, 200, { 'Content-Type': NDJSON, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
}
