import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from '../../clients/typescript/src/index.js';
import { SENT_MESSAGES, type SentMessages } from '../../src/kernel/messaging/index.js';
import { buildUser, PASSWORD } from '../factories/user.factory.js';
import { bootGolden, refusal, type Golden } from './support/golden.js';

/**
 * Golden flow: verify contacts and recover an account through @medyour/client. Codes are read where a
 * person would read them: the messages the console senders kept (embedded email and SMS).
 */
let g: Golden;
const NEW_PASSWORD = 'Fresh-Start-Secret-81';

beforeAll(async () => {
  g = await bootGolden();
});
afterAll(async () => {
  await g.close();
});

const sent = () => g.t.app.get<SentMessages>(SENT_MESSAGES as never);
const codeIn = (text: string | undefined) => text?.match(/\b(\d{6})\b/)?.[1];
const lastCode = (to: string) => codeIn((to.includes('@') ? sent().lastEmailTo(to) : sent().lastSmsTo(to))?.text);
const otherThan = (code: string) => (code === '000000' ? '000001' : '000000');

async function registered() {
  const client = g.newClient();
  const input = buildUser();
  ok(await client.POST('/v1/auth/register', { body: input }));
  return { client, input };
}

describe('golden flow: account recovery through @medyour/client', () => {
  it('verifies the email with the code sent to it, then resets the password by email', async () => {
    const { client, input } = await registered();
    const { email } = input;
    // Not verified yet: the answer is the same, but no reset code goes to the address.
    ok(await g.newClient().POST('/v1/auth/password/forgot', { body: { identifier: email } }));
    expect(sent().lastEmailTo(email)).toBeUndefined();

    ok(await client.POST('/v1/auth/email/request', { body: { email } }));
    const verification = lastCode(email)!;
    const wrong = await refusal(
      client.POST('/v1/auth/email/verify', { body: { email, code: otherThan(verification) } }),
    );
    expect(wrong).toMatchObject({ status: 400, code: 'auth/invalid-code' });
    ok(await client.POST('/v1/auth/email/verify', { body: { email, code: verification } }));
    expect(ok(await client.GET('/v1/me')).user).toMatchObject({ email, emailVerified: true });

    const stranger = g.newClient();
    const accepted = ok(await stranger.POST('/v1/auth/password/forgot', { body: { identifier: email } }));
    expect(accepted.accepted).toBe(true);
    const code = lastCode(email)!;
    const weak = await refusal(
      stranger.POST('/v1/auth/password/reset', { body: { identifier: email, code, newPassword: 'password' } }),
    );
    expect(weak).toMatchObject({ status: 400, code: 'auth/weak-password' });
    expect(weak.errors.map((e) => e.field)).toContain('newPassword');
    ok(
      await stranger.POST('/v1/auth/password/reset', { body: { identifier: email, code, newPassword: NEW_PASSWORD } }),
    );

    // Every session ended: the old client's refresh fails too.
    expect((await refusal(client.GET('/v1/me'))).status).toBe(401);
    const reused = await refusal(
      stranger.POST('/v1/auth/password/reset', { body: { identifier: email, code, newPassword: 'Another-Secret-92' } }),
    );
    expect(reused).toMatchObject({ status: 400, code: 'auth/invalid-code' });
    const old = await refusal(stranger.POST('/v1/auth/login', { body: { identifier: email, password: PASSWORD } }));
    expect(old).toMatchObject({ status: 401, code: 'auth/invalid-credentials' });
    const back = ok(await stranger.POST('/v1/auth/login', { body: { identifier: email, password: NEW_PASSWORD } }));
    expect(back.user.email).toBe(email);
  });

  it('verifies the phone by SMS code, then resets the password by phone', async () => {
    const { client, input } = await registered();
    const { phone } = input;
    ok(await client.POST('/v1/auth/otp/request', { body: { phone } }));
    ok(await client.POST('/v1/auth/otp/verify', { body: { phone, code: lastCode(phone)! } }));
    expect(ok(await client.GET('/v1/me')).user.phoneVerified).toBe(true);

    ok(await client.POST('/v1/auth/password/forgot', { body: { identifier: phone } }));
    const code = lastCode(phone)!;
    const wrong = await refusal(
      client.POST('/v1/auth/password/reset', {
        body: { identifier: phone, code: otherThan(code), newPassword: NEW_PASSWORD },
      }),
    );
    expect(wrong).toMatchObject({ status: 400, code: 'auth/invalid-code' });
    ok(await client.POST('/v1/auth/password/reset', { body: { identifier: phone, code, newPassword: NEW_PASSWORD } }));
    const back = ok(await client.POST('/v1/auth/login', { body: { identifier: phone, password: NEW_PASSWORD } }));
    expect(back.user.phone).toBe(phone);
  });

  it('changes the password while signed in, ending the session', async () => {
    const { client, input } = await registered();
    const wrong = await refusal(
      client.POST('/v1/me/password', { body: { currentPassword: 'Not-The-Password-1', newPassword: NEW_PASSWORD } }),
    );
    expect(wrong).toMatchObject({ status: 400, code: 'auth/wrong-password' });
    ok(await client.POST('/v1/me/password', { body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }));
    expect((await refusal(client.GET('/v1/me'))).status).toBe(401);
    const back = g.newClient();
    ok(await back.POST('/v1/auth/login', { body: { identifier: input.email, password: NEW_PASSWORD } }));
    expect(ok(await back.GET('/v1/me')).user.email).toBe(input.email);
  });
});
