// The booth reproduces votecrypto/vectors/vectors.json (made by the Python code with a fixed
// rng) byte for byte: same encodings, same credential keys, same signatures, same ballots.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import * as core from "../../../static/elections/booth-core.js";
import { bytesToHex, hexToBytes } from "../../../static/vendor/noble/noble-secp256k1.js";

const vectorsPath = fileURLToPath(new URL("../../../votecrypto/vectors/vectors.json", import.meta.url));
const vectors = JSON.parse(readFileSync(vectorsPath, "utf8"));

function replay(hexes) {
  const values = hexes.map((h) => BigInt(`0x${h}`));
  let next = 0;
  const rng = () => {
    assert.ok(next < values.length, "the booth drew more random values than the Python code");
    return values[next++];
  };
  rng.used = () => next;
  return rng;
}

test("vectors file is the one the booth was written against", () => {
  assert.equal(vectors.format, "amanat-vectors/1");
  assert.ok(vectors.ballots.length >= 3);
});

describe("canonical JSON", () => {
  for (const [i, item] of vectors.cjson.entries()) {
    test(`cjson example ${i}`, () => {
      assert.equal(new TextDecoder().decode(core.cjson(item.input)), item.output);
      assert.equal(core.sha256Hex(core.cjson(item.input)), item.sha256);
    });
  }
});

describe("hash to scalar", () => {
  for (const item of vectors.hash_scalar) {
    test(item.domain, () => {
      const items = item.items.map((h) => hexToBytes(h));
      assert.equal(bytesToHex(core.hash32(item.domain, ...items)), item.hash32);
      assert.equal(core.scalarHex(core.hashScalar(item.domain, ...items)), item.scalar);
    });
  }
});

describe("credentials and signatures", () => {
  for (const item of vectors.credentials) {
    test(`credential ${item.credential}`, () => {
      const secret = core.credentialSecret(item.election, item.credential);
      assert.equal(core.scalarHex(secret), item.secret);
      assert.equal(core.publicCredential(secret), item.public);
      // The same credential typed without dashes, with spaces, gives the same key.
      const typed = item.credential.replaceAll("-", " ");
      assert.equal(core.scalarHex(core.credentialSecret(item.election, typed)), item.secret);
    });
  }
  for (const item of vectors.signatures) {
    test("BIP-340 signature with zero auxiliary randomness", () => {
      const sig = core.sign(core.scalarFromHex(item.secret), hexToBytes(item.message), hexToBytes(item.aux));
      assert.equal(sig, item.signature);
      assert.equal(core.publicCredential(core.scalarFromHex(item.secret)), item.public);
      assert.ok(core.verifySignature(item.public, hexToBytes(item.message), item.signature));
    });
  }
});

describe("ballots", () => {
  for (const item of vectors.ballots) {
    test(`${item.label}: the booth makes the identical ballot from the same draws`, () => {
      assert.equal(core.manifestHash(item.manifest), item.manifest_hash);
      const rng = replay(item.rng);
      const made = core.makeBallot(item.manifest, item.manifest_hash, item.credential, item.selections, { rng });
      assert.equal(rng.used(), item.rng.length, "the booth drew fewer random values than the Python code");
      assert.deepEqual(made.ballot, item.ballot);
      assert.equal(JSON.stringify(made.ballot), JSON.stringify(item.ballot));
      assert.deepEqual(made.randomness.map(core.scalarHex), item.randomness);
      assert.equal(made.tracker, item.tracker);
      assert.equal(bytesToHex(core.ballotHash(made.ballot)), item.ballot_hash);
      const blob = made.ballot.choices.map((ct) => ct.a + ct.b).join("");
      assert.equal(blob, item.ciphertext_blob);
    });

    test(`${item.label}: the booth verifies and audits the Python ballot`, () => {
      core.verifyBallot(item.ballot, item.manifest, item.manifest_hash);
      const randomness = item.randomness.map((h) => core.scalarFromHex(h));
      const audit = core.auditBallot(item.ballot, randomness, item.selections, item.manifest, item.manifest_hash);
      assert.ok(audit.ok);
      assert.equal(audit.tracker, item.tracker);
    });
  }
});
