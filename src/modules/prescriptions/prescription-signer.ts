import { Inject, Injectable } from '@nestjs/common';
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { CONFIG, type Config } from '../../config/index.js';

export interface Signature {
  keyId: string;
  /** base64url Ed25519 signature of the body's UTF-8 bytes. */
  signature: string;
  /** The signing key's SPKI DER, base64 (recorded with the key id for the invariant check). */
  publicKey: string;
}

/**
 * Ed25519 signatures of prescriptions (node:crypto). New prescriptions are signed with the active key;
 * verification uses the key id stored with each prescription, so a rotated-out key (kept among the public
 * keys) still verifies what it signed.
 */
@Injectable()
export class PrescriptionSigner {
  private readonly privateKey: KeyObject;
  private readonly publicKeys = new Map<string, KeyObject>();

  constructor(@Inject(CONFIG) private readonly config: Config) {
    const keys = config.prescriptions.keys;
    this.privateKey = createPrivateKey({ key: Buffer.from(keys.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
    for (const [id, spki] of Object.entries(keys.publicKeys))
      this.publicKeys.set(id, createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' }));
  }

  sign(body: string): Signature {
    const { activeKeyId, publicKeys } = this.config.prescriptions.keys;
    return {
      keyId: activeKeyId,
      signature: sign(null, Buffer.from(body, 'utf8'), this.privateKey).toString('base64url'),
      publicKey: publicKeys[activeKeyId]!,
    };
  }

  /** False for a changed body, a wrong signature or a key id no longer configured. */
  verify(keyId: string, body: string, signature: string): boolean {
    const key = this.publicKeys.get(keyId);
    if (!key) return false;
    try {
      return verify(null, Buffer.from(body, 'utf8'), key, Buffer.from(signature, 'base64url'));
    } catch {
      return false;
    }
  }
}
