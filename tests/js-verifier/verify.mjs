// Independent verifier for colbot credentials, built on Digital Bazaar's VC libraries.
//
// Usage: node verify.mjs CREDENTIAL.json [--did DID_DOCUMENT.json]... [--status LIST.json]...
// CREDENTIAL may be "-" for standard input. Prints one JSON verdict on standard output:
// {"verified": true|false, "errors": [...], "status": "active"|"revoked"|"none"}.
// Nothing is fetched: contexts come from the repository's vendored copies, DID documents and
// status list credentials only from the files given.

import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import {fileURLToPath} from 'node:url';
import path from 'node:path';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const here = path.dirname(fileURLToPath(import.meta.url));
const contextsDir = path.resolve(here, '..', '..', 'credentials', 'contexts');
const MULTIKEY_CONTEXT = 'https://w3id.org/security/multikey/v1';

function readJson(file) {
  return JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
}

function parseArgs(argv) {
  const options = {credential: null, dids: [], statusLists: []};
  for(let i = 0; i < argv.length; i++) {
    if(argv[i] === '--did') {
      options.dids.push(readJson(argv[++i]));
    } else if(argv[i] === '--status') {
      options.statusLists.push(readJson(argv[++i]));
    } else {
      options.credential = readJson(argv[i]);
    }
  }
  if(!options.credential) {
    throw new Error('no credential given');
  }
  return options;
}

function buildDocumentLoader({dids, statusLists}) {
  const index = JSON.parse(readFileSync(path.join(contextsDir, 'index.json'), 'utf8'));
  const documents = new Map();
  for(const [url, file] of Object.entries(index)) {
    documents.set(url, JSON.parse(readFileSync(path.join(contextsDir, file), 'utf8')));
  }
  for(const didDocument of dids) {
    documents.set(didDocument.id, didDocument);
    for(const method of didDocument.verificationMethod || []) {
      // A dereferenced verification method carries the Multikey context.
      documents.set(method.id, {'@context': MULTIKEY_CONTEXT, ...method});
    }
  }
  for(const list of statusLists) {
    documents.set(list.id, list);
  }
  return async url => {
    if(!documents.has(url)) {
      throw new Error(`document not available offline: ${url}`);
    }
    return {contextUrl: null, documentUrl: url, document: structuredClone(documents.get(url))};
  };
}

function bitIsSet(encodedList, index) {
  if(!encodedList.startsWith('u')) {
    throw new Error('encodedList is not multibase base64url');
  }
  const bits = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
  if(index >= bits.length * 8) {
    throw new Error('status index out of range');
  }
  return (bits[index >> 3] & (0x80 >> (index & 7))) !== 0;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const documentLoader = buildDocumentLoader(options);
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  let status = 'none';

  async function checkStatus({credential}) {
    const entry = credential.credentialStatus;
    const {document: list} = await documentLoader(entry.statusListCredential);
    const listResult = await vc.verifyCredential({credential: list, suite, documentLoader});
    if(!listResult.verified) {
      return {verified: false, error: new Error('status list credential does not verify')};
    }
    if(list.issuer !== (credential.issuer.id || credential.issuer)) {
      return {verified: false, error: new Error('status list issuer differs')};
    }
    const revoked = bitIsSet(list.credentialSubject.encodedList,
      Number(entry.statusListIndex));
    status = revoked ? 'revoked' : 'active';
    return {verified: !revoked};
  }

  const result = await vc.verifyCredential({
    credential: options.credential, suite, documentLoader, checkStatus
  });
  const errors = [];
  if(result.error) {
    errors.push(String(result.error.message || result.error));
    for(const inner of result.error.errors || []) {
      errors.push(String(inner.message || inner));
    }
  }
  for(const item of result.results || []) {
    if(item.error) {
      errors.push(String(item.error.message || item.error));
    }
  }
  process.stdout.write(JSON.stringify({verified: result.verified, errors, status}) + '\n');
}

main().catch(error => {
  process.stdout.write(JSON.stringify(
    {verified: false, errors: [String(error.message || error)], status: 'none'}) + '\n');
  process.exitCode = 2;
});
