// The admin API client: every request carries a fresh Shopify session token (App Bridge's
// `shopify.idToken()`); a 401 with `X-Shopify-Retry-Invalid-Session-Request: 1` is retried once
// with a new token. Errors come back as ApiRequestError with the server's code, message and field
// issues. fetch and the token source are parameters, so this is testable without a browser.
import type { ApiError } from '../../server/api/api-types.ts';

export const RETRY_INVALID_SESSION_HEADER = 'X-Shopify-Retry-Invalid-Session-Request';

export interface ApiIssue {
  path: string;
  message: string;
}

export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: ApiIssue[];
  readonly body: unknown;
  constructor(status: number, code: string, message: string, issues: ApiIssue[], body: unknown) {
    super(message);
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = code;
    this.issues = issues;
    this.body = body;
  }
}

export interface ApiClientDeps {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  idToken: () => Promise<string>;
  /** Prefix of every path; default `/api`. */
  base?: string;
}

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
}

function isApiError(body: unknown): body is ApiError {
  return typeof body === 'object' && body !== null && typeof (body as ApiError).error === 'object' && (body as ApiError).error !== null && typeof (body as ApiError).error.message === 'string';
}

/** The error a non-2xx response stands for, from its JSON body when it has one. */
export function errorFromResponse(status: number, statusText: string, body: unknown): ApiRequestError {
  if (isApiError(body)) {
    return new ApiRequestError(status, body.error.code ?? 'ERROR', body.error.message, body.error.issues ?? [], body);
  }
  const fallback = status === 401 ? 'Your session has expired: reload the app.' : `The request failed (${status}${statusText ? ` ${statusText}` : ''}).`;
  return new ApiRequestError(status, status === 401 ? 'UNAUTHENTICATED' : status >= 500 ? 'INTERNAL' : 'ERROR', fallback, [], body);
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function createApiClient(deps: ApiClientDeps): ApiClient {
  const base = deps.base ?? '/api';
  async function send(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = `${base}${path}`;
    let retried = false;
    for (;;) {
      const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${await deps.idToken()}` };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      let response: Response;
      try {
        response = await deps.fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      } catch (error) {
        throw new ApiRequestError(0, 'NETWORK', `The app could not reach its server (${error instanceof Error ? error.message : String(error)}).`, [], null);
      }
      if (response.status === 401 && !retried && response.headers.get(RETRY_INVALID_SESSION_HEADER) === '1') {
        retried = true;
        continue;
      }
      const parsed = await readBody(response);
      if (!response.ok) throw errorFromResponse(response.status, response.statusText, parsed);
      return parsed;
    }
  }
  return {
    get: <T>(path: string) => send('GET', path) as Promise<T>,
    post: <T>(path: string, body?: unknown) => send('POST', path, body ?? {}) as Promise<T>,
    put: <T>(path: string, body: unknown) => send('PUT', path, body) as Promise<T>,
    delete: <T>(path: string) => send('DELETE', path) as Promise<T>,
  };
}

/** Field issues keyed by path (`schedule.timeZone`), several messages joined. */
export function issuesByPath(issues: readonly ApiIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) out[issue.path] = out[issue.path] ? `${out[issue.path]}; ${issue.message}` : issue.message;
  return out;
}

/** A message for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
