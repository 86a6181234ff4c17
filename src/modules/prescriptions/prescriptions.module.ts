import { Module } from '@nestjs/common';
import { AppointmentsModule } from '../appointments/index.js';
import { CartModule } from '../cart/index.js';
import { CatalogModule } from '../catalog/index.js';
import { FilesModule } from '../files/index.js';
import { InventoryModule } from '../inventory/index.js';
import { ProvidersModule } from '../providers/index.js';
import { EPrescriptionAccess } from './e-prescription-access.js';
import { DoctorPrescriptionsController, EPrescriptionsController } from './e-prescriptions.controller.js';
import { EPrescriptionsRepository } from './e-prescriptions.repository.js';
import { EPrescriptionsService } from './e-prescriptions.service.js';
import { PrescriptionSigner } from './prescription-signer.js';
import { PrescriptionUploadsController } from './prescriptions.controller.js';
import { PrescriptionsRepository } from './prescriptions.repository.js';
import { PrescriptionUploadsService } from './prescription-uploads.service.js';
import { RxFillService } from './rx-fill.service.js';

@Module({
  imports: [FilesModule, AppointmentsModule, ProvidersModule, CatalogModule, CartModule, InventoryModule],
  controllers: [PrescriptionUploadsController, EPrescriptionsController, DoctorPrescriptionsController],
  providers: [
    PrescriptionsRepository,
    PrescriptionUploadsService,
    EPrescriptionsRepository,
    PrescriptionSigner,
    EPrescriptionAccess,
    EPrescriptionsService,
    RxFillService,
  ],
  exports: [PrescriptionUploadsService, EPrescriptionsService, RxFillService, PrescriptionSigner],
})
export class PrescriptionsModule {}
