import { SENT_MESSAGES, type SentMessages } from '../../../src/kernel/messaging/index.js';
import { createStaff, registerUser, registerVerifiedUser } from '../../factories/user.factory.js';
import type { TestApp } from '../../setup/app.js';
import { filePart, multipartBody, PNG } from '../../support/multipart.js';

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string };
  input: { email: string; phone: string; password: string };
}

export interface StoredFile {
  id: string;
  downloadUrl: string;
}

/**
 * The objects the fuzzer's valid requests point at. Each route that changes its own target (ends a
 * session, changes a password, consumes a code) gets a fresh one per request instead (see hints.ts).
 */
export class World {
  private constructor(
    readonly t: TestApp,
    /** Holds every permission: the caller of every non-public route. */
    readonly admin: Session,
    /** Another customer: their file is the "not yours" id. */
    readonly customer: Session,
    readonly customerFile: StoredFile,
    readonly adminFile: StoredFile,
    /** Login target (mutations may lock it out: 423 is documented). */
    readonly loginUser: Session,
    /** Verified contacts (resets go only to them); its code budget runs out early in a run, as it may. */
    readonly resetUser: Session,
    readonly staff: Session,
    readonly doctor: Session,
    /** Suspended and reactivated over and over. */
    readonly victim: Session,
  ) {}

  static async create(t: TestApp): Promise<World> {
    const admin = await createStaff(t, [{ role: 'admin', branchId: null }]);
    const customer = await registerUser(t);
    const [customerFile, adminFile] = [await upload(t, customer), await upload(t, admin)];
    return new World(
      t,
      admin,
      customer,
      customerFile,
      adminFile,
      await registerUser(t),
      await registerVerifiedUser(t),
      await createStaff(t, [{ role: 'support_agent', branchId: null }]),
      await registerUser(t, { type: 'doctor' }),
      await registerUser(t),
    );
  }

  /** Ids the actor must not reach, or that name nothing: each must answer a documented status. */
  otherIds(): string[] {
    return [
      this.customerFile.id,
      this.customer.user.id,
      this.admin.user.id,
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      '0190a0c8-0000-7000-8000-000000000000',
    ];
  }

  /** Objects of another customer: routes that serve only their caller's objects must answer them 404/403. */
  foreignIds(): string[] {
    return [this.customerFile.id];
  }

  freshAdmin(): Promise<Session> {
    return createStaff(this.t, [{ role: 'admin', branchId: null }]);
  }

  register(): Promise<Session> {
    return registerUser(this.t);
  }

  /** A fresh account with verified contacts: each gets its own code budget. */
  registerVerified(): Promise<Session> {
    return registerVerifiedUser(this.t);
  }

  /** The one-time code last sent to a phone or an email address (console senders keep them for tests). */
  codeSentTo(to: string): string {
    const sent = this.t.app.get<SentMessages>(SENT_MESSAGES as never);
    const text = (to.includes('@') ? sent.lastEmailTo(to) : sent.lastSmsTo(to))?.text ?? '';
    const code = /\d{6}/.exec(text)?.[0];
    if (!code) throw new Error(`no code was sent to ${to}`);
    return code;
  }

  /** A fresh signed link to the admin's own file. */
  async signedLink(): Promise<URL> {
    const res = await this.t.http.get(`/v1/files/${this.adminFile.id}`, this.admin.accessToken);
    if (res.status !== 200) throw new Error(`fixture file read failed: ${res.status}`);
    return new URL(res.body.downloadUrl as string, 'http://fuzz.local');
  }
}

async function upload(t: TestApp, owner: Session): Promise<StoredFile> {
  const { payload, contentType } = multipartBody([filePart(PNG)]);
  const res = await t.http.request('POST', '/v1/files', {
    token: owner.accessToken,
    raw: payload,
    headers: { 'content-type': contentType },
  });
  if (res.status !== 201) throw new Error(`fixture upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as StoredFile;
}
