export { PlansModule } from './plans.module.js';
export { PlansMessages } from './plans.errors.js';
export type { PlanView } from './plans.dto.js';
