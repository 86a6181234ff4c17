export { PlansModule } from './plans.module.js';
// For checkout and booking: the customer's benefits for pricing, and free consultations used atomically.
export { BENEFITS, PlansService, type Benefit, type BenefitUse, type Benefits } from './plans.service.js';
export { PlansMessages } from './plans.errors.js';
export type { PlanView } from './plans.dto.js';
// For the job worker, the CLI and tests: the renewal use case the `plans.renew` schedule runs.
export { RenewalsService, type RenewalOutcome } from './renewals.service.js';
