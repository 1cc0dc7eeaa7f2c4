// booth-core.js on its own: fresh ballots verify, tampered ones do not, the audit catches a
// device that lies, and the credential check says no to what a voter might mistype.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as core from "../../../static/elections/booth-core.js";

const ELECTION = "0c9a4bde-1111-4222-8333-944455556666";
const CREDENTIAL = "3kT9q-Wm2xP-Lr7Ha-ZbN4c";

function election({ candidates = 3, min = 1, max = 1 } = {}) {
  const key = core.randomScalar();
  const manifest = {
    version: 1,
    election: ELECTION,
    title: { kk: "Сайлау", ru: "Выборы", en: "Election" },
    candidates: Array.from({ length: candidates }, (_, i) => ({ id: i + 1, name: { en: `C${i + 1}` } })),
    min_choices: min,
    max_choices: max,
    public_key: core.pointHex(core.G.multiply(key)),
  };
  return { key, manifest, hash: core.manifestHash(manifest) };
}

function decrypt(key, ct) {
  // m·G = b − x·a; the booth's values are small, so try them.
  const mG = core.pointFromHex(ct.b).subtract(core.pointFromHex(ct.a).multiply(key));
  for (let m = 0n; m < 10n; m++) {
    if ((m === 0n && mG.is0()) || (m > 0n && mG.equals(core.G.multiply(m)))) return Number(m);
  }
  return -1;
}

const clone = (x) => JSON.parse(JSON.stringify(x));

describe("credential as typed by a voter", () => {
  test("groups with dashes, spaces or nothing between them are the same credential", () => {
    const a = core.credentialSecret(ELECTION, CREDENTIAL);
    assert.equal(core.credentialSecret(ELECTION, "3kT9q Wm2xP Lr7Ha ZbN4c"), a);
    assert.equal(core.credentialSecret(ELECTION, "3kT9qWm2xPLr7HaZbN4c"), a);
    assert.notEqual(core.credentialSecret("another-election", CREDENTIAL), a);
  });

  test("a wrong length or a character outside base58 is refused", () => {
    for (const bad of ["", "3kT9q-Wm2xP-Lr7Ha", "3kT9q-Wm2xP-Lr7Ha-ZbN4c-1", "0kT9q-Wm2xP-Lr7Ha-ZbN4c",
      "OkT9q-Wm2xP-Lr7Ha-ZbN4c", "IkT9q-Wm2xP-Lr7Ha-ZbN4c", "lkT9q-Wm2xP-Lr7Ha-ZbN4c", "3kT9q_Wm2xP_Lr7Ha_ZbN4c"]) {
      assert.equal(core.isCredential(bad), false, bad);
      assert.throws(() => core.credentialSecret(ELECTION, bad), { code: "credential" });
    }
    assert.ok(core.isCredential(CREDENTIAL));
  });
});

describe("canonical JSON", () => {
  test("keys sorted by code point, no spaces, non-ASCII kept", () => {
    const text = new TextDecoder().decode(core.cjson({ b: 1, a: { "я": "Қ", Z: [true, null] } }));
    assert.equal(text, '{"a":{"Z":[true,null],"я":"Қ"},"b":1}');
  });

  test("a float is refused", () => {
    assert.throws(() => core.cjson({ a: 1.5 }), { code: "json" });
  });
});

describe("independent re-encryption", () => {
  test("agrees with the noble encryption for many values and keys", () => {
    for (let i = 0; i < 20; i++) {
      const Y = core.G.multiply(core.randomScalar());
      const r = core.randomScalar();
      const m = i % 4;
      const ct = core.ciphertextJson(core.encrypt(Y, m, r));
      assert.deepEqual(core.reencryptIndependently(core.pointHex(Y), m, r), ct);
    }
  });

  test("a point off the curve is refused", () => {
    assert.throws(() => core.pointFromHex(`02${"00".repeat(31)}05`), { code: "point" });
    assert.throws(() => core.reencryptIndependently(`02${"00".repeat(31)}05`, 1, 5n), { code: "point" });
  });
});

