// Loads the pinned Admin API schema (introspection JSON, gzipped) once per process.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { buildClientSchema } from 'graphql';
import type { GraphQLSchema, IntrospectionQuery } from 'graphql';
import { ADMIN_SCHEMA_SOURCE, adminSchemaPath } from './schema/schema-source.ts';

let cached: GraphQLSchema | undefined;

export const ADMIN_API_VERSION: string = ADMIN_SCHEMA_SOURCE.apiVersion;

export function loadAdminSchema(): GraphQLSchema {
  if (cached) return cached;
  const raw = JSON.parse(gunzipSync(readFileSync(adminSchemaPath())).toString('utf8')) as { data?: IntrospectionQuery } & Partial<IntrospectionQuery>;
  const introspection = raw.data ?? (raw as IntrospectionQuery);
  if (!introspection.__schema) throw new Error(`No __schema in ${adminSchemaPath()}`);
  cached = buildClientSchema(introspection, { assumeValid: true });
  return cached;
}
