import { defineMachine } from '../../kernel/state-machine.js';

export type AccountStatus = 'active' | 'pending_approval' | 'suspended';

/**
 * An account's status. A doctor starts in `pending_approval` (set at registration, not a step) and is let in
 * by an approval after the licence checks; staff suspend and reactivate; a reactivated doctor goes back to
 * approval rather than straight in, so a suspension cannot be used to skip the licence check.
 */
export const accountMachine = defineMachine<AccountStatus>({
  name: 'identity.account',
  states: ['active', 'pending_approval', 'suspended'],
  transitions: [
    { from: 'pending_approval', to: 'active', allow: ['doctors:approve'] },
    { from: 'pending_approval', to: 'suspended', allow: ['users:write'] },
    { from: 'active', to: 'suspended', allow: ['users:write'] },
    { from: 'suspended', to: 'active', allow: ['users:write'] },
    { from: 'suspended', to: 'pending_approval', allow: ['users:write'] },
  ],
});
