// Group sender keys for one simulated device, using Baileys' own implementation (lib/Signal/Group) so the
// skmsg and SenderKeyDistributionMessage bytes are exactly what Baileys produces and accepts; only the chain
// step on send is a phone's rather than Baileys' (see `encrypt`). The device's own chain per group is created
// on first use; other members' chains arrive as distribution messages.
import { createCipheriv } from 'node:crypto';
import { BufferJSON } from '@whiskeysockets/baileys';
import {
  GroupCipher,
  GroupSessionBuilder,
  SenderKeyDistributionMessage,
  SenderKeyMessage,
  SenderKeyName,
  SenderKeyRecord,
} from '@whiskeysockets/baileys/lib/Signal/Group/index.js';
import type { SenderKeyStore } from '@whiskeysockets/baileys/lib/Signal/Group/group_cipher.js';
import { deriveBytes, makeKeyPair, withKeyType } from './bundle';
import { toProtocolAddress } from './party';

/** Records kept as the same JSON bytes Baileys stores, so a failed decrypt never leaves a half-updated chain. */
class MemorySenderKeyStore implements SenderKeyStore {
  private readonly records = new Map<string, Buffer>();

  async loadSenderKey(name: SenderKeyName): Promise<SenderKeyRecord> {
    const stored = this.records.get(name.toString());
    return stored ? SenderKeyRecord.deserialize(stored) : new SenderKeyRecord();
  }

  async storeSenderKey(name: SenderKeyName, record: SenderKeyRecord): Promise<void> {
    this.records.set(name.toString(), Buffer.from(JSON.stringify(record.serialize(), BufferJSON.replacer)));
  }

  has(name: SenderKeyName): boolean {
    return this.records.has(name.toString());
  }

  /** Drops every record of `groupJid` but `keep`. */
  forgetGroup(groupJid: string, keep: SenderKeyName): void {
    for (const id of this.records.keys()) {
      if (id.startsWith(`${groupJid}::`) && id !== keep.toString()) this.records.delete(id);
    }
  }
}

export interface SenderKeyPartyOptions {
  /** The device's JID or libsignal address; names its own sender key in every group. */
  jid: string;
  /** Makes this device's own chains reproducible per (seed, group). Received chains are whatever arrives. */
  seed?: string;
}

export class SenderKeyParty {
  readonly jid: string;
  private readonly seed: string | undefined;
  private readonly store = new MemorySenderKeyStore();

  constructor(opts: SenderKeyPartyOptions) {
    this.jid = opts.jid;
    this.seed = opts.seed;
  }

  private nameFor(groupJid: string, senderAddressOrJid: string): SenderKeyName {
    return new SenderKeyName(groupJid, toProtocolAddress(senderAddressOrJid));
  }

  private async ownName(groupJid: string): Promise<SenderKeyName> {
    const name = this.nameFor(groupJid, this.jid);
    if (this.seed !== undefined && !this.store.has(name)) {
      // Without a seed GroupSessionBuilder.create picks random keys; with one we fill the record first and
      // create() keeps it, since it only generates keys for an empty record.
      const label = `sender-key:${groupJid}`;
      const signing = makeKeyPair(this.seed, `${label}:signing`);
      const record = new SenderKeyRecord();
      const keyId = deriveBytes(this.seed, `${label}:id`).readUInt32BE(0) & 0x7fffffff;
      record.setSenderKeyState(keyId, 0, deriveBytes(this.seed, `${label}:chain`), {
        public: withKeyType(signing.public),
        private: signing.private,
      });
      await this.store.storeSenderKey(name, record);
    }
    return name;
  }

  /**
   * Bytes for `message.senderKeyDistributionMessage.axolotlSenderKeyDistributionMessage`. Reflects the chain's
   * current iteration, so members who receive it later cannot read messages sent before it.
   */
  async createDistribution(groupJid: string): Promise<Buffer> {
    const message = await new GroupSessionBuilder(this.store).create(await this.ownName(groupJid));
    return Buffer.from(message.serialize());
  }

  /**
   * skmsg ciphertext for `<enc type=skmsg>`. Pad the plaintext first (see `padMessage`). Messages carry
   * consecutive iterations, starting at the chain's iteration in the last distribution.
   */
  async encrypt(groupJid: string, plaintext: Uint8Array): Promise<Buffer> {
    const name = await this.ownName(groupJid);
    // Like Baileys, make sure a chain exists before the first encrypt even if no distribution was requested.
    await new GroupSessionBuilder(this.store).create(name);
    // Not Baileys' GroupCipher.encrypt: after the first message it encrypts with iteration + 1, skipping one
    // chain step per message, so every receiver files a skipped key per message (up to 2000) in its record.
    // A phone uses the current chain key and advances the chain by exactly one, and so does this.
    const record = await this.store.loadSenderKey(name);
    const state = record.getSenderKeyState();
    if (!state) throw new Error(`no sender-key state for ${name.toString()}`);
    const chain = state.getSenderChainKey();
    const key = chain.getSenderMessageKey();
    const cipher = createCipheriv('aes-256-cbc', key.getCipherKey(), key.getIv());
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const message = new SenderKeyMessage(
      state.getKeyId(),
      key.getIteration(),
      ciphertext,
      state.getSigningKeyPrivate(),
    );
    state.setSenderChainKey(chain.getNext());
    await this.store.storeSenderKey(name, record);
    return Buffer.from(message.serialize());
  }

  async processDistribution(
    groupJid: string,
    senderAddressOrJid: string,
    distribution: Uint8Array,
  ): Promise<void> {
    const message = new SenderKeyDistributionMessage(null, null, null, null, distribution);
    await new GroupSessionBuilder(this.store).process(this.nameFor(groupJid, senderAddressOrJid), message);
  }

  async decrypt(groupJid: string, senderAddressOrJid: string, ciphertext: Uint8Array): Promise<Buffer> {
    const name = this.nameFor(groupJid, senderAddressOrJid);
    if (!this.store.has(name))
      throw new Error(`no sender key from ${name.toString()}: distribution not processed`);
    return Buffer.from(await new GroupCipher(this.store, name).decrypt(ciphertext));
  }

  hasSenderKey(groupJid: string, senderAddressOrJid: string): boolean {
    return this.store.has(this.nameFor(groupJid, senderAddressOrJid));
  }

  /** Forgets the other members' sender keys for the group (its own chain stays), as a phone restored without them. */
  forgetReceivedKeys(groupJid: string): void {
    this.store.forgetGroup(groupJid, this.nameFor(groupJid, this.jid));
  }
}
