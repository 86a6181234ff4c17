export { BranchesModule } from './branches.module.js';
