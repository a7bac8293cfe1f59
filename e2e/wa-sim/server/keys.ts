// Prekey bundles and device lists as the server hands them out: for simulated devices from their Signal state,
// for real companions from what they uploaded.
import {
  getBinaryNodeChild,
  getBinaryNodeChildren,
  jidDecode,
  type BinaryNode,
} from '@whiskeysockets/baileys';
import { prekeyUserNode, withKeyType, type PreKeyBundle } from '../signal/bundle';
import { result } from './iq';
import { Account, S_WHATSAPP_NET, type Companion, type SimUser } from './model';
import type { WaSimServer } from './sim';

/** A companion's bundle from its uploaded keys; hands out (and removes) one one-time prekey, like WhatsApp. */
export function companionBundle(companion: Companion): PreKeyBundle {
  const bundle: PreKeyBundle = {
    registrationId: companion.registrationId,
    identityKey: withKeyType(companion.identityKey),
    signedPreKey: {
      keyId: companion.signedPreKey.id,
      publicKey: withKeyType(companion.signedPreKey.publicKey),
      signature: companion.signedPreKey.signature,
    },
  };
  const first = companion.preKeys.entries().next();
  if (first.done) return bundle;
  const [keyId, publicKey] = first.value;
  companion.preKeys.delete(keyId);
  return { ...bundle, preKey: { keyId, publicKey: withKeyType(publicKey) } };
}

/** The bundle of any device, simulated or real. */
export function deviceBundle(user: SimUser, device: number): PreKeyBundle | null {
  const simulated = user.devices.get(device);
  if (simulated) return simulated.bundle();
  const companion = user instanceof Account ? user.companions.get(device) : undefined;
  return companion ? companionBundle(companion) : null;
}

export function deviceIds(user: SimUser): number[] {
  const ids = [...user.devices.keys()];
  if (user instanceof Account) ids.push(...user.companions.keys());
  return ids.sort((a, b) => a - b);
}

/** `<iq xmlns=encrypt type=get><key><user jid/>…</key>`: one bundle per requested device. */
export function answerKeyFetch(server: WaSimServer, iq: BinaryNode): BinaryNode {
  const users: BinaryNode[] = [];
  for (const req of getBinaryNodeChildren(getBinaryNodeChild(iq, 'key'), 'user')) {
    const jid = req.attrs.jid!;
    const found = server.resolve(jid);
    const bundle = found ? deviceBundle(found.user, found.device) : null;
    users.push(
      bundle
        ? prekeyUserNode(jid, bundle)
        : {
            tag: 'user',
            attrs: { jid },
            content: [{ tag: 'error', attrs: { code: '404', text: 'item-not-found' } }],
          },
    );
  }
  return result(iq, [{ tag: 'list', attrs: {}, content: users }]);
}

/** `<iq xmlns=usync>` with the devices and lid protocols: each user's devices and LID. */
export function answerUsync(server: WaSimServer, iq: BinaryNode): BinaryNode {
  const usync = getBinaryNodeChild(iq, 'usync');
  const query = getBinaryNodeChild(usync, 'query');
  const wantsDevices = !!getBinaryNodeChild(query, 'devices');
  const wantsLid = !!getBinaryNodeChild(query, 'lid');
  const users: BinaryNode[] = [];
  for (const req of getBinaryNodeChildren(getBinaryNodeChild(usync, 'list'), 'user')) {
    const jid = req.attrs.jid ?? '';
    const found = server.resolve(jid);
    if (!found) {
      users.push({ tag: 'user', attrs: { jid }, content: [] });
      continue;
    }
    const content: BinaryNode[] = [];
    if (wantsDevices) {
      content.push({
        tag: 'devices',
        attrs: {},
        content: [
          {
            tag: 'device-list',
            attrs: {},
            content: deviceIds(found.user).map((id) => ({
              tag: 'device',
              attrs: { id: String(id), 'key-index': String(id) },
            })),
          },
          { tag: 'key-index-list', attrs: { ts: String(Math.floor(Date.now() / 1000)) } },
        ],
      });
    }
    // The lid protocol maps a phone number to its LID; a request that already names the LID gets nothing.
    if (wantsLid && jidDecode(jid)?.server !== 'lid')
      content.push({ tag: 'lid', attrs: { val: found.user.lid } });
    users.push({
      tag: 'user',
      attrs: {
        jid: jidDecode(jid)?.server === 'lid' ? found.user.lid : `${found.user.user}@${S_WHATSAPP_NET}`,
      },
      content,
    });
  }
  return result(iq, [
    {
      tag: 'usync',
      attrs: {
        sid: usync?.attrs.sid ?? '',
        mode: 'query',
        last: 'true',
        index: '0',
        context: usync?.attrs.context ?? 'message',
      },
      content: [{ tag: 'list', attrs: {}, content: users }],
    },
  ]);
}
