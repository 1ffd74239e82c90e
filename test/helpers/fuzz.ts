/**
 * Hostile HTTP requests for the API fuzz (test/api/fuzz.test.ts) and the soak (bench/soak.ts),
 * generated with fast-check from the OpenAPI document the server serves: every operation of
 * /openapi.json, started from a request that passes (route-matrix.ts's minimal body, or a real
 * decide, draft or simulation body) and mutated. A mutation is plain data (`FuzzMutation`), so
 * a failing request prints as what was done to it and replays from the seed and its index.
 *
 * What is mutated: body fields found by walking the operation's request schema (wrong types,
 * missing, extra, huge strings and numbers, `__proto__` keys, bad `at` instants), the body's
 * bytes (bad JSON, invalid UTF-8, deep nesting, oversized, chunked), the content type, the key
 * (none, malformed, revoked, another tenant's, 10 KB), path parameters (encoded slashes, `..`,
 * unicode, invalid escapes, 10 KB ids), the query string and the method.
 *
 * The requests are put together from the mutations in fuzz-build.ts.
 *
 * @example
 *   const arb = fuzzRequest(target);
 *   for (const req of fc.sample(arb, { seed: 42, numRuns: 100 })) await send(url, req);
 */
import fc from 'fast-check';
import { build } from './fuzz-build.ts';

/** One request as sent on the wire: the path is sent byte for byte (latin1), the body as given. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send the body with Transfer-Encoding: chunked (no Content-Length). */
  chunked?: boolean;
  /** The OpenAPI operation it was made from: "POST /v1/policies/{policy}/decide". */
  operation: string;
  /** What was done to the request, for the failure message. */
  note: string;
}

/** An operation of the OpenAPI document, with what the fuzz knows of it. */
export interface FuzzOperation {
  method: string;
  /** OpenAPI path: /v1/policies/{policy}/decide. */
  path: string;
  /** Path parameter → the collection its values come from (policies, versions, keys, ...). */
  params: Array<[name: string, collection: string]>;
  query: Array<{ name: string; schema: any }>;
  /**
   * Header sets the route may be sent with (If-Match and the like): one that gets past "send
   * it" to the lookup, and ones that can succeed (If-Match: *, If-None-Match: *).
   */
  headers: Array<Record<string, string>>;
  /** Bodies that pass the schema (none: the route takes no body). */
  bodies: unknown[];
  /** JSON Pointers into the body the request schema names, with the JSON types it allows. */
  fields: Array<{ pointer: string; types: string[] }>;
  /** The permission it needs (null: public). */
  permission: string | null;
}

export interface FuzzTarget {
  operations: FuzzOperation[];
  /** Path values by collection: real ids of both tenants. */
  ids: Record<string, string[]>;
  /** Valid keys by label ("solum/decider"), and their permissions. */
  keys: Array<{ label: string; key: string; permissions: string[] }>;
  /** A key that was valid and is revoked. */
  revokedKey: string;
  bodyLimitBytes: number;
}

// ---------------------------------------------------------------------------------------------
// Hostile values

