// Answers to the IQs a companion sends on its own behalf (prekeys, keep-alive, passive mode, props). Anything we
// do not model gets an empty result, which Baileys accepts for props, blocklist, privacy and similar queries.
import { getBinaryNodeChild, getBinaryNodeChildren, type BinaryNode } from '@whiskeysockets/baileys';
import { S_WHATSAPP_NET, type Companion } from './model';

export function result(iq: BinaryNode, content?: BinaryNode[]): BinaryNode {
  return { tag: 'iq', attrs: { id: iq.attrs.id!, type: 'result', from: S_WHATSAPP_NET }, content };
}

function bytes(node: BinaryNode | undefined): Buffer {
  return node && node.content instanceof Uint8Array ? Buffer.from(node.content) : Buffer.alloc(0);
}

/** Stores what `<iq xmlns=encrypt type=set>` uploads: the device's one-time prekeys (and a rotated signed prekey). */
export function storeUpload(iq: BinaryNode, companion: Companion): void {
  const list = getBinaryNodeChild(iq, 'list');
  for (const key of getBinaryNodeChildren(list, 'key')) {
    companion.preKeys.set(
      bytes(getBinaryNodeChild(key, 'id')).readUIntBE(0, 3),
      bytes(getBinaryNodeChild(key, 'value')),
    );
  }
  const skey = getBinaryNodeChild(iq, 'skey') ?? getBinaryNodeChild(getBinaryNodeChild(iq, 'rotate'), 'skey');
  if (skey) {
    companion.signedPreKey = {
      id: bytes(getBinaryNodeChild(skey, 'id')).readUIntBE(0, 3),
      publicKey: bytes(getBinaryNodeChild(skey, 'value')),
      signature: bytes(getBinaryNodeChild(skey, 'signature')),
    };
  }
}

/** IQs about the companion's own keys and session; returns null for IQs the simulator routes elsewhere. */
export function ownIq(iq: BinaryNode, companion: Companion): BinaryNode | null {
  const xmlns = iq.attrs.xmlns;
  if (xmlns === 'encrypt') {
    if (getBinaryNodeChild(iq, 'count')) {
      return result(iq, [{ tag: 'count', attrs: { value: String(companion.preKeys.size) } }]);
    }
    if (getBinaryNodeChild(iq, 'digest')) return result(iq, [{ tag: 'digest', attrs: {} }]);
    if (iq.attrs.type === 'set') {
      storeUpload(iq, companion);
      return result(iq);
    }
    return null;
  }
  if (xmlns === 'usync' || xmlns === 'w:g2' || xmlns === 'w:m') return null;
  if (xmlns === 'w:sync:app:state') {
    // App state (chats' archive/mute/pin…) is not modelled: every collection is empty at the version asked for.
    const collections = getBinaryNodeChildren(getBinaryNodeChild(iq, 'sync'), 'collection');
    return result(iq, [
      {
        tag: 'sync',
        attrs: {},
        content: collections.map((c) => ({
          tag: 'collection',
          attrs: { name: c.attrs.name!, version: c.attrs.version ?? '0' },
        })),
      },
    ]);
  }
  if (xmlns === 'privacy' && iq.attrs.type === 'get') {
    // A phone with default privacy: read receipts on, so clients send "read" rather than "read-self".
    const categories = ['last', 'online', 'profile', 'status', 'groupadd', 'readreceipts', 'calladd'];
    return result(iq, [
      {
        tag: 'privacy',
        attrs: {},
        content: categories.map((name) => ({ tag: 'category', attrs: { name, value: 'all' } })),
      },
    ]);
  }
  return result(iq);
}
