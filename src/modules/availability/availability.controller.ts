import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, Public, type UserActor } from '../../kernel/auth/index.js';
import { ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import {
  MAX_SLOT_WINDOW_DAYS,
  availabilityView,
  doctorIdParam,
  putAvailabilityBody,
  slotsQuery,
  slotsView,
  timeOffBody,
  timeOffIdParam,
  timeOffPage,
  timeOffQuery,
  timeOffView,
  type PutAvailabilityBody,
  type SlotsQuery,
  type TimeOffBody,
  type TimeOffQuery,
} from './availability.dto.js';
import { AvailabilityService } from './availability.service.js';

const SELF_ONLY =
  'Always the signed-in doctor’s own (no doctor id in the path); an account that is not a doctor answers 404 `availability/not-a-doctor`.';

@ApiTags('availability')
@Controller('v1/doctor')
export class DoctorAvailabilityController {
  constructor(private readonly availability: AvailabilityService) {}

  @Can('practice:write')
  @Put('availability')
  @Route({
    operationId: 'putDoctorAvailability',
    summary: 'Set the doctor’s weekly hours, date overrides, slot length, buffer, notice and days ahead',
    description: `${SELF_ONLY} Replaces the whole schedule. Hours are wall-clock times in \`timeZone\` (IANA), several intervals a day, never overlapping within a day; an interval ends after it starts (\`24:00\` = the end of the day) and never crosses midnight. An override gives a date’s intervals instead of its weekday’s (\`[]\` = a day off). A doctor pending approval may set it already. Invalid input answers 400 and changes nothing.`,
    auth: { permission: 'practice:write' },
    response: availabilityView,
    errors: [404],
  })
  put(@Body({ schema: putAvailabilityBody }) body: PutAvailabilityBody, @CurrentActor() actor: UserActor) {
    return this.availability.put(actor, body);
  }

  @Can('practice:write')
  @Get('availability')
  @Route({
    operationId: 'getDoctorAvailability',
    summary: 'The doctor’s schedule as last set',
    description: `${SELF_ONLY} A doctor who never set one answers 404 \`availability/not-set\`.`,
    auth: { permission: 'practice:write' },
    response: availabilityView,
    errors: [404],
  })
  mine(@CurrentActor() actor: UserActor) {
    return this.availability.mine(actor);
  }

  @Can('practice:write')
  @Post('time-off')
  @Route({
    operationId: 'addDoctorTimeOff',
    summary: 'Take time off: no slot is offered that overlaps it',
    description: `${SELF_ONLY} Instants (UTC or with an offset); \`endsAt\` after \`startsAt\`, at most 366 days later.`,
    auth: { permission: 'practice:write' },
    status: 201,
    response: timeOffView,
    errors: [404],
  })
  addTimeOff(@Body({ schema: timeOffBody }) body: TimeOffBody, @CurrentActor() actor: UserActor) {
    return this.availability.addTimeOff(actor, body);
  }

  @Can('practice:write')
  @Get('time-off')
  @Route({
    operationId: 'listDoctorTimeOff',
    summary: 'The doctor’s time off still running or to come, earliest first',
    description: SELF_ONLY,
    auth: { permission: 'practice:write' },
    response: timeOffPage,
    errors: [404],
  })
  listTimeOff(@Query({ schema: timeOffQuery }) query: TimeOffQuery, @CurrentActor() actor: UserActor) {
    return this.availability.listTimeOff(actor, query);
  }

  @Can('practice:write')
  @Get('time-off/:id')
  @Route({
    operationId: 'getDoctorTimeOff',
    summary: 'One of the doctor’s time off',
    description: `${SELF_ONLY} Another doctor’s answers 404 \`availability/time-off-not-found\` like a missing one (audited).`,
    auth: { permission: 'practice:write' },
    response: timeOffView,
    errors: [404],
  })
  timeOff(
    @Param('id', { schema: timeOffIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.availability.timeOff(actor, id, meta);
  }

  @Can('practice:write')
  @Delete('time-off/:id')
  @Route({
    operationId: 'deleteDoctorTimeOff',
    summary: 'Cancel time off: its slots are offered again',
    description: `${SELF_ONLY} Another doctor’s answers 404 \`availability/time-off-not-found\` like a missing one (audited), and stays.`,
    auth: { permission: 'practice:write' },
    status: 204,
    errors: [404],
  })
  async removeTimeOff(
    @Param('id', { schema: timeOffIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ): Promise<void> {
    await this.availability.removeTimeOff(actor, id, meta);
  }
}

@ApiTags('availability')
@Controller('v1/doctors')
export class DoctorSlotsController {
  constructor(private readonly availability: AvailabilityService) {}

  @Public()
  @Get(':id/slots')
  @Route({
    operationId: 'listDoctorSlots',
    summary: 'A doctor’s free slots, as UTC instants, with the doctor’s time zone',
    description: `From the doctor’s weekly hours and overrides (read on their clocks, so right across daylight-saving changes), less time off and booked or held time (with the buffer after each), from now + minimum notice to now + days ahead. \`from\`/\`to\`: dates (the doctor’s days, \`to\` included) or instants; default now to 7 days later; at most ${MAX_SLOT_WINDOW_DAYS} days (400 \`availability/bad-window\`). A slot is listed when it starts in the window. An id that names no doctor with availability answers 404 \`availability/doctor-not-found\`.`,
    auth: 'public',
    response: slotsView,
    errors: [404],
  })
  slots(@Param('id', { schema: doctorIdParam }) id: string, @Query({ schema: slotsQuery }) query: SlotsQuery) {
    return this.availability.slots(id, query);
  }
}
