import { Module } from '@nestjs/common';
import { AppointmentsModule } from '../appointments/index.js';
import { FilesModule } from '../files/index.js';
import { ProvidersModule } from '../providers/index.js';
import { ConsultationAccess } from './consultation-access.js';
import { ConsultationChatService } from './consultation-chat.service.js';
import { ConsultationNotesService } from './consultation-notes.service.js';
import { CheckInController, ConsultationsController } from './consultations.controller.js';
import { DoctorConsultationsController } from './consultations.doctor.controller.js';
import { ConsultationsRepository } from './consultations.repository.js';
import { ConsultationsService } from './consultations.service.js';
import { JitsiVideoProvider } from './jitsi.video-provider.js';
import { VIDEO_ROOM_PROVIDER } from './video-room.provider.js';

@Module({
  imports: [AppointmentsModule, ProvidersModule, FilesModule],
  controllers: [ConsultationsController, CheckInController, DoctorConsultationsController],
  providers: [
    ConsultationsRepository,
    ConsultationAccess,
    ConsultationsService,
    ConsultationChatService,
    ConsultationNotesService,
    { provide: VIDEO_ROOM_PROVIDER, useClass: JitsiVideoProvider },
  ],
  exports: [ConsultationsService],
})
export class ConsultationsModule {}
