import { Module } from '@nestjs/common';
import { BranchesAdminController } from './branches.admin.controller.js';
import { BranchesController } from './branches.controller.js';
import { BranchesRepository } from './branches.repository.js';
import { BranchesService } from './branches.service.js';

@Module({
  controllers: [BranchesController, BranchesAdminController],
  providers: [BranchesRepository, BranchesService],
  exports: [BranchesService],
})
export class BranchesModule {}
