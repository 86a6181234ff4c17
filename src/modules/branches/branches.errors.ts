import { defineMessages } from '../../kernel/errors/index.js';

/** What a person reads for each of the branches module's codes (problem+json `detail`, en and ar). */
export const BranchesMessages = defineMessages({
  'branches/not-found': { en: 'The branch was not found', ar: 'الفرع غير موجود' },
});
