import { Module } from '@nestjs/common';
import { FilesModule } from '../files/index.js';
import { PrescriptionUploadsController } from './prescriptions.controller.js';
import { PrescriptionsRepository } from './prescriptions.repository.js';
import { PrescriptionUploadsService } from './prescription-uploads.service.js';

@Module({
  imports: [FilesModule],
  controllers: [PrescriptionUploadsController],
  providers: [PrescriptionsRepository, PrescriptionUploadsService],
  exports: [PrescriptionUploadsService],
})
export class PrescriptionsModule {}
