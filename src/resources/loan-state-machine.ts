import { ResourceLoanStatus as S } from './models/resource.enums.js';

/** Who may move a loan: the organisation that asked for the resource, or the one lending it. */
export type LoanSide = 'requester' | 'lender';

export type LoanAction = 'accept' | 'decline' | 'withdraw' | 'cancel' | 'dispatch' | 'return';

export interface LoanTransition {
  from: S[];
  to: S;
  by: LoanSide;
  /** The EDXL-RM message type the transition corresponds to (docs/resources.md). */
  edxl: string;
  /** Allowed in a CLOSED incident: it only releases or ends what is already out. */
  windsDown: boolean;
}

/**
 * The contract's ResourceLoanStatus, and nothing else (invariant 3). The database refuses the
 * same set of transitions (trigger resource_loans_guard); this table gives the caller a clear
 * error before the UPDATE is tried.
 */
export const LOAN_TRANSITIONS: Record<LoanAction, LoanTransition> = {
  accept: { from: [S.OFFERED], to: S.ACCEPTED, by: 'requester', edxl: 'RequisitionResource', windsDown: false },
  decline: { from: [S.OFFERED], to: S.DECLINED, by: 'requester', edxl: 'ResponseToRequestResource (declined)', windsDown: true },
  withdraw: { from: [S.OFFERED, S.ACCEPTED], to: S.WITHDRAWN, by: 'lender', edxl: 'ReleaseResource', windsDown: true },
  cancel: { from: [S.ACCEPTED], to: S.CANCELLED, by: 'requester', edxl: 'ReleaseResource', windsDown: true },
  dispatch: { from: [S.ACCEPTED], to: S.DISPATCHED, by: 'lender', edxl: 'CommitResource', windsDown: false },
  return: { from: [S.DISPATCHED], to: S.RETURNED, by: 'lender', edxl: 'ReturnResource', windsDown: true },
};

export function canTransition(action: LoanAction, from: S): boolean {
  return LOAN_TRANSITIONS[action].from.includes(from);
}

/** Every (from, to) pair the contract allows. */
export function allowedPairs(): [S, S][] {
  return Object.values(LOAN_TRANSITIONS).flatMap((t) => t.from.map((f) => [f, t.to] as [S, S]));
}

/** Statuses that hold quantity on the holding (invariant 1) and that count as filled (invariant 2). */
export const RESERVING = [S.ACCEPTED, S.DISPATCHED];
export const FILLING = [S.ACCEPTED, S.DISPATCHED, S.RETURNED];
