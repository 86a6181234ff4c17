/** Who joins a room and as what: the doctor moderates. */
export interface RoomParticipant {
  userId: string;
  role: 'doctor' | 'patient';
}

/** What a participant needs to enter the room. */
export interface VideoJoin {
  provider: string;
  room: string;
  url: string;
  token: string;
  expiresAt: Date;
}

/**
 * Where video consultations happen. A provider names the room of an appointment and signs a participant's
 * short-lived way in; who may join and when is decided before it is asked (consultations service).
 */
export interface VideoRoomProvider {
  roomFor(appointmentId: string): string;
  join(appointmentId: string, who: RoomParticipant, expiresAtSeconds: number): Promise<VideoJoin>;
}

export const VIDEO_ROOM_PROVIDER = Symbol('VIDEO_ROOM_PROVIDER');
