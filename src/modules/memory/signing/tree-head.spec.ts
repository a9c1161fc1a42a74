import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import {
  SignedTreeHead,
  TreeHead,
  keyIdOf,
  signTreeHead,
  treeHeadMessage,
  verifyTreeHead,
} from './tree-head';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

const head: TreeHead = {
  treeSize: 3,
  rootHash: 'aa'.repeat(32),
  timestamp: '2026-11-27T15:05:55.123Z',
};

describe(treeHeadMessage.name, () => {
  it('should be the canonical JSON of {v, treeSize, rootHash, timestamp}', () => {
    expect(treeHeadMessage(head).toString('utf8')).toBe(
      `{"rootHash":"${'aa'.repeat(32)}","timestamp":"2026-11-27T15:05:55.123Z","treeSize":3,"v":1}`,
    );
  });

  it('should ignore extra properties', () => {
    const extra = { ...head, note: 'x' } as TreeHead;
    expect(treeHeadMessage(extra).equals(treeHeadMessage(head))).toBe(true);
  });

  it('should accept the empty tree', () => {
    const empty = createHash('sha256').digest('hex');
    expect(() => treeHeadMessage({ ...head, treeSize: 0, rootHash: empty })).not.toThrow();
  });

  it.each([
    ['a fractional treeSize', { treeSize: 1.5 }],
    ['a negative treeSize', { treeSize: -1 }],
    ['a string treeSize', { treeSize: '3' }],
    ['an upper-case rootHash', { rootHash: 'AA'.repeat(32) }],
    ['a short rootHash', { rootHash: 'aa' }],
    ['a timestamp without milliseconds', { timestamp: '2026-11-27T15:05:55Z' }],
    ['a numeric timestamp', { timestamp: 1 }],
  ])('should reject %s', (_label, override) => {
    expect(() =>
      treeHeadMessage({ ...head, ...(override as unknown as Partial<TreeHead>) }),
    ).toThrow(TypeError);
  });
});

describe(keyIdOf.name, () => {
  const expected = createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');

  it('should be the lowercase hex SHA-256 of the SPKI DER bytes', () => {
    expect(keyIdOf(publicKey)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should give the same id for the PEM and for the private key', () => {
    expect(keyIdOf(publicKeyPem)).toBe(expected);
    expect(keyIdOf(privateKey)).toBe(expected);
  });

  it('should reject non-Ed25519 keys', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => keyIdOf(ec.publicKey)).toThrow(/Ed25519/);
  });
});

describe(signTreeHead.name, () => {
  it('should produce a head that verifies with the public key, its PEM or node:crypto directly', () => {
    const signed = signTreeHead(privateKey, head);
    expect(signed).toEqual({
      ...head,
      signature: expect.any(String),
      keyId: keyIdOf(publicKey),
      algorithm: 'Ed25519',
    });
    expect(Buffer.from(signed.signature, 'base64')).toHaveLength(64);
    expect(verifyTreeHead(publicKey, signed)).toBe(true);
    expect(verifyTreeHead(publicKeyPem, signed)).toBe(true);
    const message = Buffer.from(
      `{"rootHash":"${head.rootHash}","timestamp":"${head.timestamp}","treeSize":3,"v":1}`,
    );
    expect(verify(null, message, publicKey, Buffer.from(signed.signature, 'base64'))).toBe(true);
  });

  it('should not copy extra properties of the input', () => {
    const signed = signTreeHead(privateKey, { ...head, extra: 1 } as TreeHead);
    expect(Object.keys(signed).sort()).toEqual(
      ['algorithm', 'keyId', 'rootHash', 'signature', 'timestamp', 'treeSize'].sort(),
    );
  });

  it('should refuse a public key or a non-Ed25519 key', () => {
    expect(() => signTreeHead(publicKey, head)).toThrow(TypeError);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => signTreeHead(rsa.privateKey, head)).toThrow(TypeError);
  });
});

describe(verifyTreeHead.name, () => {
  const signed = signTreeHead(privateKey, head);

  const flipFirstChar = (s: string): string => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);

  it.each<[string, Partial<Record<keyof SignedTreeHead, unknown>>]>([
    ['treeSize', { treeSize: 4 }],
    ['rootHash', { rootHash: 'ab'.repeat(32) }],
    ['timestamp', { timestamp: '2026-11-27T15:05:55.124Z' }],
    ['signature', { signature: flipFirstChar(signed.signature) }],
    ['keyId', { keyId: '00'.repeat(32) }],
    ['algorithm', { algorithm: 'Ed448' }],
  ])('should fail when %s is tampered with', (_field, override) => {
    expect(verifyTreeHead(publicKey, { ...signed, ...override } as SignedTreeHead)).toBe(false);
  });

  it('should fail for a signature with junk Node would otherwise ignore', () => {
    expect(verifyTreeHead(publicKey, { ...signed, signature: `${signed.signature}!!` })).toBe(
      false,
    );
    expect(verifyTreeHead(publicKey, { ...signed, signature: ` ${signed.signature}` })).toBe(false);
  });

  it('should fail for a malformed head instead of throwing', () => {
    expect(verifyTreeHead(publicKey, { ...signed, treeSize: -1 })).toBe(false);
    expect(verifyTreeHead(publicKey, { ...signed, signature: 42 } as never)).toBe(false);
    expect(verifyTreeHead(publicKey, null as never)).toBe(false);
  });

  it('should fail with another key pair even if keyId is adjusted', () => {
    const other = generateKeyPairSync('ed25519');
    expect(verifyTreeHead(other.publicKey, signed)).toBe(false);
    expect(verifyTreeHead(other.publicKey, { ...signed, keyId: keyIdOf(other.publicKey) })).toBe(
      false,
    );
  });

  it('should throw for a key that cannot verify Ed25519', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => verifyTreeHead(ec.publicKey, signed)).toThrow(TypeError);
  });
});
