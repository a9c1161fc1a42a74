import { KeyObject, createHash, createPublicKey, sign, verify } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * Signed tree heads of the memory log (docs/memory-log.md, "Signed tree heads").
 * Clients import this file to verify heads, so it depends on node:crypto and canonicalize only.
 */

export const TREE_HEAD_VERSION = 1;
export const TREE_HEAD_ALGORITHM = 'Ed25519';

export interface TreeHead {
  treeSize: number;
  /** Lowercase hex RFC 9162 root hash (SHA-256 of the empty string for an empty log). */
  rootHash: string;
  /** ISO 8601 UTC with milliseconds. */
  timestamp: string;
}

export interface SignedTreeHead extends TreeHead {
  /** Standard base64 (with padding) of the 64-byte Ed25519 signature. */
  signature: string;
  /** Lowercase hex SHA-256 of the signing public key's DER (SPKI) encoding. */
  keyId: string;
  algorithm: typeof TREE_HEAD_ALGORITHM;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const ISO_UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ED25519_SIGNATURE_BYTES = 64;

/**
 * The exact bytes that are signed: UTF-8 of the RFC 8785 canonical JSON of
 * {v, treeSize, rootHash, timestamp}. Fields are validated first because a malformed head that
 * still canonicalizes (e.g. treeSize 1.5 or an upper-case hash) would be signed as is.
 */
export function treeHeadMessage(head: TreeHead): Buffer {
  const { treeSize, rootHash, timestamp } = head;
  if (typeof treeSize !== 'number' || !Number.isSafeInteger(treeSize) || treeSize < 0) {
    throw new TypeError(`Tree head treeSize must be a non-negative safe integer`);
  }
  if (typeof rootHash !== 'string' || !SHA256_HEX.test(rootHash)) {
    throw new TypeError('Tree head rootHash must be 64 lowercase hex characters');
  }
  if (
    typeof timestamp !== 'string' ||
    !ISO_UTC_MILLIS.test(timestamp) ||
    Number.isNaN(Date.parse(timestamp))
  ) {
    throw new TypeError('Tree head timestamp must be ISO 8601 UTC with milliseconds');
  }
  const text = canonicalize({ v: TREE_HEAD_VERSION, treeSize, rootHash, timestamp });
  if (text === undefined) {
    throw new TypeError('Tree head could not be canonicalized');
  }
  return Buffer.from(text, 'utf8');
}

function toPublicKey(key: KeyObject | string): KeyObject {
  // createPublicKey also derives the public half from a private KeyObject or private PEM.
  const publicKey =
    typeof key === 'string'
      ? createPublicKey(key)
      : key.type === 'public'
        ? key
        : createPublicKey(key);
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(
      `Tree heads are signed with Ed25519, got a ${publicKey.asymmetricKeyType ?? 'non-asymmetric'} key`,
    );
  }
  return publicKey;
}

// Heads are signed on every append, so the SPKI export + hash is done once per key object.
const keyIdCache = new WeakMap<KeyObject, string>();

/** Lowercase hex SHA-256 of the public key's DER (SPKI) bytes; accepts a private key too. */
export function keyIdOf(key: KeyObject | string): string {
  const cached = typeof key === 'string' ? undefined : keyIdCache.get(key);
  if (cached !== undefined) {
    return cached;
  }
  const der = toPublicKey(key).export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha256').update(der).digest('hex');
  if (typeof key !== 'string') {
    keyIdCache.set(key, keyId);
  }
  return keyId;
}

export function signTreeHead(privateKey: KeyObject, head: TreeHead): SignedTreeHead {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError('signTreeHead needs an Ed25519 private key');
  }
  const message = treeHeadMessage(head);
  return {
    treeSize: head.treeSize,
    rootHash: head.rootHash,
    timestamp: head.timestamp,
    // Ed25519 hashes internally: the digest argument must be null.
    signature: sign(null, message, privateKey).toString('base64'),
    keyId: keyIdOf(privateKey),
    algorithm: TREE_HEAD_ALGORITHM,
  };
}

/** Node's base64 decoder skips junk, so only the canonical encoding of 64 bytes is accepted. */
function decodeSignature(signature: unknown): Buffer | null {
  if (typeof signature !== 'string') {
    return null;
  }
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== ED25519_SIGNATURE_BYTES || bytes.toString('base64') !== signature) {
    return null;
  }
  return bytes;
}

/**
 * True only if the head is well formed, names Ed25519 and this key's keyId, and the signature
 * verifies. A malformed head yields false rather than an exception, since heads come from
 * untrusted parties; an unusable key (not Ed25519, bad PEM) throws, since that is the caller's bug.
 */
export function verifyTreeHead(publicKey: KeyObject | string, signedHead: SignedTreeHead): boolean {
  const key = toPublicKey(publicKey);
  if (typeof signedHead !== 'object' || signedHead === null) {
    return false;
  }
  if (signedHead.algorithm !== TREE_HEAD_ALGORITHM || signedHead.keyId !== keyIdOf(key)) {
    return false;
  }
  const signature = decodeSignature(signedHead.signature);
  if (signature === null) {
    return false;
  }
  let message: Buffer;
  try {
    message = treeHeadMessage(signedHead);
  } catch {
    return false;
  }
  return verify(null, message, key, signature);
}
