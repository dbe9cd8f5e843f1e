// What a user may give as a rule segment's key and name (the CLI and the admin API check the same
// way): the key is a lower-case slug of at most 60 characters, the segment key is `rule-<key>`.
import { validateSegmentKey } from '../segment-tags.ts';

export const MAX_RULE_KEY_LENGTH = 60;
export const MAX_RULE_NAME_LENGTH = 100;

/** Why a rule key is not acceptable, or null. */
export function ruleKeyProblem(key: string): string | null {
  if (key.length > MAX_RULE_KEY_LENGTH || !validateSegmentKey(key).valid) {
    return `rule key "${key}" must be a lower-case slug (letters, digits and single dashes) of at most ${MAX_RULE_KEY_LENGTH} characters, e.g. vip-subscribers`;
  }
  return null;
}

/** Why a rule name (after trimming) is not acceptable, or null. */
export function ruleNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_RULE_NAME_LENGTH) return `a rule segment needs a name of 1 to ${MAX_RULE_NAME_LENGTH} characters`;
  if (trimmed.includes('\u0000')) return 'a rule name must not contain NUL characters';
  return null;
}
