// The simulator's own certificate root. Baileys checks that the server's intermediate certificate is signed by
// WA_CERT_DETAILS.PUBLIC_KEY; a process that explicitly selects the simulator swaps that key for this root's
// (see ../client.ts). The leaf certifies the server's static Noise key.
import { Curve, proto } from '@whiskeysockets/baileys';

type KeyPair = { private: Uint8Array; public: Uint8Array };

export interface CertChain {
  rootPublic: Uint8Array;
  serverStatic: KeyPair;
  encoded: Uint8Array;
}

export function makeCertChain(): CertChain {
  const root = Curve.generateKeyPair();
  const intermediate = Curve.generateKeyPair();
  const serverStatic = Curve.generateKeyPair();
  const notAfter = Math.floor(Date.now() / 1000) + 365 * 86400;
  const intermediateDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 1,
    issuerSerial: 0,
    key: intermediate.public,
    notAfter,
  }).finish();
  const leafDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 2,
    issuerSerial: 1,
    key: serverStatic.public,
    notAfter,
  }).finish();
  const encoded = proto.CertChain.encode({
    intermediate: { details: intermediateDetails, signature: Curve.sign(root.private, intermediateDetails) },
    leaf: { details: leafDetails, signature: Curve.sign(intermediate.private, leafDetails) },
  }).finish();
  return { rootPublic: root.public, serverStatic, encoded };
}