const HUGE = [1_000, 100_000, 1_048_576];
/** Text that is valid JSON-string content but hostile: NUL, lone surrogates, RTL marks, emoji, paths, SQL, markup. */
const NASTY_STRINGS = [
  '', ' ', '0', '-0', 'NaN', 'Infinity', '-Infinity', '1e308', 'null', 'true', 'undefined', '__proto__', 'constructor', 'prototype',
  '\u0000', 'a\u0000b', '\ud800', '\udfff', '\ufeff', '\u202e', '\uffff', '😀', 'ä', 'İ', '../../../etc/passwd', '..', '%00', '%2F',
  "' OR 1=1 --", '"; DROP TABLE decisions; --', '<script>alert(1)</script>', '${7*7}', '{{7*7}}', '\r\n', 'a'.repeat(300),
];
const NASTY_NUMBERS = [0, -0, 1, -1, 1.5, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 2 ** 64, 1e21, 123456789.123456789];
/** Instants a date-time field may be sent: impossible days and hours, years out of range, odd offsets and forms. */
export const BAD_INSTANTS = [
  '2023-02-30T00:00:00Z', '2023-02-29T10:00:00Z', '2024-02-30T10:00:00Z', '2024-04-31T00:00:00Z', '2024-01-01T24:00:00Z',
  '2024-01-01T24:00:01Z', '2024-01-01T23:60:00Z', '2024-01-01T23:59:60Z', '2024-13-01T00:00:00Z', '2024-00-10T00:00:00Z',
  '0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '99999-01-01T00:00:00Z', '+099999-01-01T00:00:00Z', '-000001-01-01T00:00:00Z',
  '275760-09-13T00:00:00.001Z', '9999-12-31T23:59:59.999Z', '1970-01-01T00:00:00Z', '1969-12-31T23:59:59Z',
  '2024-01-01T00:00:00+25:00', '2024-01-01T00:00:00+14:01', '2024-01-01T00:00:00-00:00', '2024-01-01T00:00:00+0000',
  '2024-01-01T00:00:00+24:00', '2024-01-01T00:00:00-99:99', '2024-01-01t00:00:00z', '2024-01-01T00:00:00', '2024-01-01',
  '2024-01-01 00:00:00Z', '2024-01-01T00:00:00.1234567891Z', '2024-01-01T00:00:00.Z', '2024-1-1T0:0:0Z', 'T00:00:00Z',
  '２０２４-01-01T00:00:00Z', '2024-01-01T00:00:00Z\u0000', ' 2024-01-01T00:00:00Z', 'now', 'yesterday', '', '1700000000',
];

/**
 * Text from UTF-16 code units (lone surrogates included, which JSON can carry as escapes), and
 * text safe to percent-encode (no lone surrogates). Built from integers: fc.string's bias
 * machinery costs about as much as sending the request.
 */
const anyText = (maxLength: number) => fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength }).map((units) => String.fromCharCode(...units));
const urlText = (maxLength: number) =>
  fc.array(fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) }, { weight: 1, arbitrary: fc.integer({ min: 0xa0, max: 0xd7ff }) }), { maxLength }).map((points) => String.fromCodePoint(...points));
/** Any JSON value, a few levels deep. */
const jsonish = (maxDepth: number) =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { maxDepth, depthIdentifier: 'jsonish' },
      fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), anyText(12)),
      fc.array(tie('value'), { maxLength: 4, depthIdentifier: 'jsonish' }),
      fc.dictionary(urlText(8), tie('value'), { maxKeys: 4, depthIdentifier: 'jsonish' }),
    ),
  })).value;

/** Sizes of huge values, the largest rarest (each is sent, and most are read and parsed). */
const hugeSize = (sizes: number[]) => fc.oneof(...sizes.map((n, i) => ({ weight: 2 ** (sizes.length - 1 - i), arbitrary: fc.constant(n) })));
/** A string of about n bytes once serialised: n ASCII letters, n/2 é, n/4 emoji or n/6 escaped NULs. */
const hugeString = fc.tuple(hugeSize(HUGE), fc.constantFrom(['x', 1], ['é', 2], ['😀', 4], ['\\u0000', 6]) as fc.Arbitrary<[string, number]>).map(([n, [c, width]]) => ({ $repeat: c, n: Math.ceil(n / width) }));

