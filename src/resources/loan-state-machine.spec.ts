import { describe, expect, it } from '@jest/globals';
import { allowedPairs, canTransition, LOAN_TRANSITIONS, type LoanAction } from './loan-state-machine.js';
import { ResourceLoanStatus as S } from './models/resource.enums.js';

describe('loan state machine', () => {
  it('allows exactly the transitions of the contract', () => {
    const pairs = allowedPairs().map(([f, t]) => `${f}->${t}`).sort();
    expect(pairs).toEqual(
      [
        'OFFERED->ACCEPTED',
        'OFFERED->DECLINED',
        'OFFERED->WITHDRAWN',
        'ACCEPTED->DISPATCHED',
        'ACCEPTED->WITHDRAWN',
        'ACCEPTED->CANCELLED',
        'DISPATCHED->RETURNED',
      ].sort(),
    );
  });

  it('refuses every action from the end states', () => {
    for (const from of [S.DECLINED, S.RETURNED, S.WITHDRAWN, S.CANCELLED]) {
      for (const action of Object.keys(LOAN_TRANSITIONS) as LoanAction[]) expect(canTransition(action, from)).toBe(false);
    }
  });

  it('gives each action to the side the contract names', () => {
    expect(Object.fromEntries(Object.entries(LOAN_TRANSITIONS).map(([a, t]) => [a, t.by]))).toEqual({
      accept: 'requester',
      decline: 'requester',
      cancel: 'requester',
      withdraw: 'lender',
      dispatch: 'lender',
      return: 'lender',
    });
  });
});
