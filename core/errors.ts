// One error hierarchy with stable codes. Retriable errors may succeed if tried again later;
// permanent ones will not. Connectors and the app map every platform failure onto these.

export type ErrorCode =
  | 'THROTTLED'
  | 'QUOTA_EXHAUSTED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'AUTH'
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'GRAPHQL'
  | 'BULK_OPERATION_FAILED'
  | 'CONFLICT'
  | 'STORE'
  | 'INPUT'
  /** The shop is busy with another sync (one sync per shop at a time); try again later. */
  | 'BUSY'
  /** A stored secret cannot be decrypted: its key id is not in the key ring, or the key or text is wrong. */
  | 'SECRETS'
  /** A bug: something that should not happen did. */
  | 'INTERNAL';

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'THROTTLED', 'QUOTA_EXHAUSTED', 'UPSTREAM_UNAVAILABLE', 'NETWORK', 'TIMEOUT', 'AUTH', 'VALIDATION', 'NOT_FOUND',
  'GRAPHQL', 'BULK_OPERATION_FAILED', 'CONFLICT', 'STORE', 'INPUT', 'BUSY', 'SECRETS', 'INTERNAL',
]);

export function isErrorCode(code: string): code is ErrorCode {
  return ERROR_CODES.has(code);
}

const RETRIABLE: ReadonlySet<ErrorCode> = new Set(['THROTTLED', 'UPSTREAM_UNAVAILABLE', 'NETWORK', 'TIMEOUT', 'BUSY']);

export class RefineryError extends Error {
  readonly code: ErrorCode;
  /** Platform hint, in milliseconds, for when to try again (Retry-After, cost restore). */
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; retryAfterMs?: number; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RefineryError';
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  get retriable(): boolean {
    return RETRIABLE.has(this.code);
  }
}

export function isRetriable(error: unknown): boolean {
  return error instanceof RefineryError && error.retriable;
}

export function describeError(error: unknown): string {
  if (error instanceof RefineryError) return `[${error.code}] ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
