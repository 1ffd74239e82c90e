/**
 * Requests that never reach the app: Node's HTTP parser refuses them (a path or header with
 * bytes HTTP does not allow, headers over the 16 KB limit, a malformed request line or chunk,
 * headers not received in time) and by default answers a bare `400 Bad Request` with no body.
 * Here they get the same application/problem+json as every other error, then the connection is
 * closed (the parser cannot find the next request on it).
 *
 * @example
 *   const server = serve({ fetch: app.fetch, port });
 *   answerClientErrors(server);
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_STATUS, PROBLEM_CONTENT_TYPE, ServiceError, toProblem } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

function problemFor(err: NodeJS.ErrnoException): ServiceError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ServiceError('header_too_large', 'the request headers are larger than the server accepts (16 KB)');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ServiceError('request_timeout', 'the request was not received in time');
    default:
      return new ServiceError('bad_request', `the request is not valid HTTP (${err.code ?? 'parse error'}): e.g. a path or header with characters HTTP does not allow`);
  }
}

/** The raw HTTP/1.1 answer to a request the parser refused (no body to a HEAD request: the client would read it as the next answer). */
export function clientErrorResponse(err: NodeJS.ErrnoException & { rawPacket?: Buffer }): string {
  const error = problemFor(err);
  const status = ERROR_STATUS[error.code as ErrorCode];
  const body = JSON.stringify(toProblem(error));
  const head = err.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
  return `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${head ? '' : body}`;
}

/** Answers parser-refused requests with a problem (what Node's default handler does, with a body). */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // The client is gone, or an answer has already started on this socket: write nothing.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(err));
  });
}
