import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** The loyalty module's stable error codes (their en and ar messages below). */
export const LoyaltyErrors = {
  /** The customer holds fewer spendable points than asked (another checkout may have just spent them). */
  insufficientPoints: (available: number) =>
    AppError.conflict('loyalty/insufficient-points', `Only ${available} points are available`, { available }),
};

/** What a person reads for each of the loyalty module's codes (problem+json `detail`, en and ar). */
export const LoyaltyMessages = defineMessages({
  'loyalty/insufficient-points': {
    en: 'You do not have that many points to spend',
    ar: 'ليس لديك هذا العدد من النقاط لاستخدامه',
  },
});
