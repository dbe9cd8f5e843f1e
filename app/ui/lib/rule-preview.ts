// The rule editor's live size preview: each edit waits `delayMs` of quiet before one preview
// request goes out, and only the answer to the latest request is shown (an answer to an older
// text that arrives late is dropped). Pure apart from the timers and the request, which are given.
import { validateSegmentKey } from '../../../core/segment-tags.ts';
import type { RulePreviewResponse, RuleProblem } from '../../server/api/api-types.ts';

export type RulePreviewState =
  | { status: 'idle' }
  /** Waiting for the typing to stop. */
  | { status: 'pending'; rule: string }
  | { status: 'loading'; rule: string }
  | { status: 'ok'; rule: string; size: number; share: number; sampleMemberRefs: string[] }
  | { status: 'invalid'; rule: string; problems: RuleProblem[] }
  | { status: 'error'; rule: string; message: string };

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RulePreviewerOptions {
  delayMs?: number;
  preview: (rule: string) => Promise<RulePreviewResponse>;
  onState: (state: RulePreviewState) => void;
  timers?: Timers;
}

export interface RulePreviewer {
  /** The rule text changed. */
  update(rule: string): void;
  /** Preview now, without waiting (e.g. on load). */
  flush(): void;
  /** Stop: no more states are reported. */
  dispose(): void;
  readonly state: RulePreviewState;
}

export const DEFAULT_PREVIEW_DELAY_MS = 400;

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};

export function createRulePreviewer(options: RulePreviewerOptions): RulePreviewer {
  const delayMs = options.delayMs ?? DEFAULT_PREVIEW_DELAY_MS;
  const timers = options.timers ?? defaultTimers;
  let state: RulePreviewState = { status: 'idle' };
  let timer: unknown = null;
  let sequence = 0;
  let disposed = false;
  let current = '';

  function set(next: RulePreviewState): void {
    if (disposed) return;
    state = next;
    options.onState(next);
  }

  function cancelTimer(): void {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
  }

  async function run(rule: string): Promise<void> {
    const id = ++sequence;
    set({ status: 'loading', rule });
    try {
      const result = await options.preview(rule);
      if (id !== sequence) return;
      if (result.ok) set({ status: 'ok', rule, size: result.size, share: result.share, sampleMemberRefs: result.sampleMemberRefs });
      else set({ status: 'invalid', rule, problems: result.problems });
    } catch (error) {
      if (id !== sequence) return;
      set({ status: 'error', rule, message: error instanceof Error ? error.message : String(error) });
    }
  }

  return {
    update(rule) {
      current = rule;
      cancelTimer();
      if (rule.trim() === '') {
        sequence += 1; // an answer still on its way is for an older text
        set({ status: 'idle' });
        return;
      }
      set({ status: 'pending', rule });
      timer = timers.setTimeout(() => {
        timer = null;
        void run(rule);
      }, delayMs);
    },
    flush() {
      cancelTimer();
      if (current.trim() === '') return;
      void run(current);
    },
    dispose() {
      cancelTimer();
      disposed = true;
      sequence += 1;
    },
    get state() {
      return state;
    },
  };
}

/** "line 2, column 7: unknown field ordrs (did you mean orders?)" */
export function describeProblem(problem: RuleProblem): string {
  const where = `line ${problem.line}, column ${problem.column}`;
  return `${where}: ${problem.message}${problem.suggestion ? ` (did you mean ${problem.suggestion}?)` : ''}`;
}

/** Segment keys: lower-case slug, as core/model.ts expects. Null when valid, else why not. */
export function checkSegmentKey(key: string): string | null {
  if (key.trim() === '') return 'A key is required.';
  if (!validateSegmentKey(key).valid) return 'Use lower-case letters, digits and single hyphens (e.g. big-spenders).';
  if (key.length > 60) return 'Keep the key under 60 characters.';
  return null;
}

/** A key suggested from the name: "Big spenders!" -> "big-spenders". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}
