// Maps what the Shopify SDK throws onto the project's stable error codes.
import {
  GraphqlQueryError,
  HttpRequestError,
  HttpResponseError,
  HttpThrottlingError,
  HttpInternalError,
} from '@shopify/shopify-api';
import { RefineryError } from '../../core/errors.ts';
import { waitForPoints, type ThrottleStatus } from './cost-budget.ts';

interface GraphqlErrorEntry {
  message?: string;
  extensions?: { code?: string };
}

export interface CostExtension {
  requestedQueryCost?: number;
  actualQueryCost?: number | null;
  throttleStatus?: ThrottleStatus;
}

/** Reads extensions.cost out of an SDK response or error body, when present. */
export function costOf(body: unknown): CostExtension | undefined {
  const ext = (body as { extensions?: { cost?: CostExtension } } | undefined)?.extensions;
  return ext?.cost;
}

export function mapShopifyError(error: unknown, operation: string): RefineryError {
  if (error instanceof RefineryError) return error;
  if (error instanceof GraphqlQueryError) {
    const body = error.body as { errors?: { graphQLErrors?: GraphqlErrorEntry[] } } | undefined;
    const entries = body?.errors?.graphQLErrors ?? [];
    const codes = entries.map((e) => e.extensions?.code ?? '');
    const messages = entries.map((e) => e.message ?? 'unknown error').join('; ');
    const cost = costOf(error.body);
    if (codes.includes('THROTTLED')) {
      const status = cost?.throttleStatus;
      const wait = status ? waitForPoints(status, 0, 0, cost?.requestedQueryCost ?? status.maximumAvailable / 2) : 1000;
      return new RefineryError('THROTTLED', `Shopify throttled ${operation}: ${messages}`, {
        retryAfterMs: wait,
        details: { cost },
      });
    }
    if (codes.includes('MAX_COST_EXCEEDED')) {
      return new RefineryError('VALIDATION', `${operation} requests more than Shopify's single-query cost limit: ${messages}`);
    }
    if (codes.includes('INTERNAL_SERVER_ERROR')) {
      return new RefineryError('UPSTREAM_UNAVAILABLE', `Shopify failed ${operation}: ${messages}`);
    }
    if (codes.includes('ACCESS_DENIED')) {
      return new RefineryError('AUTH', `Shopify denied ${operation}: ${messages}`);
    }
    return new RefineryError('GRAPHQL', `Shopify rejected ${operation}: ${messages}`, { details: { errors: entries } });
  }
  if (error instanceof HttpThrottlingError) {
    const retryAfter = error.response.retryAfter;
    return new RefineryError('THROTTLED', `Shopify answered 429 to ${operation}`, {
      retryAfterMs: retryAfter !== undefined && Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
    });
  }
  if (error instanceof HttpInternalError) {
    return new RefineryError('UPSTREAM_UNAVAILABLE', `Shopify answered ${error.response.code} to ${operation}`);
  }
  if (error instanceof HttpResponseError) {
    const code = error.response.code;
    if (code === 401 || code === 403) {
      return new RefineryError('AUTH', `Shopify refused the access token for ${operation} (${code}); reinstall the app or check the token`);
    }
    if (code === 404) return new RefineryError('NOT_FOUND', `Shopify answered 404 to ${operation}: wrong shop or API version`);
    if (code === 200) return new RefineryError('NETWORK', `the response to ${operation} could not be read (connection cut mid-body?)`);
    return new RefineryError('VALIDATION', `Shopify answered ${code} to ${operation}`);
  }
  if (error instanceof HttpRequestError) {
    return new RefineryError('NETWORK', `no response from Shopify for ${operation}: ${error.message}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new RefineryError('NETWORK', `calling Shopify for ${operation} failed: ${message}`, { cause: error });
}
