// Per-shop queue of injected faults: request faults matched on a target, consumed in order, and
// bulk faults consumed by the next bulk operation that they fit.
import type { BulkFailFault, BulkMutationLineErrorsFault, DropFault, Fault, FaultTarget, FlowTriggerFault, GraphqlErrorFault, HttpFault } from './types.ts';

export type RequestFault = HttpFault | DropFault | GraphqlErrorFault;

interface Entry {
  fault: Fault;
  remaining: number;
}

export class FaultQueue {
  private entries: Entry[] = [];

  add(fault: Fault): void {
    if (fault.kind === 'bulk-mutation-line-errors' && !(fault.every >= 1)) throw new Error('bulk-mutation-line-errors needs every >= 1');
    const times = 'times' in fault && fault.times !== undefined ? fault.times : 1;
    this.entries.push({ fault, remaining: Math.max(1, times) });
  }

  clear(): void {
    this.entries = [];
  }

  private consume(match: (fault: Fault) => boolean): Fault | undefined {
    const entry = this.entries.find((candidate) => candidate.remaining > 0 && match(candidate.fault));
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining === 0) this.entries = this.entries.filter((candidate) => candidate !== entry);
    return entry.fault;
  }

  takeRequestFault(target: FaultTarget): RequestFault | undefined {
    return this.consume((fault) => (fault.kind === 'http' || fault.kind === 'drop' || fault.kind === 'graphql-error') && (fault.target ?? 'graphql') === target) as RequestFault | undefined;
  }

  takeBulkFail(operation: 'QUERY' | 'MUTATION'): BulkFailFault | undefined {
    return this.consume((fault) => fault.kind === 'bulk-fail' && (fault.operation === undefined || fault.operation === operation)) as BulkFailFault | undefined;
  }

  takeLineErrors(): BulkMutationLineErrorsFault | undefined {
    return this.consume((fault) => fault.kind === 'bulk-mutation-line-errors') as BulkMutationLineErrorsFault | undefined;
  }

  takeFlowTriggerFault(): FlowTriggerFault | undefined {
    return this.consume((fault) => fault.kind === 'flow-trigger') as FlowTriggerFault | undefined;
  }
}
