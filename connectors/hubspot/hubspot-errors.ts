// Maps what the HubSpot SDK throws onto the project's stable error codes. The typed APIs throw
// an ApiException-shaped error (code, body, headers) for any non-2xx answer; network failures
// come through as plain errors from fetch.
import { RefineryError } from '../../core/errors.ts';

interface ApiErrorShape {
  code: number;
  body?: unknown;
  headers?: Record<string, string>;
}

function isApiError(error: unknown): error is ApiErrorShape {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number' && 'body' in error;
}

function bodyOf(error: ApiErrorShape): { message?: string; policyName?: string; errorType?: string; category?: string } {
  const body = error.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as ReturnType<typeof bodyOf>;
    } catch {
      return { message: body };
    }
  }
  return (body ?? {}) as ReturnType<typeof bodyOf>;
}

/** How long to wait after a 429, by the policy HubSpot names. */
export function waitForPolicy(policyName: string | undefined, headers: Record<string, string> | undefined): number | null {
  if (policyName === 'DAILY') return null;
  if (policyName === 'SECONDLY') return 1000;
  const interval = Number(headers?.['x-hubspot-ratelimit-interval-milliseconds']);
  return Number.isFinite(interval) && interval > 0 ? interval : 10_000;
}

export function mapHubSpotError(error: unknown, operation: string): RefineryError {
  if (error instanceof RefineryError) return error;
  if (isApiError(error)) {
    const body = bodyOf(error);
    const detail = body.message ? `: ${body.message}` : '';
    if (error.code === 429) {
      const wait = waitForPolicy(body.policyName, error.headers);
      if (wait === null) return new RefineryError('THROTTLED', `HubSpot's daily request limit is used up (${operation})${detail}`, { details: { permanent: true } });
      return new RefineryError('THROTTLED', `HubSpot rate-limited ${operation} (${body.policyName ?? 'unknown policy'})`, { retryAfterMs: wait, details: { policyName: body.policyName } });
    }
    if (error.code >= 500) return new RefineryError('UPSTREAM_UNAVAILABLE', `HubSpot answered ${error.code} to ${operation}${detail}`);
    if (error.code === 401 || error.code === 403) return new RefineryError('AUTH', `HubSpot refused the access token for ${operation} (${error.code})${detail}`);
    if (error.code === 404) return new RefineryError('NOT_FOUND', `HubSpot found nothing for ${operation}${detail}`);
    if (error.code === 409) return new RefineryError('CONFLICT', `HubSpot reported a conflict for ${operation}${detail}`);
    if (error.code === 0) return new RefineryError('NETWORK', `no answer from HubSpot for ${operation}`);
    return new RefineryError('VALIDATION', `HubSpot rejected ${operation} (${error.code})${detail}`, { details: { body: error.body } });
  }
  const message = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
  return new RefineryError('NETWORK', `calling HubSpot for ${operation} failed: ${message}`, { cause: error });
}
