// Turns a database failure into a RefineryError('STORE') that names the operation; errors that are
// already RefineryErrors (validation, not found) pass through unchanged.
import { RefineryError } from '../../core/errors.ts';

const SQLITE_CONSTRAINT_FOREIGNKEY = 787;
const PG_FOREIGN_KEY_VIOLATION = '23503';

function isForeignKeyViolation(error: object): boolean {
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  return code === PG_FOREIGN_KEY_VIOLATION || errcode === SQLITE_CONSTRAINT_FOREIGNKEY;
}

export function storeError(operation: string, error: unknown): RefineryError {
  if (error instanceof RefineryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const unknownShop = typeof error === 'object' && error !== null && isForeignKeyViolation(error);
  const hint = unknownShop ? ' (unknown shop: call ensureShop first)' : '';
  const details: Record<string, unknown> = {};
  if (typeof error === 'object' && error !== null) {
    const { code, errcode, constraint } = error as { code?: unknown; errcode?: unknown; constraint?: unknown };
    if (code !== undefined) details['dbCode'] = code;
    if (errcode !== undefined) details['sqliteCode'] = errcode;
    if (constraint !== undefined) details['constraint'] = constraint;
  }
  return new RefineryError('STORE', `${operation} failed: ${message}${hint}`, { cause: error, details });
}

