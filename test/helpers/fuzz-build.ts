/**
 * Puts a fuzz request together (fuzz.ts generates the parts): the operation's path with its
 * values, a base body and headers, then each mutation applied in turn: body fields set,
 * deleted or added by JSON Pointer, the body's bytes rewritten, the key, path, query, method
 * and headers changed. Big values travel as stand-ins ({$repeat}, {$array}, {$nest}) and are
 * expanded only here, when the body is serialised, so a failing request prints small.
 *
 * @example
 *   build(op, op.bodies[0], op.headers[0], target.keys[0], ['returns'], [{ kind: 'delete', pointer: '/input' }], target);
 */
import type { AuthMutation, FuzzMutation, FuzzOperation, FuzzRequest, FuzzTarget, PathMutation, RawBody } from './fuzz.ts';

/** Stand-ins for big values, expanded only when the body is serialised (so samples stay small to print). */
function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.$repeat === 'string' && typeof v.n === 'number') return JSON.parse(`"${v.$repeat}"`).repeat(v.n);
    if (typeof v.$array === 'number') return Array.from({ length: v.$array }, (_, i) => i);
    // Written into the text by serialise(): too deep for JSON.stringify's recursion.
    if (typeof v.$nest === 'number') return `\u0000nest:${v.$nest}\u0000`;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: expand(v[k]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** The body's JSON text, stand-ins expanded (arrays nested `n` deep written as text). */
function serialise(body: unknown): string {
  const text = JSON.stringify(expand(body)) ?? 'null';
  return text.includes('\\u0000nest:') ? text.replace(/"\\u0000nest:(\d+)\\u0000"/g, (_, n: string) => `${'['.repeat(Number(n))}${']'.repeat(Number(n))}`) : text;
}

/** A value for printing: stand-ins as they are, long strings cut. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function build(op: FuzzOperation, base: unknown, baseHeaders: Record<string, string>, key: FuzzTarget['keys'][number], values: string[], mutations: FuzzMutation[], target: FuzzTarget): FuzzRequest {
  let method = op.method.toUpperCase();
  const headers: Record<string, string> = { ...baseHeaders };
  let auth: string | null = `Bearer ${key.key}`;
  let body: unknown = base === undefined ? undefined : structuredClone(base);
  let raw: Buffer | undefined;
  let contentType: string | null = base === undefined ? null : 'application/json';
  let query = '';
  let chunked = false;
  let pathHow: PathMutation | null = null;
  const notes = [`${op.method.toUpperCase()} ${op.path} as ${key.label}`];

  for (const m of mutations) {
    notes.push(describe(m));
    switch (m.kind) {
      // Values are copied: fast-check hands out the same constant objects to many samples.
      case 'set': body = setAt(body ?? {}, m.pointer, structuredClone(m.value)); contentType ??= 'application/json'; break;
      case 'delete': body = m.pointer === '' ? undefined : deleteAt(body, m.pointer); break;
      case 'extra': body = extraAt(body ?? {}, m.pointer, m.name, structuredClone(m.value)); contentType ??= 'application/json'; break;
      case 'replace-body': body = structuredClone(m.value); contentType ??= 'application/json'; break;
      case 'raw-body': raw = rawFrom(body, m.how, target.bodyLimitBytes); contentType ??= 'application/json'; break;
      case 'content-type': contentType = m.value; break;
      case 'auth': auth = authFrom(m.how, key.key, target); break;
      case 'param': values[m.index] = m.value; break;
      case 'query': query = m.text; break;
      case 'method': method = m.method; break;
      case 'path': pathHow = m.how; break;
      case 'header': headers[m.name] = m.value; break;
      case 'chunked': chunked = true; break;
    }
  }
  let path = op.path.replace(/\{(\w+)\}/g, () => values.shift() ?? 'missing');
  if (pathHow) path = mutatePath(path, pathHow);
  if (query) path += `?${query}`;
  if (auth !== null) headers.Authorization = auth;
  if (contentType !== null) headers['Content-Type'] = contentType;
  if (raw === undefined && body !== undefined) raw = Buffer.from(serialise(body));
  return { method, path, headers, ...(raw !== undefined ? { body: raw } : {}), ...(chunked ? { chunked } : {}), operation: `${op.method.toUpperCase()} ${op.path}`, note: notes.join('; ') };
}

function describe(m: FuzzMutation): string {
  switch (m.kind) {
    case 'set': return `set ${m.pointer || '(body)'} = ${show(m.value)}`;
    case 'delete': return `delete ${m.pointer || '(body)'}`;
    case 'extra': return `add ${m.pointer}/${show(m.name)} = ${show(m.value)}`;
    case 'replace-body': return `body = ${show(m.value)}`;
    case 'raw-body': return `raw body ${show(m.how)}`;
    case 'content-type': return `Content-Type ${show(m.value)}`;
    case 'auth': return `auth ${m.how}`;
    case 'param': return `param ${m.index} = ${show(m.value)}`;
    case 'query': return `query ${show(m.text)}`;
    case 'method': return `method ${m.method}`;
    case 'path': return `path ${show(m.how)}`;
    case 'header': return `header ${m.name}: ${show(m.value)}`;
    case 'chunked': return 'chunked';
  }
}

const tokens = (pointer: string) => pointer.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));

function setAt(body: unknown, pointer: string, value: unknown): unknown {
  if (pointer === '') return value;
  const parts = tokens(pointer);
  let node: any = body;
  if (!node || typeof node !== 'object') return body;
  for (const part of parts.slice(0, -1)) {
    if (!node[part] || typeof node[part] !== 'object') Object.defineProperty(node, part, { value: {}, enumerable: true, writable: true, configurable: true });
    node = node[part];
  }
  Object.defineProperty(node, parts.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
  return body;
}

function deleteAt(body: unknown, pointer: string): unknown {
  const parts = tokens(pointer);
  let node: any = body;
  for (const part of parts.slice(0, -1)) {
    if (!node || typeof node !== 'object') return body;
    node = node[part];
  }
  if (node && typeof node === 'object') {
    if (Array.isArray(node)) node.splice(Number(parts.at(-1)), 1);
    else delete node[parts.at(-1)!];
  }
  return body;
}

function extraAt(body: unknown, pointer: string, name: string, value: unknown): unknown {
  const parts = tokens(pointer);
  let node: any = body;
  for (const part of parts) {
    if (!node || typeof node !== 'object') break;
    if (node[part] && typeof node[part] === 'object') node = node[part];
  }
  if (node && typeof node === 'object' && !Array.isArray(node)) Object.defineProperty(node, name, { value, enumerable: true, writable: true, configurable: true });
  return body;
}

function rawFrom(body: unknown, how: RawBody, limit: number): Buffer {
  const text = serialise(body ?? {});
  if ('cut' in how) return Buffer.from(text.slice(0, Math.min(how.cut, text.length - 1)));
  if ('append' in how) return Buffer.from(text + how.append);
  if ('bytes' in how) {
    const bytes = Buffer.from(text);
    const at = Math.min(how.at, bytes.length);
    return Buffer.concat([bytes.subarray(0, at), Buffer.from(how.bytes), bytes.subarray(at)]);
  }
  if ('text' in how) return Buffer.from(how.text, 'utf8');
  if ('nest' in how) return Buffer.from(how.open.repeat(how.nest) + '1' + (how.open === '[' ? ']' : '}').repeat(how.nest));
  if ('oversize' in how) return Buffer.from(`{"input": {"pad": "${'x'.repeat(limit + how.oversize)}"}}`);
  if ('bom' in how) return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
  if ('duplicate' in how) return Buffer.from(text.startsWith('{"') ? `{"input": 1, ${text.slice(1)}` : text);
  if ('number' in how) {
    // The first digits after `:`, `[` or `,`: a number literal, or digits inside a string (a time).
    const replaced = text.replace(/([:[,]\s*)-?\d+(\.\d+)?([eE][+-]?\d+)?/, (_, before: string) => before + how.number);
    return Buffer.from(replaced === text ? how.number : replaced);
  }
  return Buffer.alloc(0);
}

function authFrom(how: AuthMutation, key: string, target: FuzzTarget): string | null {
  switch (how) {
    case 'none': return null;
    case 'bearer-only': return 'Bearer';
    case 'basic': return `Basic ${Buffer.from('admin:admin').toString('base64')}`;
    case 'lowercase': return `bearer ${key}`;
    case 'trailing-word': return `Bearer ${key} extra`;
    case 'wrong-secret': return `Bearer ${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    case 'bad-prefix': return `Bearer ${key.replace(/^pk_[0-9a-f]{12}/, 'pk_zzzzzzzzzzzz')}`;
    case 'revoked': return `Bearer ${target.revokedKey}`;
    case 'huge': return `Bearer pk_${'a'.repeat(10_000)}`;
    case 'latin1': return `Bearer pk_\u00e9\u00ff_${'A'.repeat(43)}`;
    case 'other-role': return `Bearer ${target.keys[0]!.key}`;
    case 'no-space': return `Bearer${key}`;
  }
}

function mutatePath(path: string, how: PathMutation): string {
  switch (how) {
    case 'trailing-slash': return `${path}/`;
    case 'double-slash': return path.replace('/v1/', '/v1//');
    case 'upper': return path.replace(/[a-z]+/g, (s) => s.toUpperCase());
    case 'dot-segment': return path.replace('/v1/', '/v1/./');
    case 'dotdot-segment': return `${path}/../../healthz`;
    case 'semicolon': return `${path};jsessionid=1`;
    case 'encoded-slash': return path.replace(/\//g, (s, i: number) => (i > 3 ? '%2F' : s));
    case 'hash': return `${path}#frag`;
    default: return how.to;
  }
}