/** A hostile JSON value: anything but what the schema asks for, or just outside what it allows. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [[[]]], [null], { '': null }, ...NASTY_NUMBERS) },
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom(...BAD_INSTANTS) },
  { weight: 2, arbitrary: anyText(40) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })) },
  { weight: 2, arbitrary: jsonish(3) },
  { weight: 1, arbitrary: fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}')) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: hugeSize([1_000, 10_000, 100_000]).map((n) => ({ $array: n })) },
  { weight: 1, arbitrary: hugeSize([100, 1_000, 10_000, 100_000]).map((n) => ({ $nest: n })) },
);

// ---------------------------------------------------------------------------------------------
// Mutations, as data

export type FuzzMutation =
  | { kind: 'set'; pointer: string; value: unknown }
  | { kind: 'delete'; pointer: string }
  | { kind: 'extra'; pointer: string; name: string; value: unknown }
  | { kind: 'replace-body'; value: unknown }
  | { kind: 'raw-body'; how: RawBody }
  | { kind: 'content-type'; value: string | null }
  | { kind: 'auth'; how: AuthMutation }
  | { kind: 'param'; index: number; value: string }
  | { kind: 'query'; text: string }
  | { kind: 'method'; method: string }
  | { kind: 'path'; how: PathMutation }
  | { kind: 'header'; name: string; value: string }
  | { kind: 'chunked' };

export type RawBody =
  | { cut: number } | { append: string } | { bytes: number[]; at: number } | { text: string } | { nest: number; open: string }
  | { oversize: number } | { bom: true } | { duplicate: true } | { empty: true } | { number: string };
export type AuthMutation = 'none' | 'bearer-only' | 'basic' | 'lowercase' | 'trailing-word' | 'wrong-secret' | 'bad-prefix' | 'revoked' | 'huge' | 'latin1' | 'other-role' | 'no-space';
export type PathMutation = 'trailing-slash' | 'double-slash' | 'upper' | 'dot-segment' | 'dotdot-segment' | 'semicolon' | 'encoded-slash' | 'hash' | { to: string };

const INVALID_UTF8 = [[0xff], [0xc0, 0xaf], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xfe, 0xff]];
const BAD_JSON = ['{', '}', '[', 'nul', 'NaN', '{"input": NaN}', '{"input": Infinity}', "{'input': {}}", '{"input": {},}', '{"input": {} /* c */}', '1e999999', '-0', '123456789012345678901234567890', '"\\ud800"', '"\\u12"', '"\\x41"', '{"input":"a\u0001b"}', '\u0000', 'true false'];
const CONTENT_TYPES = [
  null, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=utf-16',
  'application/JSON', 'application/vnd.api+json', 'application/json;', 'application/jsonx', 'json', '*/*', 'application/json; charset=latin1',
  'application/problem+json', 'application/json, text/plain', `application/json; ${'x'.repeat(10_000)}`, 'application/js\u00f6n', ' application/json',
];
/** Path-parameter values: traversal, encodings valid and not, unicode, huge and odd numbers. */
const ODD_PARAMS = [
  '..', '.', '%2e%2e', '%2E%2E%2F%2E%2E', '..%2F..%2Fhealthz', '%2F', 'a%2Fb', '%5C', '%00', 'a%00b', '%', '%zz', '%C0%AF', '%ED%A0%80', '%FF', '%F0%9F%98%80',
  'caf%C3%A9', '\u00e9', '\u00ff\u00fe', '%E2%80%AE', 'returns%20', '%20returns', 'RETURNS', '__proto__', 'constructor', 'prototype', '0', '-1', '1e3',
  '1.0', '0x10', '99999999999999999999', '9007199254740993', 'NaN', 'Infinity', 'null', 'undefined', '%7B%7D', "'", '%22', '*', '~', '$', '(', '!',
];

const rawBody: fc.Arbitrary<RawBody> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ cut: fc.nat(200) }) },
  { weight: 2, arbitrary: fc.record({ append: fc.constantFrom('}', ']', ',', ' x', '{}', '\u0000', 'null') }) },
  { weight: 2, arbitrary: fc.record({ bytes: fc.constantFrom(...INVALID_UTF8), at: fc.nat(200) }) },
  { weight: 2, arbitrary: fc.record({ text: fc.oneof(fc.constantFrom(...BAD_JSON), anyText(60)) }) },
  { weight: 2, arbitrary: fc.record({ nest: hugeSize([100, 1_000, 10_000, 100_000]), open: fc.constantFrom('[', '{"a":') }) },
  { weight: 1, arbitrary: fc.record({ oversize: fc.constantFrom(1, 100, 4096) }) },
  { weight: 2, arbitrary: fc.record({ bom: fc.constant(true as const) }) },
  { weight: 2, arbitrary: fc.record({ duplicate: fc.constant(true as const) }) },
  { weight: 2, arbitrary: fc.record({ empty: fc.constant(true as const) }) },
  // Number literals JSON.stringify never writes: -0, beyond double range, absurd precision.
  { weight: 2, arbitrary: fc.record({ number: fc.constantFrom('-0', '-0.0', '1e999', '-1e999', '1e-999', '1E+308', '123456789012345678901234567890', '0.1e1', `0.${'0'.repeat(400)}1`, '4.9e-324') }) },
);

