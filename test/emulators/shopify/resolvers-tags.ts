// tagsAdd / tagsRemove on customers: comma splitting, case-insensitive dedupe, 250 tags of at most
// 255 characters, updatedAt bumped only when the tags really change.
import { argString, argStrings } from './context.ts';
import type { Args, RequestContext, TypeResolvers } from './context.ts';
import { dedupeTags } from './customer-store.ts';
import { parseGid } from './gid.ts';
import { customerRef } from './refs.ts';
import type { UserError } from './segment-store.ts';

export const MAX_TAGS = 250;
export const MAX_TAG_LENGTH = 255;

interface TagsPayload {
  node: unknown;
  userErrors: UserError[];
}

function failure(field: string, message: string): TagsPayload {
  return { node: null, userErrors: [{ field: [field], message }] };
}

function splitTags(raw: string[]): string[] {
  return raw.flatMap((value) => value.split(',')).map((tag) => tag.trim()).filter((tag) => tag !== '');
}

export function applyTags(ctx: RequestContext, args: Args, mode: 'add' | 'remove'): TagsPayload {
  if (ctx.forcedUserError !== null) return failure('id', ctx.forcedUserError);
  const id = argString(args, 'id') ?? '';
  const gid = parseGid(id);
  if (!gid) return failure('id', `Invalid global id '${id}'`);
  if (gid.type !== 'Customer') return failure('id', `Tags on ${gid.type} are not supported by the emulator; only Customer`);
  const customers = ctx.shop.customers;
  const record = customers.byId.get(gid.id);
  if (!record) return failure('id', 'Customer does not exist');
  const tags = splitTags(argStrings(args, 'tags'));
  if (mode === 'add') {
    const tooLong = tags.find((tag) => tag.length > MAX_TAG_LENGTH);
    if (tooLong !== undefined) return failure('tags', `Tag '${tooLong.slice(0, 40)}...' is too long (maximum is ${MAX_TAG_LENGTH} characters)`);
    const merged = dedupeTags([...record.tags, ...tags]);
    if (merged.length > MAX_TAGS) return failure('tags', `Customer can have at most ${MAX_TAGS} tags`);
    if (merged.length !== record.tags.length) {
      record.tags = merged;
      customers.touch(record);
    }
  } else {
    const remove = new Set(tags.map((tag) => tag.toLowerCase()));
    const kept = record.tags.filter((tag) => !remove.has(tag.toLowerCase()));
    if (kept.length !== record.tags.length) {
      record.tags = kept;
      customers.touch(record);
    }
  }
  return { node: customerRef(record), userErrors: [] };
}

export const tagMutationResolvers: TypeResolvers = {
  tagsAdd: (_s, args, ctx) => applyTags(ctx, args, 'add'),
  tagsRemove: (_s, args, ctx) => applyTags(ctx, args, 'remove'),
};
