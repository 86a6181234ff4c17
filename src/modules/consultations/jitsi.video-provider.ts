import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { CONFIG, type Config } from '../../config/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { roomName } from './consultations.rules.js';
import type { RoomParticipant, VideoJoin, VideoRoomProvider } from './video-room.provider.js';

/**
 * Jitsi Meet with token authentication (prosody `token` auth, HS256 app secret shared with the server): the
 * join URL carries a JWT that names the room and the user, so a guessed room name without a token is
 * refused by the server. No network call: the token is signed here.
 */
@Injectable()
export class JitsiVideoProvider implements VideoRoomProvider {
  private readonly key: Uint8Array;
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.key = new TextEncoder().encode(config.consultations.video.secret);
  }

  roomFor(appointmentId: string): string {
    return roomName(this.config.consultations.video.secret, appointmentId);
  }

  async join(appointmentId: string, who: RoomParticipant, expiresAtSeconds: number): Promise<VideoJoin> {
    const { domain, appId } = this.config.consultations.video;
    const room = this.roomFor(appointmentId);
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const token = await new SignJWT({
      room,
      context: { user: { id: who.userId, moderator: who.role === 'doctor', affiliation: who.role } },
      moderator: who.role === 'doctor',
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(appId)
      .setAudience('jitsi')
      .setSubject(domain)
      .setIssuedAt(now)
      .setNotBefore(now - 30)
      .setExpirationTime(expiresAtSeconds)
      .sign(this.key);
    return {
      provider: 'jitsi',
      room,
      url: `https://${domain}/${room}?jwt=${token}`,
      token,
      expiresAt: new Date(expiresAtSeconds * 1000),
    };
  }
}