const authMutation = fc.constantFrom<AuthMutation>('none', 'bearer-only', 'basic', 'lowercase', 'trailing-word', 'wrong-secret', 'bad-prefix', 'revoked', 'huge', 'latin1', 'other-role', 'no-space');
/** Paths of no route (the editor's own paths, /, /policies/…, are left out: they serve its page, or 503 when it is not built). */
const OTHER_PATHS = ['/v1', '/v1/', '/v2/policies', '/api', '/admin', '/.env', '/.git/config', '/v1/policies/returns/decide/extra', '/metrics/x', '/healthz/..', '/docs/assets/../../package.json', '/docs/assets/%2e%2e/%2e%2e/package.json', '/assets/..%2F..%2Fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', '/favicon.ico', '/openapi.json/x', '/v1/%00'];
const pathMutation: fc.Arbitrary<PathMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<PathMutation>('trailing-slash', 'double-slash', 'upper', 'dot-segment', 'dotdot-segment', 'semicolon', 'encoded-slash', 'hash') },
  { weight: 1, arbitrary: fc.constantFrom(...OTHER_PATHS).map((to) => ({ to })) },
);
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
/** A value of each JSON Schema type (and a fraction where an integer is asked). */
const WRONG_TYPES: Array<[string, unknown]> = [['string', 'text'], ['number', 0.5], ['integer', 7], ['boolean', true], ['object', { a: 1 }], ['array', [1]], ['null', null]];

/** A query string for an operation: its own parameters with hostile values, undeclared, repeated, malformed. */
function queryText(op: FuzzOperation): fc.Arbitrary<string> {
  const names = op.query.map((q) => q.name);
  const name = names.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.constantFrom('x', 'limit', 'at', '__proto__', '', 'a[b]', '%zz', 'policy%00') }) : fc.constantFrom('x', 'limit', '__proto__', 'a[b]');
  const value = fc.oneof(
    fc.constantFrom('', '0', '-0', '-1', '1e308', 'NaN', '1.5', '501', '99999999999999999999', '9'.repeat(400), 'true', '%zz', '%FF', '%00', 'null', '%E2%80%AE', 'x'.repeat(10_000)),
    fc.constantFrom(...BAD_INSTANTS).map(encodeURIComponent),
    urlText(20).map(encodeURIComponent),
  );
  const pair = fc.tuple(name, value).map(([n, v]) => `${n}=${v}`);
  return fc.oneof(
    { weight: 6, arbitrary: fc.array(pair, { minLength: 1, maxLength: 4 }).map((ps) => ps.join('&')) },
    { weight: 1, arbitrary: fc.constantFrom('', '&&&', '=', '==', '&=&', '?', 'a', '%', `${'p=1&'.repeat(1000)}p=2`) },
  );
}

