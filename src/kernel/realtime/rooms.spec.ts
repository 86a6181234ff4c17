import { describe, expect, it } from 'vitest';
import { buildUserActor } from '../auth/index.js';
import { roomsOf } from './rooms.js';

const ids = { userId: 'u1', sessionId: 's1' };

describe('roomsOf', () => {
  it('puts a customer in their user and session rooms only', () => {
    expect(roomsOf(buildUserActor({ ...ids, accountType: 'customer', roles: [] }))).toEqual(['user:u1', 'session:s1']);
  });

  it('adds the branch rooms of a staff account’s branch-scoped grants, once each', () => {
    const actor = buildUserActor({
      ...ids,
      accountType: 'staff',
      roles: [
        { role: 'pharmacist', branchId: 'b1' },
        { role: 'branch_manager', branchId: 'b1' },
        { role: 'pharmacist', branchId: 'b2' },
        { role: 'admin', branchId: null },
      ],
    });
    expect(roomsOf(actor)).toEqual(['user:u1', 'session:s1', 'branch:b1', 'branch:b2']);
  });

  it('gives a doctor no branch room', () => {
    expect(roomsOf(buildUserActor({ ...ids, accountType: 'doctor', roles: [] }))).toEqual(['user:u1', 'session:s1']);
  });
});
