import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Permission } from './permissions.js';
import type { UserActor } from './actor.js';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_PERMISSION = 'auth:permission';

/** The route needs no token. With @Can(), the only two ways past the default-deny guard. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** The route needs an access token whose actor holds `permission`. */
export const Can = (permission: Permission) => SetMetadata(REQUIRED_PERMISSION, permission);

/** The authenticated actor of the request (set by the guard). */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): UserActor => {
  return ctx.switchToHttp().getRequest<{ actor: UserActor }>().actor;
});
