export { PlansModule } from './plans.module.js';
export { PlansMessages } from './plans.errors.js';
export type { PlanView } from './plans.dto.js';
// For the job worker, the CLI and tests: the renewal use case the `plans.renew` schedule runs.
export { RenewalsService, type RenewalOutcome } from './renewals.service.js';