describe("ballots with fresh randomness", () => {
  test("a single-choice ballot verifies and decrypts to the choice", () => {
    const { key, manifest, hash } = election();
    const made = core.makeBallot(manifest, hash, CREDENTIAL, [0, 1, 0]);
    core.verifyBallot(made.ballot, manifest, hash);
    assert.deepEqual(made.ballot.choices.map((ct) => decrypt(key, ct)), [0, 1, 0]);
    assert.equal(made.ballot.credential, core.publicCredential(core.credentialSecret(ELECTION, CREDENTIAL)));
    assert.equal(made.tracker, core.tracker(made.ballot));
    assert.match(made.tracker, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(made.ballot).includes("3kT9q"), "the credential itself is not in the ballot");
  });

  test("two encryptions of the same choice differ (fresh randomness)", () => {
    const { manifest, hash } = election();
    const one = core.makeBallot(manifest, hash, CREDENTIAL, [1, 0, 0]);
    const two = core.makeBallot(manifest, hash, CREDENTIAL, [1, 0, 0]);
    assert.notEqual(one.tracker, two.tracker);
  });

  test("an approval ballot within 1..2 verifies; the count rule is enforced", () => {
    const { manifest, hash } = election({ candidates: 4, min: 1, max: 2 });
    core.verifyBallot(core.makeBallot(manifest, hash, CREDENTIAL, [1, 0, 0, 1]).ballot, manifest, hash);
    assert.throws(() => core.makeBallot(manifest, hash, CREDENTIAL, [1, 1, 1, 0]), { code: "count" });
    assert.throws(() => core.makeBallot(manifest, hash, CREDENTIAL, [0, 0, 0, 0]), { code: "count" });
    assert.throws(() => core.makeBallot(manifest, hash, CREDENTIAL, [1, 0, 0]), { code: "selection" });
    assert.throws(() => core.makeBallot(manifest, hash, CREDENTIAL, [2, 0, 0, 0]), { code: "selection" });
  });

  test("the booth refuses to encrypt against a manifest that does not match its hash", () => {
    const { manifest, hash } = election();
    const forged = { ...manifest, max_choices: 3 };
    assert.throws(() => core.makeBallot(forged, hash, CREDENTIAL, [1, 1, 0]), { code: "manifest" });
  });

  test("indices chosen on the page become a 0/1 vector", () => {
    assert.deepEqual(core.selectionVector(5, [4, 1]), [0, 1, 0, 0, 1]);
    assert.deepEqual(core.selectionVector(3, []), [0, 0, 0]);
  });
});

describe("tampered ballots fail", () => {
  const { manifest, hash } = election({ candidates: 3, min: 1, max: 2 });
  const { ballot } = core.makeBallot(manifest, hash, CREDENTIAL, [1, 0, 1]);

  test("a swapped ciphertext", () => {
    const t = clone(ballot);
    [t.choices[0], t.choices[1]] = [t.choices[1], t.choices[0]];
    assert.throws(() => core.verifyBallot(t, manifest, hash), { code: "proof" });
  });

  test("an altered proof scalar", () => {
    const t = clone(ballot);
    t.proofs[2][0].s = core.scalarHex(core.scalarFromHex(t.proofs[2][0].s) + 1n);
    assert.throws(() => core.verifyBallot(t, manifest, hash), { code: "proof" });
  });

  test("an altered sum proof", () => {
    const t = clone(ballot);
    t.sum_proof[0].c = core.scalarHex(core.scalarFromHex(t.sum_proof[0].c) + 1n);
    assert.throws(() => core.verifyBallot(t, manifest, hash), { code: "sum_proof" });
  });

  test("a signature over another ballot", () => {
    const other = core.makeBallot(manifest, hash, CREDENTIAL, [0, 1, 0]).ballot;
    const t = { ...clone(ballot), signature: other.signature };
    assert.throws(() => core.verifyBallot(t, manifest, hash), { code: "signature" });
  });

  test("proofs under another credential", () => {
    const t = clone(ballot);
    t.credential = core.makeBallot(manifest, hash, "4kT9q-Wm2xP-Lr7Ha-ZbN4c", [1, 0, 0]).ballot.credential;
    assert.throws(() => core.verifyBallot(t, manifest, hash), { code: "proof" });
  });

  test("another election, an extra key", () => {
    assert.throws(() => core.verifyBallot({ ...ballot, election: "x" }, manifest, hash), { code: "election" });
    assert.throws(() => core.verifyBallot({ ...ballot, extra: 1 }, manifest, hash), { code: "shape" });
  });

  test("verifyRange never throws on rubbish", () => {
    const ct = core.ciphertextFromJson(ballot.choices[0]);
    const Y = core.pointFromHex(manifest.public_key);
    for (const junk of [null, [], [{}], [{ c: "zz", s: "00" }, 5], "x", [{ c: 1, s: 2 }, { c: 3, s: 4 }]]) {
      assert.equal(core.verifyRange(new Uint8Array(32), new Uint8Array(32), Y, ct, junk, [0, 1]), false);
    }
  });
});

describe("audit this ballot", () => {
  const { manifest, hash } = election({ candidates: 3 });
  const made = core.makeBallot(manifest, hash, CREDENTIAL, [0, 0, 1]);

  test("an honest ballot matches the choices and randomness it reveals", () => {
    const result = core.auditBallot(made.ballot, made.randomness, [0, 0, 1], manifest, hash);
    assert.ok(result.ok);
    assert.deepEqual(result.items.map((i) => i.match), [true, true, true]);
    const record = core.auditRecord(made.ballot, made.randomness, [0, 0, 1]);
    assert.deepEqual(record.selections, [0, 0, 1]);
    assert.equal(record.randomness.length, 3);
    assert.equal(record.tracker, made.tracker);
  });

  test("a device that encrypted another choice than the one shown is caught", () => {
    const result = core.auditBallot(made.ballot, made.randomness, [1, 0, 0], manifest, hash);
    assert.equal(result.ok, false);
    assert.deepEqual(result.items.map((i) => i.match), [false, true, false]);
  });

  test("wrong revealed randomness is caught", () => {
    const wrong = [...made.randomness];
    wrong[1] += 1n;
    const result = core.auditBallot(made.ballot, wrong, [0, 0, 1], manifest, hash);
    assert.equal(result.ok, false);
    assert.deepEqual(result.items.map((i) => i.match), [true, false, true]);
  });
});
