// QR linking as the phone does it: parse the QR, sign the new companion's identity with the account key
// (ADV), send pair-success, check the companion's counter-signature, then ask it to restart (515).
import { randomBytes, randomInt } from 'node:crypto';
import { Curve, getBinaryNodeChild, hmacSign, proto, type BinaryNode } from '@whiskeysockets/baileys';
import type { Connection } from './connection';
import { S_WHATSAPP_NET, type Account, type Companion } from './model';

const ACCOUNT_SIG_PREFIX = Buffer.from([6, 0]);
const DEVICE_SIG_PREFIX = Buffer.from([6, 1]);

/** A client that connected without credentials and is showing QR codes. */
export interface PendingLink {
  conn: Connection;
  refs: string[];
  registrationId: number;
  identityKey: Buffer;
  signedPreKey: { id: number; publicKey: Buffer; signature: Buffer };
}

export interface ParsedQr {
  ref: string;
  noiseKey: Buffer;
  identityKey: Buffer;
  advSecret: Buffer;
  platform: string;
}

export function parseQr(qr: string): ParsedQr {
  const hash = qr.split('#')[1] ?? qr;
  const [ref, noise, identity, adv, platform] = hash.split(',');
  if (!ref || !noise || !identity || !adv) throw new Error(`not a WhatsApp linking QR: ${qr.slice(0, 60)}`);
  return {
    ref,
    noiseKey: Buffer.from(noise, 'base64'),
    identityKey: Buffer.from(identity, 'base64'),
    advSecret: Buffer.from(adv, 'base64'),
    platform: platform ?? '',
  };
}

export function pendingFromPayload(
  conn: Connection,
  payload: proto.ClientPayload,
  refCount: number,
): PendingLink {
  const data = payload.devicePairingData!;
  const be = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).readUIntBE(0, (b ?? []).length || 1);
  return {
    conn,
    refs: Array.from({ length: refCount }, () => `2@${randomBytes(24).toString('base64')}`),
    registrationId: be(data.eRegid),
    identityKey: Buffer.from(data.eIdent ?? []),
    signedPreKey: {
      id: be(data.eSkeyId),
      publicKey: Buffer.from(data.eSkeyVal ?? []),
      signature: Buffer.from(data.eSkeySig ?? []),
    },
  };
}

export function pairDeviceIq(pending: PendingLink): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'set', id: `pair-${randomBytes(4).toString('hex')}`, xmlns: 'md' },
    content: [
      {
        tag: 'pair-device',
        attrs: {},
        content: pending.refs.map((ref) => ({ tag: 'ref', attrs: {}, content: Buffer.from(ref) })),
      },
    ],
  };
}

/** Builds the pair-success stanza for `device` of `account`; returns it with what the reply must prove. */
export function pairSuccess(
  account: Account,
  device: number,
  qr: ParsedQr,
): { iq: BinaryNode; deviceDetails: Buffer } {
  const deviceDetails = Buffer.from(
    proto.ADVDeviceIdentity.encode({
      rawId: randomInt(1, 2 ** 31),
      timestamp: Math.floor(Date.now() / 1000),
      keyIndex: device,
    }).finish(),
  );
  const accountSignature = Curve.sign(
    account.accountKey.private,
    Buffer.concat([ACCOUNT_SIG_PREFIX, deviceDetails, qr.identityKey]),
  );
  const details = Buffer.from(
    proto.ADVSignedDeviceIdentity.encode({
      details: deviceDetails,
      accountSignatureKey: account.accountKey.public,
      accountSignature,
    }).finish(),
  );
  const identity = proto.ADVSignedDeviceIdentityHMAC.encode({
    details,
    hmac: hmacSign(details, qr.advSecret),
  }).finish();
  const iq: BinaryNode = {
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'set', id: `pair-${randomBytes(4).toString('hex')}`, xmlns: 'md' },
    content: [
      {
        tag: 'pair-success',
        attrs: {},
        content: [
          { tag: 'device-identity', attrs: {}, content: identity },
          { tag: 'platform', attrs: { name: 'smba' } },
          {
            tag: 'device',
            attrs: {
              jid: `${account.user}:${device}@${S_WHATSAPP_NET}`,
              lid: `${account.lidUser}:${device}@lid`,
            },
          },
        ],
      },
    ],
  };
  return { iq, deviceDetails };
}

/** The companion signs back over the same details with its identity key; a wrong signature means a broken client. */
export function verifyPairSign(
  reply: BinaryNode,
  account: Account,
  pending: PendingLink,
  deviceDetails: Buffer,
): void {
  const identityNode = getBinaryNodeChild(getBinaryNodeChild(reply, 'pair-device-sign'), 'device-identity');
  if (!identityNode || !(identityNode.content instanceof Uint8Array))
    throw new Error('pair-device-sign without device-identity');
  const signed = proto.ADVSignedDeviceIdentity.decode(identityNode.content);
  const message = Buffer.concat([
    DEVICE_SIG_PREFIX,
    deviceDetails,
    pending.identityKey,
    account.accountKey.public,
  ]);
  if (!signed.deviceSignature || !Curve.verify(pending.identityKey, message, signed.deviceSignature)) {
    throw new Error('the companion’s device signature does not verify');
  }
}

export function companionFrom(pending: PendingLink, device: number, platform: string): Companion {
  return {
    device,
    registrationId: pending.registrationId,
    identityKey: pending.identityKey,
    signedPreKey: pending.signedPreKey,
    preKeys: new Map(),
    platform,
    conn: null,
    queue: [],
    unacked: new Map(),
  };
}
