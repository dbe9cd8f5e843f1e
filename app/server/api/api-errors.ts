// Errors of the admin API, always JSON ({ error: { code, message, issues? } }, api-types.ts
// ApiError) and never a stack trace: a handler throws ApiHttpError for an expected refusal; a
// RefineryError maps onto a status by its code; anything else is a 500 with a fixed message.
import type { z } from 'zod';
import { RefineryError } from '../../../core/errors.ts';
import type { ApiError } from './api-types.ts';

export type ApiIssue = { path: string; message: string };

export class ApiHttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: ApiIssue[] | undefined;

  constructor(status: number, code: string, message: string, issues?: ApiIssue[]) {
    super(message);
    this.name = 'ApiHttpError';
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

export function notFound(message: string): ApiHttpError {
  return new ApiHttpError(404, 'NOT_FOUND', message);
}

/** Zod issues as the UI shows them: a dot-separated path (empty for the whole value) and a message. */
export function issuesOf(error: z.ZodError, prefix: readonly (string | number)[] = []): ApiIssue[] {
  return error.issues.map((issue) => ({ path: [...prefix, ...issue.path.map((p) => String(p))].join('.'), message: issue.message }));
}

export function validationError(status: 400 | 422, what: string, issues: ApiIssue[]): ApiHttpError {
  const first = issues[0];
  const detail = first ? `${first.path === '' ? what : first.path}: ${first.message}` : 'invalid';
  return new ApiHttpError(status, 'VALIDATION', `the ${what} is not valid (${detail}${issues.length > 1 ? ` and ${issues.length - 1} more` : ''})`, issues);
}

const STATUS_OF_CODE: Partial<Record<RefineryError['code'], number>> = {
  NOT_FOUND: 404,
  VALIDATION: 422,
  INPUT: 422,
  CONFLICT: 409,
  BUSY: 409,
};

/** The status and JSON body for any error a handler (or the body parser) raised. */
export function errorResponse(error: unknown): { status: number; body: ApiError } {
  if (error instanceof ApiHttpError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) } } };
  }
  if (error instanceof RefineryError) {
    const status = STATUS_OF_CODE[error.code];
    if (status !== undefined) return { status, body: { error: { code: error.code === 'INPUT' ? 'VALIDATION' : error.code, message: error.message } } };
  }
  // Body-parser refusals carry a status and a type.
  const e = error as { status?: unknown; type?: unknown };
  if (e !== null && typeof e === 'object' && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    if (e.type === 'entity.too.large') return { status: 413, body: { error: { code: 'TOO_LARGE', message: 'the body is larger than the API accepts' } } };
    if (e.type === 'entity.parse.failed') return { status: 400, body: { error: { code: 'VALIDATION', message: 'the body is not valid JSON' } } };
    if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') return { status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'the body must be UTF-8 JSON' } } };
    return { status: e.status, body: { error: { code: 'BAD_REQUEST', message: 'the request could not be read' } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
}
