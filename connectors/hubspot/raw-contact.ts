// The raw HubSpot contact the connector reads: every property value is a string or null.
import { z } from 'zod';

export const rawContactSchema = z.object({
  id: z.string().min(1),
  properties: z.record(z.string(), z.string().nullable().optional()),
  createdAt: z.union([z.string(), z.date()]).optional(),
  updatedAt: z.union([z.string(), z.date()]).optional(),
  archived: z.boolean().optional(),
});
export type RawContact = z.infer<typeof rawContactSchema>;
