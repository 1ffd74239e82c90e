/**
 * A small JSON client for a server at a URL (the in-process TestServer's and server processes'
 * of test/helpers/process.ts): status, headers, the parsed body (or the text) and the text. A
 * string body is sent as it is (to send bad JSON), anything else as JSON.
 *
 * @example
 *   const api = httpClient(proc.url);
 *   const res = await api.request('PUT', '/v1/policies/returns/draft', { key, body: { document }, headers: { 'If-Match': etag } });
 */
import type { ApiResponse } from './server.ts';

export interface HttpClient {
  request<T = any>(method: string, path: string, options?: { key?: string; body?: unknown; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  get<T = any>(path: string, key?: string): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body: unknown, key?: string): Promise<ApiResponse<T>>;
}

export function httpClient(url: string): HttpClient {
  const request: HttpClient['request'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.key) headers.Authorization = `Bearer ${opts.key}`;
    if (opts.body !== undefined) headers['Content-Type'] ??= 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (e.g. /metrics): keep the text
    }
    return { status: res.status, headers: res.headers, body: body as any, text };
  };
  return { request, get: (path, key) => request('GET', path, key ? { key } : {}), post: (path, body, key) => request('POST', path, { body, ...(key ? { key } : {}) }) };
}