/** Mutations that apply to the operation (body fields only where it has a body). */
function mutation(op: FuzzOperation, target: FuzzTarget): fc.Arbitrary<FuzzMutation> {
  const options: Array<{ weight: number; arbitrary: fc.Arbitrary<FuzzMutation> }> = [
    { weight: 2, arbitrary: authMutation.map((how) => ({ kind: 'auth' as const, how })) },
    { weight: 1, arbitrary: fc.constantFrom(...METHODS).map((method) => ({ kind: 'method' as const, method })) },
    { weight: 1, arbitrary: pathMutation.map((how) => ({ kind: 'path' as const, how })) },
    { weight: 2, arbitrary: queryText(op).map((text) => ({ kind: 'query' as const, text })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('Accept', 'If-Match', 'If-None-Match', 'X-Request-Id', 'Content-Encoding', 'Accept-Encoding', 'Origin', 'X-Forwarded-For'), fc.constantFrom('*', '"x"', 'W/"0"', 'application/x-ndjson', 'gzip', 'br, gzip', 'x'.repeat(8_000), '\u00ff', 'text/html', '', ', ,'))
      .map(([name, value]) => ({ kind: 'header' as const, name, value })) },
  ];
  if (op.params.length) {
    const param = fc.tuple(fc.nat(op.params.length - 1), fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...ODD_PARAMS) },
      { weight: 2, arbitrary: fc.constantFrom(...Object.values(target.ids).flat().slice(0, 200).concat('missing')) },
      { weight: 1, arbitrary: urlText(12).map(encodeURIComponent) },
      { weight: 1, arbitrary: fc.constantFrom(1_000, 10_000).map((n) => 'a'.repeat(n)) },
    )).map(([index, value]) => ({ kind: 'param' as const, index, value }));
    options.push({ weight: 3, arbitrary: param });
  }
  if (op.bodies.length || op.method !== 'get') {
    const pointers = ['', ...op.fields.map((f) => f.pointer)];
    const pointer = fc.constantFrom(...pointers);
    options.push(
      { weight: 8, arbitrary: fc.tuple(pointer, hostileValue).map(([p, value]) => ({ kind: 'set' as const, pointer: p, value })) },
      { weight: 3, arbitrary: pointer.map((p) => ({ kind: 'delete' as const, pointer: p })) },
      { weight: 2, arbitrary: fc.tuple(pointer, fc.constantFrom('extra', '__proto__', 'constructor', '', 'x'.repeat(1000), 'input', '$ref'), hostileValue).map(([p, name, value]) => ({ kind: 'extra' as const, pointer: p, name, value })) },
      { weight: 1, arbitrary: jsonish(4).map((value) => ({ kind: 'replace-body' as const, value })) },
      { weight: 4, arbitrary: rawBody.map((how) => ({ kind: 'raw-body' as const, how })) },
      { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES).map((value) => ({ kind: 'content-type' as const, value })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'chunked' as const }) },
    );
    // A value of each JSON type the schema does not allow at the field.
    const typed = op.fields.filter((f) => f.types.length).flatMap((f) => WRONG_TYPES.filter(([t]) => !f.types.includes(t) && !(t === 'integer' && f.types.includes('number'))).map(([, value]) => [f.pointer, value] as const));
    if (typed.length) options.push({ weight: 4, arbitrary: fc.constantFrom(...typed).map(([p, value]) => ({ kind: 'set' as const, pointer: p, value })) });
    const instants = op.fields.filter((f) => /(^|\/)(at|from|until|since|placedAt|deliveredAt|\w+At)$/.test(f.pointer));
    if (instants.length) options.push({ weight: 3, arbitrary: fc.tuple(fc.constantFrom(...instants.map((f) => f.pointer)), fc.constantFrom(...BAD_INSTANTS)).map(([p, value]) => ({ kind: 'set' as const, pointer: p, value })) });
  }
  return fc.oneof(...options);
}

/**
 * One fuzz request: an operation, a body that passes, a fitting key, then 0 to 3 mutations.
 * The public routes that render a lot (/metrics, /openapi.json, /docs) are picked less often.
 */
export function fuzzRequest(target: FuzzTarget): fc.Arbitrary<FuzzRequest> {
  const perOperation = target.operations.map((op) => {
    const allowed = target.keys.filter((k) => !op.permission || k.permissions.includes(op.permission));
    const arb = fc.record({
      body: op.bodies.length ? fc.constantFrom(...op.bodies) : fc.constant(undefined),
      headers: fc.constantFrom(...(op.headers.length ? op.headers : [{}])),
      key: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...(allowed.length ? allowed : target.keys)) }, { weight: 1, arbitrary: fc.constantFrom(...target.keys) }),
      values: fc.tuple(...op.params.map(([, collection]) => fc.constantFrom(...(target.ids[collection]?.length ? target.ids[collection]! : ['missing'])))),
      mutations: fc.array(mutation(op, target), { minLength: 0, maxLength: 3 }),
    }).map(({ body, headers, key, values, mutations }) => build(op, body, headers, key, values.map((v) => encodeURIComponent(v)), mutations, target));
    return { weight: /^\/(metrics|openapi\.json|docs)$/.test(op.path) ? 1 : 4, arbitrary: arb };
  });
  return fc.oneof(...perOperation);
}
