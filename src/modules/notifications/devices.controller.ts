import { Body, Controller, Delete, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import { DevicesService } from './devices.service.js';
import { deviceBody, deviceIdParam, deviceView, type DeviceBody } from './notifications.dto.js';

@ApiTags('notifications')
@Controller('v1/devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Can('profile:write')
  @Post()
  @Route({
    operationId: 'registerDevice',
    summary: 'Register this app install’s push token for the caller',
    description:
      'The token is an Expo push token (else 400). Registering it again refreshes it; a token last registered by another account moves to the caller (one install, whoever is signed in there). Pushes stop by `DELETE /v1/devices/{id}` (sign-out), and on their own when the push service reports the token dead (`DeviceNotRegistered`).',
    auth: { permission: 'profile:write' },
    status: 201,
    response: deviceView,
  })
  register(@Body({ schema: deviceBody }) body: DeviceBody, @CurrentActor() actor: UserActor) {
    return this.devices.register(actor, body);
  }

  @Can('profile:write')
  @Delete(':id')
  @Route({
    operationId: 'deleteDevice',
    summary: 'Remove a push device of the caller’s (by the id `POST /v1/devices` answered)',
    description:
      'Another account’s device answers 404 `notifications/device-not-found` like a missing one (audited), and stays.',
    auth: { permission: 'profile:write' },
    status: 204,
    errors: [404],
  })
  async remove(
    @Param('id', { schema: deviceIdParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ): Promise<void> {
    await this.devices.remove(actor, id, meta);
  }
}
