import { createHash } from 'node:crypto';
import { EMPTY_ROOT, HASH_SIZE, hashChildren, hashLeaf, isHash } from './hash';

// Values from the RFC 6962 reference tree (see test/fixtures/rfc6962-proofs/reference-tree.json).
const EMPTY_LEAF_HASH = '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d';
const ROOT_OF_FIRST_TWO = 'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125';

describe('hashLeaf', () => {
  it('should prefix the input with 0x00 before hashing', () => {
    expect(hashLeaf(new Uint8Array()).toString('hex')).toBe(EMPTY_LEAF_HASH);
    const input = Buffer.from('2021', 'hex');
    const expected = createHash('sha256').update(Buffer.from('002021', 'hex')).digest();
    expect(hashLeaf(input).equals(expected)).toBe(true);
  });

  it('should return a 32-byte Buffer', () => {
    const hash = hashLeaf(Buffer.from('hello'));
    expect(Buffer.isBuffer(hash)).toBe(true);
    expect(hash).toHaveLength(HASH_SIZE);
  });
});

describe('hashChildren', () => {
  it('should prefix the concatenated children with 0x01 before hashing', () => {
    const left = hashLeaf(new Uint8Array());
    const right = hashLeaf(Uint8Array.of(0));
    expect(hashChildren(left, right).toString('hex')).toBe(ROOT_OF_FIRST_TWO);
  });

  it('should depend on the order of the children', () => {
    const a = hashLeaf(Buffer.from('a'));
    const b = hashLeaf(Buffer.from('b'));
    expect(hashChildren(a, b).equals(hashChildren(b, a))).toBe(false);
  });
});

describe('EMPTY_ROOT', () => {
  it('should be SHA-256 of the empty string', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});

describe('isHash', () => {
  it('should accept only 32-byte Uint8Arrays', () => {
    expect(isHash(Buffer.alloc(32))).toBe(true);
    expect(isHash(new Uint8Array(32))).toBe(true);
    expect(isHash(Buffer.alloc(31))).toBe(false);
    expect(isHash(Buffer.alloc(33))).toBe(false);
    expect(isHash('0'.repeat(64))).toBe(false);
    expect(isHash(undefined)).toBe(false);
  });
});
