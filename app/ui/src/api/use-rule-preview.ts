// The rule editor's live preview as a React hook over lib/rule-preview.ts.
import { useEffect, useRef, useState } from 'react';
import type { RulePreviewResponse } from '../../../server/api/api-types.ts';
import { createRulePreviewer, type RulePreviewState, type RulePreviewer } from '../../lib/rule-preview.ts';
import { api } from './api.ts';

export function useRulePreview(rule: string, delayMs?: number): RulePreviewState {
  const [state, setState] = useState<RulePreviewState>({ status: 'idle' });
  const previewer = useRef<RulePreviewer | null>(null);
  useEffect(() => {
    const p = createRulePreviewer({ delayMs, preview: (text) => api.post<RulePreviewResponse>('/rules/preview', { rule: text }), onState: setState });
    previewer.current = p;
    return () => p.dispose();
  }, [delayMs]);
  useEffect(() => {
    previewer.current?.update(rule);
  }, [rule]);
  return state;
}
