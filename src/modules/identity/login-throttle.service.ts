import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors/index.js';
import { loginThrottleKeys } from './identity.tokens.js';
import { LoginThrottleRepository } from './login-throttle.repository.js';

/** A claimed login attempt: the password may now be checked. */
export interface LoginAttempt {
  pairKey: string;
  backstopKey: string;
  /** This attempt reached the per-address threshold: if it fails, the pair is locked (audited once). */
  locksPair: boolean;
  lockedUntil: Date | null;
}

export type LoginClaim = { attempt: LoginAttempt } | { refused: 'locked' | 'throttled'; error: AppError };

class BackstopRefused extends Error {}

/**
 * Login throttling that an attacker cannot turn against the owner.
 *
 * 1. Per identifier + client address: LOCKOUT_THRESHOLD failures lock that pair for LOCKOUT_MINUTES. The
 *    attacker's address is locked; the owner, from any other address, is not.
 * 2. Per identifier, from every address (the backstop against guessing spread over many addresses): after
 *    LOGIN_BACKSTOP_FREE_FAILURES attempts, each further attempt must wait an exponentially growing,
 *    capped interval (429 + Retry-After). We chose a delay over a lock because a delay never shuts the
 *    owner out: at worst they wait LOGIN_BACKSTOP_MAX_DELAY_SECONDS, while a distributed attacker is held
 *    to one guess per interval. (A lock lifted by a code to the verified contact would keep the owner
 *    waiting on a message channel; a delay needs nothing but time.) Attempts refused by the pair lock never
 *    reach the backstop, so one address alone cannot push an identifier into delays.
 *
 * An attempt is claimed (counted) BEFORE the password is checked, atomically, in one transaction over both
 * keys (pair first, then identifier: one lock order, no deadlock); a backstop refusal rolls the pair claim
 * back. A correct password clears the pair and gives its claim back to the backstop.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly repo: LoginThrottleRepository,
  ) {}

  async claim(identifier: string, ip: string): Promise<LoginClaim> {
    const { lockoutThreshold, lockoutMinutes, loginBackstop: b } = this.config.auth;
    const now = this.clock.now();
    const keys = loginThrottleKeys(identifier, ip);
    let pair;
    try {
      pair = await this.repo.transaction(async (tx) => {
        const claimed = await this.repo.claimPair(
          keys.pairKey,
          { threshold: lockoutThreshold, lockMs: lockoutMinutes * 60_000, now },
          tx,
        );
        if (!claimed) return undefined;
        const backstop = await this.repo.claimBackstop(
          keys.backstopKey,
          {
            free: b.freeFailures,
            windowMs: b.windowMinutes * 60_000,
            baseSeconds: b.baseDelaySeconds,
            maxSeconds: b.maxDelaySeconds,
            now,
          },
          tx,
        );
        if (!backstop) throw new BackstopRefused();
        return claimed;
      });
    } catch (err) {
      if (!(err instanceof BackstopRefused)) throw err;
      const until = await this.repo.lockedUntil(keys.backstopKey);
      return {
        refused: 'throttled',
        error: new AppError(
          'rate_limited',
          'auth/login-throttled',
          'Too many attempts for this account; wait before trying again',
          {
            retryAfterSeconds: this.secondsUntil(until, now),
          },
        ),
      };
    }
    if (!pair) {
      const until = await this.repo.lockedUntil(keys.pairKey);
      return {
        refused: 'locked',
        error: new AppError('locked', 'auth/account-locked', 'Too many failed attempts; try again later', {
          retryAfterSeconds: this.secondsUntil(until, now),
        }),
      };
    }
    return { attempt: { ...keys, locksPair: pair.lockedUntil !== null, lockedUntil: pair.lockedUntil } };
  }

  /** The password was right: the pair starts over and the backstop does not count this attempt. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    await this.repo.settleSuccess(attempt.pairKey, attempt.backstopKey);
  }

  private secondsUntil(until: Date | null, now: Date): number {
    // A row cleared between the refusal and this read (the owner just got in) still answers a small wait.
    return until ? Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)) : 1;
  }
}
