// Interop, not self-consistency: every ciphertext here is produced or consumed by Baileys' real client-side
// repository (makeLibSignalRepository over initAuthCreds and the prekeys it would upload).
import {
  Curve,
  decodeBinaryNode,
  encodeBinaryNode,
  parseAndInjectE2ESessions,
  proto,
  type BinaryNode,
} from '@whiskeysockets/baileys';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeBaileysPeer, type BaileysPeer } from './baileys-peer';
import {
  bundleFromUpload,
  keyUploadFromNode,
  padMessage,
  parseKeyUpload,
  prekeyUserNode,
  signalAddressFor,
  SignalDevice,
  unpadMessage,
  verifyBundle,
} from './party';

const ME = '15550001111:7@s.whatsapp.net';
const CONTACT = '15551234567@s.whatsapp.net';

const encode = (message: proto.IMessage) => padMessage(proto.Message.encode(message).finish());
const decode = (padded: Uint8Array) => proto.Message.decode(unpadMessage(padded));

/** Baileys only ever sees the node after a trip through the binary codec; so does the simulator's server. */
async function overTheWire(node: BinaryNode): Promise<BinaryNode> {
  return decodeBinaryNode(encodeBinaryNode(node));
}

let peer: BaileysPeer;

beforeEach(async () => {
  // libsignal narrates session open/close on the console; keep test output readable.
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  peer = await makeBaileysPeer();
});

describe('signalAddressFor', () => {
  it('matches Baileys for PN, LID, hosted and device forms', () => {
    const jids = [
      CONTACT,
      '15551234567:3@s.whatsapp.net',
      '15551234567@c.us',
      '123456789012345@lid',
      '123456789012345:2@lid',
      '15551234567:99@hosted',
      '123456789012345:99@hosted.lid',
    ];
    for (const jid of jids)
      expect(signalAddressFor(jid), jid).toBe(peer.repository.jidToSignalProtocolAddress(jid));
    expect(signalAddressFor('123456789012345:2@lid')).toBe('123456789012345_1.2');
    expect(signalAddressFor('15551234567:99@hosted')).toBe('15551234567_128.99');
  });

  it('rejects device 99 outside hosted domains, like Baileys', () => {
    expect(() => signalAddressFor('15551234567:99@s.whatsapp.net')).toThrow(/hosted/);
    expect(() => peer.repository.jidToSignalProtocolAddress('15551234567:99@s.whatsapp.net')).toThrow();
  });
});

