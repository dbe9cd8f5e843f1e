// Error values and their Shopify-style JSON shape ({message, locations, path, extensions.code}).
import type { GraphQLError } from 'graphql';

export class EmulatorError extends Error {
  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.name = 'EmulatorError';
    this.code = code;
  }
}

export interface ShopifyErrorJson {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions: Record<string, unknown>;
}

interface Rewrite {
  pattern: RegExp;
  rewrite(match: RegExpExecArray): { message: string; code: string; extra?: Record<string, unknown> };
}

// graphql-js wording rewritten the way Shopify's (graphql-ruby based) API words the same errors.
const REWRITES: Rewrite[] = [
  {
    pattern: /^Cannot query field "([^"]+)" on type "([^"]+)"\./,
    rewrite: (m) => ({ message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`, code: 'undefinedField', extra: { typeName: m[2], fieldName: m[1] } }),
  },
  {
    pattern: /^Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"\./,
    rewrite: (m) => ({ message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`, code: 'argumentNotAccepted', extra: { name: m[3], typeName: 'Field', argumentName: m[1] } }),
  },
  {
    pattern: /^Field "([^"]+)" argument "([^"]+)" of type "([^"]+)" is required, but it was not provided\./,
    rewrite: (m) => ({ message: `Field '${m[1]}' is missing required arguments: ${m[2]}`, code: 'missingRequiredArguments', extra: { className: 'Field', name: m[1], arguments: m[2] } }),
  },
  {
    pattern: /^Unknown type "([^"]+)"\./,
    rewrite: (m) => ({ message: `No such type ${m[1]}, so it can't be a fragment condition`, code: 'undefinedType', extra: { typeName: m[1] } }),
  },
  {
    pattern: /^Field "([^"]+)" of type "([^"]+)" must have a selection of subfields\./,
    rewrite: (m) => ({ message: `Field must have selections (field '${m[1]}' returns ${(m[2] ?? '').replace(/[[\]!]/g, '')} but has no selections. Did you mean '${m[1]} { ... }'?)`, code: 'selectionMismatch', extra: { nodeName: m[1], typeName: m[2] } }),
  },
  {
    pattern: /^Variable "\$([^"]+)" got invalid value/,
    rewrite: (m) => ({ message: m.input, code: 'variableMismatch', extra: { variableName: m[1] } }),
  },
];

export function formatGraphQLError(error: GraphQLError, fallbackCode: string): ShopifyErrorJson {
  const original = error.originalError;
  let message = error.message;
  let extensions: Record<string, unknown> = { code: fallbackCode };
  if (original instanceof EmulatorError) {
    extensions = { code: original.code };
  } else if (!original) {
    for (const rule of REWRITES) {
      const match = rule.pattern.exec(error.message);
      if (!match) continue;
      const rewritten = rule.rewrite(match);
      message = rewritten.message;
      extensions = { code: rewritten.code, ...rewritten.extra };
      break;
    }
  }
  const json: ShopifyErrorJson = { message, extensions };
  if (error.locations) json.locations = error.locations.map((l) => ({ line: l.line, column: l.column }));
  if (error.path) json.path = [...error.path];
  return json;
}

export function simpleError(message: string, code: string, extra: Record<string, unknown> = {}): ShopifyErrorJson {
  return { message, extensions: { code, ...extra } };
}
