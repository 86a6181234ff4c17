import { Module } from '@nestjs/common';
import { AppointmentsModule } from '../appointments/index.js';
import { FilesModule } from '../files/index.js';
import { IdentityModule } from '../identity/index.js';
import { OrdersModule } from '../orders/index.js';
import { PrescriptionsModule } from '../prescriptions/index.js';
import { SupportAdminController } from './support.admin.controller.js';
import { SupportController } from './support.controller.js';
import { SupportJobs } from './support.jobs.js';
import { TicketLifecycle } from './support.lifecycle.js';
import { SupportLinks } from './support-links.js';
import { SupportRepository } from './support.repository.js';
import { SupportService } from './support.service.js';
import { SupportStaffService } from './support-staff.service.js';

@Module({
  imports: [OrdersModule, AppointmentsModule, PrescriptionsModule, FilesModule, IdentityModule],
  controllers: [SupportController, SupportAdminController],
  providers: [SupportRepository, TicketLifecycle, SupportLinks, SupportService, SupportStaffService, SupportJobs],
  exports: [SupportService],
})
export class SupportModule {}