describe('prekey upload parsing', () => {
  it('reads back exactly what Baileys uploads', async () => {
    const upload = parseKeyUpload(keyUploadFromNode(await overTheWire(peer.uploadNode)));
    const { creds } = peer;
    expect(upload.registrationId).toBe(creds.registrationId);
    expect(upload.identityKey).toEqual(Buffer.concat([Buffer.from([5]), creds.signedIdentityKey.public]));
    expect(upload.signedPreKey.keyId).toBe(creds.signedPreKey.keyId);
    expect(upload.signedPreKey.signature).toEqual(Buffer.from(creds.signedPreKey.signature));
    expect(upload.preKeys.map((k) => k.keyId)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const stored = await peer.keys.get('pre-key', ['17']);
    expect(upload.preKeys[16]?.publicKey.subarray(1)).toEqual(Buffer.from(stored['17']!.public));

    const bundle = bundleFromUpload(upload, 17);
    expect(bundle.preKey?.keyId).toBe(17);
    expect(verifyBundle(bundle)).toBe(true);
    expect(bundleFromUpload(upload, null).preKey).toBeUndefined();
    expect(() => bundleFromUpload(upload, 999)).toThrow(/999/);
  });

  it('refuses truncated fields instead of building a broken bundle', () => {
    const raw = keyUploadFromNode(peer.uploadNode);
    expect(() => parseKeyUpload({ ...raw, identity: raw.identity.subarray(1) })).toThrow(/identity key/);
    expect(() => parseKeyUpload({ ...raw, registration: raw.registration.subarray(1) })).toThrow(
      /registration/,
    );
  });
});

describe('contact → Baileys', () => {
  it('pkmsg until Baileys answers, then msg; Baileys decrypts every one', async () => {
    const contact = SignalDevice.create({ jid: CONTACT });
    const bundle = bundleFromUpload(keyUploadFromNode(await overTheWire(peer.uploadNode)));
    const remote = { address: signalAddressFor(ME), bundle };

    const first = await contact.encryptFor(remote, encode({ conversation: 'hi' }));
    expect(first.type).toBe('pkmsg');
    const plain1 = await peer.repository.decryptMessage({
      jid: CONTACT,
      type: first.type,
      ciphertext: first.ciphertext,
    });
    expect(decode(plain1).conversation).toBe('hi');
    // The one-time prekey is spent on Baileys' side, exactly as after a real first message.
    expect(await peer.keys.get('pre-key', ['1'])).toEqual({});

    // Signal keeps the prekey header on everything sent before the first reply (libsignal clears
    // pendingPreKey only on decrypting one), so a contact that has only ever sent still sends pkmsg.
    const second = await contact.encryptFor({ address: ME }, encode({ conversation: 'again' }));
    expect(second.type).toBe('pkmsg');
    expect(decode(await peer.repository.decryptMessage({ jid: CONTACT, ...second })).conversation).toBe(
      'again',
    );

    const answer = await peer.repository.encryptMessage({
      jid: CONTACT,
      data: encode({ conversation: 'yes?' }),
    });
    expect(answer.type).toBe('msg');
    expect(decode(await contact.decryptFrom(ME, answer.type, answer.ciphertext)).conversation).toBe('yes?');

    const third = await contact.encryptFor({ address: ME }, encode({ conversation: 'now a msg' }));
    expect(third.type).toBe('msg');
    expect(decode(await peer.repository.decryptMessage({ jid: CONTACT, ...third })).conversation).toBe(
      'now a msg',
    );
  });

  it('needs a bundle to start and refuses one whose signature does not verify', async () => {
    const contact = SignalDevice.create({ jid: CONTACT });
    await expect(contact.encryptFor({ address: ME }, Buffer.from('x'))).rejects.toThrow(/no bundle/);
    const bundle = bundleFromUpload(keyUploadFromNode(peer.uploadNode));
    const forged = { ...bundle, signedPreKey: { ...bundle.signedPreKey, signature: Buffer.alloc(64, 1) } };
    await expect(contact.encryptFor({ address: ME, bundle: forged }, Buffer.from('x'))).rejects.toThrow(
      /signature/,
    );
    // Pins the rc14 quirk verifyBundle works around: Baileys' Curve.verify accepts the forgery.
    const { identityKey, signedPreKey } = forged;
    expect(Curve.verify(identityKey, signedPreKey.publicKey, signedPreKey.signature)).toBe(true);
  });

  it('keeps the session under the LID once Baileys knows the PN → LID mapping', async () => {
    const lid = '123456789012345@lid';
    await peer.repository.lidMapping.storeLIDPNMappings([{ lid, pn: CONTACT }]);
    const contact = SignalDevice.create({ jid: CONTACT });
    const bundle = bundleFromUpload(keyUploadFromNode(peer.uploadNode));
    const first = await contact.encryptFor({ address: ME, bundle }, encode({ conversation: 'via pn' }));
    expect(decode(await peer.repository.decryptMessage({ jid: CONTACT, ...first })).conversation).toBe(
      'via pn',
    );
    expect(Object.keys(await peer.keys.get('session', ['123456789012345_1.0', '15551234567.0']))).toEqual([
      '123456789012345_1.0',
    ]);
    const second = await contact.encryptFor({ address: ME }, encode({ conversation: 'via lid' }));
    expect(decode(await peer.repository.decryptMessage({ jid: lid, ...second })).conversation).toBe(
      'via lid',
    );
  });
});

describe('Baileys → contact', () => {
  it('injectE2ESession with the contact bundle, then a pkmsg the contact decrypts', async () => {
    const contact = SignalDevice.create({ jid: CONTACT, preKeyCount: 3 });
    await peer.repository.injectE2ESession({ jid: CONTACT, session: contact.bundle() });
    expect(contact.unissuedPreKeys).toBe(2);

    const out = await peer.repository.encryptMessage({
      jid: CONTACT,
      data: encode({ conversation: 'hello contact' }),
    });
    expect(out.type).toBe('pkmsg');
    const plain = await contact.decryptFrom(signalAddressFor(ME), out.type, out.ciphertext);
    expect(decode(plain).conversation).toBe('hello contact');
    expect(await contact.hasSession(ME)).toBe(true);

    // The reply rides the same session: a plain msg both ways from here on.
    const reply = await contact.encryptFor({ address: ME }, encode({ conversation: 'hello yourself' }));
    expect(reply.type).toBe('msg');
    expect(decode(await peer.repository.decryptMessage({ jid: CONTACT, ...reply })).conversation).toBe(
      'hello yourself',
    );
    const next = await peer.repository.encryptMessage({ jid: CONTACT, data: encode({ conversation: 'ok' }) });
    expect(next.type).toBe('msg');
    expect(decode(await contact.decryptFrom(ME, next.type, next.ciphertext)).conversation).toBe('ok');
  });

  it('serves keys as a prekey-fetch answer Baileys parses with parseAndInjectE2ESessions', async () => {
    const contact = SignalDevice.create({ jid: CONTACT });
    const answer: BinaryNode = {
      tag: 'iq',
      attrs: { type: 'result' },
      content: [{ tag: 'list', attrs: {}, content: [prekeyUserNode(CONTACT, contact.bundle())] }],
    };
    await parseAndInjectE2ESessions(await overTheWire(answer), peer.repository);
    const out = await peer.repository.encryptMessage({
      jid: CONTACT,
      data: encode({ conversation: 'fetched' }),
    });
    expect(decode(await contact.decryptFrom(ME, out.type, out.ciphertext)).conversation).toBe('fetched');
  });

  it('still works once the contact has handed out all its one-time prekeys', async () => {
    const contact = SignalDevice.create({ jid: CONTACT, preKeyCount: 0 });
    const bundle = contact.bundle();
    expect(bundle.preKey).toBeUndefined();
    await peer.repository.injectE2ESession({ jid: CONTACT, session: bundle });
    const out = await peer.repository.encryptMessage({
      jid: CONTACT,
      data: encode({ conversation: 'no otk' }),
    });
    expect(decode(await contact.decryptFrom(ME, out.type, out.ciphertext)).conversation).toBe('no otk');
  });
});

describe('deterministic seeds', () => {
  it('same seed gives the same keys and registration id; another seed does not', () => {
    const a = SignalDevice.create({ jid: CONTACT, seed: 'alice' });
    const b = SignalDevice.create({ jid: CONTACT, seed: 'alice' });
    const c = SignalDevice.create({ jid: CONTACT, seed: 'bob' });
    expect(b.bundle()).toEqual(a.bundle());
    expect(b.registrationId).toBe(a.registrationId);
    expect(c.identityKey).not.toEqual(a.identityKey);
    expect(c.bundle().signedPreKey.publicKey).not.toEqual(a.bundle().signedPreKey.publicKey);
  });

  it('seeded keys are valid Curve25519 keys Baileys can talk to', async () => {
    const contact = SignalDevice.create({ jid: CONTACT, seed: 'carol' });
    const bundle = contact.bundle();
    expect(verifyBundle(bundle)).toBe(true);
    await peer.repository.injectE2ESession({ jid: CONTACT, session: bundle });
    const out = await peer.repository.encryptMessage({
      jid: CONTACT,
      data: encode({ conversation: 'seeded' }),
    });
    expect(decode(await contact.decryptFrom(ME, out.type, out.ciphertext)).conversation).toBe('seeded');
  });
});
