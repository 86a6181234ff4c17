import { z } from 'zod';
import { appointmentView } from '../appointments/index.js';
import { fileView } from '../files/index.js';
import { idSchema, pageQuery, pageSchema } from '../../kernel/http/index.js';

export const consultationIdParam = idSchema.describe('The consultation’s id: its appointment’s id');

const videoJoinShape = {
  provider: z.string(),
  room: z.string(),
  url: z.string().describe('Open this to join: it carries the signed join token'),
  token: z.string().describe('The signed join token (JWT), short-lived'),
  expiresAt: z.string().describe('UTC instant the token stops working (ask again for a fresh one)'),
};
export const videoJoinView = z.object(videoJoinShape).meta({ id: 'VideoJoin' });
export type VideoJoinView = z.infer<typeof videoJoinView>;

export const consultationView = z
  .object({
    id: z.string().describe('The appointment’s id'),
    appointment: appointmentView,
    status: appointmentView.shape.status,
    role: z.enum(['patient', 'doctor']).describe('The caller’s part in it'),
    checkIn: z.object({ opensAt: z.string(), closesAt: z.string() }),
    chatOpen: z.boolean(),
    video: z
      .object({
        opensAt: z.string(),
        closesAt: z.string(),
        join: z.object(videoJoinShape).nullable().describe('Present while the room is open to the caller'),
      })
      .nullable()
      .describe('Null for a clinic appointment'),
    rated: z.boolean(),
  })
  .meta({ id: 'Consultation' });
export type ConsultationView = z.infer<typeof consultationView>;

export const messagesQuery = pageQuery;
export type MessagesQuery = z.infer<typeof messagesQuery>;

export const postMessageBody = z
  .strictObject({
    text: z.string().trim().min(1).max(4000).optional(),
    fileIds: z
      .array(idSchema)
      .min(1)
      .max(5)
      .optional()
      .describe('Files the sender uploaded (POST /v1/files); anyone else’s answers 404 `files/not-found`'),
  })
  .refine((b) => b.text !== undefined || b.fileIds !== undefined, {
    message: 'a message needs text or files',
    path: ['text'],
  });
export type PostMessageBody = z.infer<typeof postMessageBody>;

export const messageView = z
  .object({
    id: z.string(),
    consultationId: z.string(),
    senderId: z.string(),
    text: z.string().nullable(),
    attachments: z.array(fileView),
    createdAt: z.string(),
  })
  .meta({ id: 'ConsultationMessage' });
export type MessageView = z.infer<typeof messageView>;
export const messagesPage = pageSchema(messageView);

const noteText = z.string().trim().min(1).max(10_000).nullable().optional();
export const noteDraftBody = z.strictObject({
  subjective: noteText,
  objective: noteText,
  assessment: noteText,
  plan: noteText,
});
export type NoteDraftBody = z.infer<typeof noteDraftBody>;

export const addendumBody = z.strictObject({ text: z.string().trim().min(1).max(10_000) });
export type AddendumBody = z.infer<typeof addendumBody>;

export const addendumView = z
  .object({ id: z.string(), authorId: z.string(), text: z.string(), signedAt: z.string() })
  .meta({ id: 'NoteAddendum' });

export const noteView = z.object({
  consultationId: z.string(),
  doctorId: z.string(),
  subjective: z.string().nullable(),
  objective: z.string().nullable(),
  assessment: z.string().nullable(),
  plan: z.string().nullable(),
  signed: z.boolean(),
  signedAt: z.string().nullable().describe('Set once signed: the note is locked from then on'),
  updatedAt: z.string(),
});

export const notesView = z
  .object({
    note: noteView.nullable().describe('Null when there is none yet (the patient: until it is signed)'),
    addenda: z.array(addendumView),
  })
  .meta({ id: 'ConsultationNotes' });
export type NotesView = z.infer<typeof notesView>;

export const ratingBody = z.strictObject({
  stars: z.number().int().min(1).max(5),
  comment: z.string().trim().min(1).max(1000).optional(),
});
export type RatingBody = z.infer<typeof ratingBody>;

export const ratingView = z
  .object({
    consultationId: z.string(),
    stars: z.number().int(),
    comment: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'ConsultationRating' });
export type RatingView = z.infer<typeof ratingView>;
