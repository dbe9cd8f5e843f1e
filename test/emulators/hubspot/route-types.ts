// What a route handler sees and returns, and small helpers for query parameters and JSON bodies.
import { validationError } from './errors.ts';
import type { PortalState } from './portal-state.ts';

export interface RouteContext {
  portal: PortalState;
  url: URL;
  /** Decoded path parameters, in pattern order. */
  params: string[];
  origin: string;
  /** The parsed JSON body (undefined when empty); HubSpot's 400 when it isn't JSON. */
  body(): Promise<unknown>;
}

export interface RouteResult {
  status: number;
  body?: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  pattern: RegExp;
  /** Name counted in stats.requestsByKind. */
  kind: string;
  /** Counted against the search endpoints' per-second limit. */
  search?: boolean;
  handle(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

export function ok(body: unknown, status = 200): RouteResult {
  return { status, body };
}

export const NO_CONTENT: RouteResult = { status: 204 };

/** A repeated (or comma-separated) query parameter; null when absent. */
export function listParam(url: URL, name: string): string[] | null {
  const values = url.searchParams.getAll(name);
  if (values.length === 0) return null;
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

export function intParam(url: URL, name: string, fallback: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw validationError(`${name} must be a positive integer; got ${raw}`);
  if (value > max) throw validationError(`${name} must be less than or equal to ${max}; got ${value}`);
  return value;
}

export function boolParam(url: URL, name: string): boolean {
  return url.searchParams.get(name) === 'true';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw validationError('Invalid input JSON: expected a JSON object body');
  return body;
}

export function stringArray(value: unknown, field: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw validationError(`Invalid input JSON: ${field} must be an array`);
  return value.map((v) => String(v));
}
