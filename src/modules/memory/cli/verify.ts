/**
 * Client-side verified read, for anyone who does not want to trust the server:
 *
 *   npm run verify -- --url http://localhost:3000 --id <memory id> [--trusted-head head.json] [--save-head head.json]
 *
 * Recalls the memory, recomputes its leaf from the fields and content it was given, fetches a
 * freshly signed tree head and checks its Ed25519 signature, checks the memory's inclusion proof
 * against that head and, given a head saved earlier, checks that the log only grew since.
 * Exit 0: verified. Exit 1: not verified (one line saying why). Exit 2: bad usage.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { contentSha256, leafInput } from '../leaf';
import { checkConsistency, checkInclusion } from '../merkle/verifier';
import { hashLeaf } from '../merkle/hash';
import { keyIdOf, SignedTreeHead, verifyTreeHead } from '../signing/tree-head';

class NotVerified extends Error {}

const hex = (value: string): Buffer => Buffer.from(value, 'hex');

async function getJson<T>(base: string, path: string): Promise<T> {
  const res = await fetch(new URL(path, base));
  const text = await res.text();
  if (!res.ok) {
    throw new NotVerified(`GET ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  }
  return JSON.parse(text) as T;
}

interface RecalledMemory {
  id: string;
  kind: string;
  contentType: string;
  contentSha256: string;
  tags: string[];
  createdAt: string;
  leafIndex: number;
  leafHash: string;
  content: unknown;
}

export async function verifyMemory(options: {
  url: string;
  id: string;
  trustedHead?: SignedTreeHead;
}): Promise<{ head: SignedTreeHead; leafIndex: number }> {
  const { url, id } = options;
  const memory = await getJson<RecalledMemory>(url, `/api/v1/memories/${encodeURIComponent(id)}`);
  if (memory.id !== id) {
    throw new NotVerified(`asked for memory ${id} but the server answered with ${memory.id}`);
  }
  const digest = contentSha256(memory.content);
  if (digest.sha256 !== memory.contentSha256) {
    throw new NotVerified(
      `the content hashes to ${digest.sha256}, not the claimed contentSha256 ${memory.contentSha256}`,
    );
  }
  const leaf = hashLeaf(
    leafInput({
      id: memory.id,
      kind: memory.kind,
      contentType: memory.contentType,
      contentSha256: digest.sha256,
      tags: memory.tags,
      createdAt: memory.createdAt,
    }),
  );
  if (leaf.toString('hex') !== memory.leafHash) {
    throw new NotVerified(
      `the memory's fields hash to leaf ${leaf.toString('hex')}, not ${memory.leafHash}`,
    );
  }

  const publicKeyPem = await (await fetch(new URL('/api/v1/log/public-key', url))).text();
  const head = await getJson<SignedTreeHead>(url, '/api/v1/log/head');
  if (keyIdOf(publicKeyPem) !== head.keyId) {
    throw new NotVerified(
      `the head is signed by key ${head.keyId}, not the published key ${keyIdOf(publicKeyPem)}`,
    );
  }
  if (!verifyTreeHead(publicKeyPem, head)) {
    throw new NotVerified('the tree head signature does not verify');
  }
  if (options.trustedHead && options.trustedHead.keyId !== head.keyId) {
    throw new NotVerified(
      `the trusted head was signed by key ${options.trustedHead.keyId}, the server now uses ${head.keyId}`,
    );
  }

  const proof = await getJson<{
    auditPath: string[];
    rootHash: string;
    leafIndex: number;
    treeSize: number;
  }>(url, `/api/v1/memories/${encodeURIComponent(id)}/proof?treeSize=${head.treeSize}`);
  try {
    checkInclusion({
      leafHash: leaf,
      leafIndex: memory.leafIndex,
      treeSize: head.treeSize,
      proof: proof.auditPath.map(hex),
      rootHash: hex(head.rootHash),
    });
  } catch (error) {
    throw new NotVerified(
      `inclusion proof of leaf ${memory.leafIndex} in tree ${head.treeSize}: ${(error as Error).message}`,
    );
  }

  const trusted = options.trustedHead;
  if (trusted) {
    if (!verifyTreeHead(publicKeyPem, trusted)) {
      throw new NotVerified('the trusted head signature does not verify with the published key');
    }
    if (trusted.treeSize > head.treeSize) {
      throw new NotVerified(
        `the log shrank: trusted size ${trusted.treeSize}, now ${head.treeSize}`,
      );
    }
    const consistency = await getJson<{ proof: string[] }>(
      url,
      `/api/v1/log/consistency?from=${trusted.treeSize}&to=${head.treeSize}`,
    );
    try {
      checkConsistency({
        size1: trusted.treeSize,
        size2: head.treeSize,
        proof: consistency.proof.map(hex),
        root1: hex(trusted.rootHash),
        root2: hex(head.rootHash),
      });
    } catch (error) {
      throw new NotVerified(
        `the log is not an extension of the trusted head: ${(error as Error).message}`,
      );
    }
  }
  return { head, leafIndex: memory.leafIndex };
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        id: { type: 'string' },
        'trusted-head': { type: 'string' },
        'save-head': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`usage error: ${(error as Error).message}\n`);
    return 2;
  }
  if (!values.url || !values.id) {
    process.stderr.write(
      'usage: npm run verify -- --url <base url> --id <memory id> [--trusted-head file] [--save-head file]\n',
    );
    return 2;
  }
  try {
    const trustedHead = values['trusted-head']
      ? (JSON.parse(readFileSync(values['trusted-head'], 'utf8')) as SignedTreeHead)
      : undefined;
    const { head, leafIndex } = await verifyMemory({ url: values.url, id: values.id, trustedHead });
    if (values['save-head']) {
      writeFileSync(values['save-head'], `${JSON.stringify(head, null, 2)}\n`);
    }
    const consistency = trustedHead
      ? `, consistent with the trusted head of size ${trustedHead.treeSize}`
      : '';
    process.stdout.write(
      `verified: memory ${values.id} is leaf ${leafIndex} of the log of size ${head.treeSize} signed by ${head.keyId.slice(0, 16)}…${consistency}\n`,
    );
    return 0;
  } catch (error) {
    const reason =
      error instanceof NotVerified
        ? error.message
        : `could not verify: ${(error as Error).message}`;
    process.stdout.write(`NOT verified: ${reason}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
