// The pairing.* methods: the contract has already checked the channel, normalized the code to upper case and
// validated the number, so each handler is one call into the pairing service.
import type { PairingService } from '../access/pairing-service';
import type { Handlers } from './dispatcher';

export type PairingHandlers = Pick<
  Handlers,
  'pairing.list' | 'pairing.approve' | 'pairing.deny' | 'pairing.revoke'
>;

export function pairingHandlers(pairing: PairingService): PairingHandlers {
  return {
    'pairing.list': (p) => pairing.list(p?.accountId),
    'pairing.approve': (p) => pairing.approve(p.code, p.accountId),
    'pairing.deny': (p) => pairing.deny(p.code, p.accountId),
    'pairing.revoke': (p) => pairing.revoke(p.sender, p.accountId),
  };
}
