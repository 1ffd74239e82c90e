/**
 * Every error the service reports, in one place: a closed list of codes, each with its HTTP
 * status and title, one error class the services throw, and the one rendering to an RFC 9457
 * problem (`application/problem+json`) that the API, the batch answers and the CLI share.
 *
 * A 5xx problem says nothing but that it failed and the request id: the cause goes to the log,
 * never to the client (it could name a table, a file or another tenant's data).
 *
 * @example
 *   throw new ServiceError('not_found', 'policy "points" not found');
 *   throw new ServiceError('invalid_input', 'the input does not match the policy', [{ path: '/input/order', message: 'is required' }]);
 */

/** code → HTTP status. Adding a code is a deliberate change of the public contract. */
export const ERROR_STATUS = {
  malformed_json: 400,
  invalid_body: 400,
  invalid_input: 400,
  invalid_query: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  no_active_version: 422,
  evaluation_failed: 422,
  precondition_required: 428,
  too_many_requests: 429,
  header_too_large: 431,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

const TITLES: { [C in ErrorCode]: string } = {
  malformed_json: 'Malformed JSON',
  invalid_body: 'Invalid request body',
  invalid_input: 'Invalid decision input',
  invalid_query: 'Invalid query parameter',
  bad_request: 'Bad request',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict',
  precondition_failed: 'Precondition failed',
  request_timeout: 'Request timeout',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  unprocessable: 'Unprocessable request',
  no_active_version: 'No active version',
  evaluation_failed: 'Evaluation failed',
  precondition_required: 'Precondition required',
  too_many_requests: 'Too many requests',
  header_too_large: 'Request header fields too large',
  internal: 'Internal server error',
  unavailable: 'Service unavailable',
};

/** One problem of a request, located by a JSON Pointer into the request body. */
export interface ProblemItem {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors: ProblemItem[];
  /** Extension members (RFC 9457 §3.2), e.g. the decision id of a failed evaluation. */
  [extension: string]: unknown;
}

export class ServiceError extends Error {
  override name = 'ServiceError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors: ProblemItem[] = [],
    /** Extra members of the problem body and response headers (e.g. Retry-After). */
    readonly extra: { members?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.status = ERROR_STATUS[code];
  }
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The problem type URI of a code; relative, so it resolves against the service's own origin. */
export function problemType(code: ErrorCode): string {
  return `/problems/${code.replace(/_/g, '-')}`;
}

/**
 * The problem body for any thrown value. Anything that is not a ServiceError is an internal
 * error and renders without a word about its cause.
 */
export function toProblem(err: unknown, requestId?: string): Problem {
  const instance = requestId ? `urn:request:${requestId}` : undefined;
  if (!(err instanceof ServiceError) || err.status >= 500) {
    const code: ErrorCode = err instanceof ServiceError ? err.code : 'internal';
    return {
      type: problemType(code),
      title: TITLES[code],
      status: ERROR_STATUS[code],
      detail: requestId ? `The request failed; quote request id ${requestId} when reporting it.` : 'The request failed.',
      ...(instance ? { instance } : {}),
      errors: [],
    };
  }
  // A body of 100,000 wrong items has 100,000 problems: list the first ones, not a problem
  // body many times the size of the request.
  const listed = err.errors.length > MAX_LISTED_ERRORS ? err.errors.slice(0, MAX_LISTED_ERRORS) : err.errors;
  return {
    type: problemType(err.code),
    title: TITLES[err.code],
    status: err.status,
    detail: listed === err.errors ? err.detail : `${err.detail} (${err.errors.length} problems, the first ${MAX_LISTED_ERRORS} listed)`,
    ...(instance ? { instance } : {}),
    errors: listed,
    ...err.extra.members,
  };
}

/** Most `errors` items one problem lists. */
export const MAX_LISTED_ERRORS = 100;

/** Prefixes every problem path, e.g. engine paths "/order/id" → "/input/order/id". */
export function prefixPaths(prefix: string, problems: readonly ProblemItem[]): ProblemItem[] {
  return problems.map((p) => ({ path: `${prefix}${p.path}`, message: p.message }));
}
