// HubSpot's error shape ({status: 'error', message, correlationId, category, subCategory?,
// context?, errors?}) and the errors the emulator answers with, worded as HubSpot words them.
import { randomUUID } from 'node:crypto';

export interface ErrorDetailJson {
  message: string;
  code?: string;
  in?: string;
  subCategory?: string;
  context?: Record<string, string[]>;
}

export interface HubSpotErrorInit {
  subCategory?: string;
  context?: Record<string, string[]>;
  errors?: ErrorDetailJson[];
  links?: Record<string, string>;
}

/** Thrown by handlers; the server turns it into the JSON body HubSpot sends. */
export class HubSpotError extends Error {
  readonly status: number;
  readonly category: string;
  readonly init: HubSpotErrorInit;

  constructor(status: number, category: string, message: string, init: HubSpotErrorInit = {}) {
    super(message);
    this.name = 'HubSpotError';
    this.status = status;
    this.category = category;
    this.init = init;
  }

  toJson(): Record<string, unknown> {
    return errorBody(this.message, this.category, this.init);
  }
}

export function errorBody(message: string, category: string, init: HubSpotErrorInit = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { status: 'error', message, correlationId: randomUUID(), category };
  if (init.subCategory !== undefined) body.subCategory = init.subCategory;
  if (init.context !== undefined) body.context = init.context;
  if (init.errors !== undefined) body.errors = init.errors;
  if (init.links !== undefined) body.links = init.links;
  return body;
}

export const AUTH_MESSAGE =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

export function validationError(message: string, init: HubSpotErrorInit = {}): HubSpotError {
  return new HubSpotError(400, 'VALIDATION_ERROR', message, init);
}

export function notFound(message = 'resource not found', init: HubSpotErrorInit = {}): HubSpotError {
  return new HubSpotError(404, 'OBJECT_NOT_FOUND', message, init);
}

export function conflict(message: string, init: HubSpotErrorInit = {}): HubSpotError {
  return new HubSpotError(409, 'CONFLICT', message, init);
}

/** One entry of "Property values were not valid: [...]", as HubSpot serialises it into the message. */
export interface PropertyValueError {
  error: 'PROPERTY_DOESNT_EXIST' | 'READ_ONLY_VALUE' | 'INVALID_OPTION' | 'INVALID_EMAIL' | 'INVALID_DOUBLE' | 'INVALID_DATE' | 'INVALID_BOOLEAN';
  name: string;
  message: string;
}

export function propertyValuesError(portalId: number, problems: PropertyValueError[]): HubSpotError {
  const entries = problems.map((p) => ({ isValid: false, message: p.message, error: p.error, name: p.name, localizedErrorMessage: p.message, portalId }));
  return validationError(`Property values were not valid: ${JSON.stringify(entries)}`, {
    errors: problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
  });
}

export function invalidJson(detail: string): HubSpotError {
  return validationError(`Invalid input JSON on line 1, column 1: ${detail}`, { subCategory: 'INVALID_JSON' });
}

/** Body of a 429 sent for a rate-limit policy. */
export function rateLimitBody(policyName: 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY', portalId: number): Record<string, unknown> {
  const message =
    policyName === 'TEN_SECONDLY_ROLLING'
      ? 'You have reached your ten_secondly_rolling limit.'
      : policyName === 'SECONDLY'
        ? 'You have reached your secondly limit.'
        : 'You have reached your daily limit.';
  const groupName =
    policyName === 'SECONDLY' ? `publicapi:search:${portalId}` : policyName === 'DAILY' ? `publicapi:daily:${portalId}` : `publicapi:private-app:ten-secondly:${portalId}`;
  return { status: 'error', message, errorType: 'RATE_LIMIT', correlationId: randomUUID(), policyName, groupName };
}
