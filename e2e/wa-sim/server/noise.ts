// The responder side of WhatsApp's Noise XX handshake (Baileys ships only the initiator). Mirrors the client's
// quirks exactly: the hash and chaining key start as NOISE_MODE, every mixIntoKey resets the nonce counter, and
// the client encrypts its static key with counter 1 because it does not reset after decrypting the certificate.
import {
  Curve,
  NOISE_MODE,
  aesDecryptGCM,
  aesEncryptGCM,
  hkdf,
  proto,
  sha256,
} from '@whiskeysockets/baileys';
import type { CertChain } from './certs';

type KeyPair = { private: Uint8Array; public: Uint8Array };

function iv(counter: number): Uint8Array {
  const out = new Uint8Array(12);
  new DataView(out.buffer).setUint32(8, counter);
  return out;
}

/** Transport keys once the handshake is done: the client writes with c2s, we write with s2c. */
export class TransportCipher {
  private readCounter = 0;
  private writeCounter = 0;
  constructor(
    private readonly decKey: Buffer,
    private readonly encKey: Buffer,
  ) {}

  decrypt(data: Uint8Array): Buffer {
    return aesDecryptGCM(data, this.decKey, iv(this.readCounter++), Buffer.alloc(0));
  }

  encrypt(data: Uint8Array): Buffer {
    return aesEncryptGCM(data, this.encKey, iv(this.writeCounter++), Buffer.alloc(0));
  }
}

export class NoiseResponder {
  private hash: Buffer;
  private salt: Buffer;
  private key: Buffer;
  private counter = 0;
  private ephemeral: KeyPair = Curve.generateKeyPair();
  clientStatic: Buffer | null = null;

  constructor(
    private readonly serverStatic: KeyPair,
    private readonly certChain: CertChain,
  ) {
    this.hash = Buffer.from(NOISE_MODE);
    this.salt = this.hash;
    this.key = this.hash;
  }

  /** The intro bytes the client sent before its first frame (WA 06 03). */
  authenticate(data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  private mixIntoKey(material: Uint8Array): void {
    const out = Buffer.from(hkdf(Buffer.from(material), 64, { salt: this.salt, info: '' }));
    this.salt = out.subarray(0, 32);
    this.key = out.subarray(32);
    this.counter = 0;
  }

  private encrypt(plain: Uint8Array): Buffer {
    const out = aesEncryptGCM(plain, this.key, iv(this.counter++), this.hash);
    this.authenticate(out);
    return out;
  }

  private decrypt(cipher: Uint8Array): Buffer {
    const out = aesDecryptGCM(cipher, this.key, iv(this.counter++), this.hash);
    this.authenticate(cipher);
    return out;
  }

  /** ClientHello in, ServerHello out. */
  respondToHello(clientHello: Uint8Array): Uint8Array {
    const hello = proto.HandshakeMessage.decode(clientHello).clientHello;
    if (!hello?.ephemeral) throw new Error('expected a ClientHello with an ephemeral key');
    const clientEphemeral = hello.ephemeral;
    this.authenticate(clientEphemeral);
    this.authenticate(this.ephemeral.public);
    this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, clientEphemeral));
    const staticEnc = this.encrypt(this.serverStatic.public);
    this.mixIntoKey(Curve.sharedKey(this.serverStatic.private, clientEphemeral));
    const payloadEnc = this.encrypt(this.certChain.encoded);
    this.clientEphemeral = clientEphemeral;
    return proto.HandshakeMessage.encode({
      serverHello: { ephemeral: this.ephemeral.public, static: staticEnc, payload: payloadEnc },
    }).finish();
  }

  private clientEphemeral: Uint8Array | null = null;

  /** ClientFinish in: returns the client's login/registration payload and the transport cipher. */
  finish(clientFinish: Uint8Array): { payload: proto.ClientPayload; transport: TransportCipher } {
    const finish = proto.HandshakeMessage.decode(clientFinish).clientFinish;
    if (!finish?.static || !finish.payload) throw new Error('expected a ClientFinish');
    // The client's counter was not reset after it decrypted our certificate: its static key used nonce 1.
    this.counter = 1;
    const clientStatic = this.decrypt(finish.static);
    this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, clientStatic));
    const payload = proto.ClientPayload.decode(this.decrypt(finish.payload));
    const keys = Buffer.from(hkdf(Buffer.alloc(0), 64, { salt: this.salt, info: '' }));
    this.clientStatic = clientStatic;
    return { payload, transport: new TransportCipher(keys.subarray(0, 32), keys.subarray(32)) };
  }
}

/** Splits a byte stream into 3-byte-length-prefixed frames, skipping the client's intro header first. */
export class FrameReader {
  private buffer = Buffer.alloc(0);
  private introDone = false;
  intro: Buffer | null = null;

  push(chunk: Buffer): Buffer[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (!this.introDone) {
      const introLength = this.introLength();
      if (introLength === null || this.buffer.length < introLength) return [];
      this.intro = this.buffer.subarray(introLength - 4, introLength);
      this.buffer = this.buffer.subarray(introLength);
      this.introDone = true;
    }
    const frames: Buffer[] = [];
    while (this.buffer.length >= 3) {
      const size = (this.buffer[0]! << 16) | (this.buffer[1]! << 8) | this.buffer[2]!;
      if (this.buffer.length < size + 3) break;
      frames.push(this.buffer.subarray(3, size + 3));
      this.buffer = this.buffer.subarray(size + 3);
    }
    return frames;
  }

  /** `WA 06 03`, or `ED 00 01 <len:3> <routing info> WA 06 03` once the client holds routing info. */
  private introLength(): number | null {
    if (this.buffer.length < 4) return null;
    if (this.buffer[0] === 0x45 && this.buffer[1] === 0x44) {
      if (this.buffer.length < 7) return null;
      const len = (this.buffer[4]! << 16) | this.buffer.readUInt16BE(5);
      return 7 + len + 4;
    }
    return 4;
  }
}

export function frame(data: Uint8Array): Buffer {
  const out = Buffer.alloc(3 + data.length);
  out[0] = (data.length >>> 16) & 0xff;
  out[1] = (data.length >>> 8) & 0xff;
  out[2] = data.length & 0xff;
  out.set(data, 3);
  return out;
}
