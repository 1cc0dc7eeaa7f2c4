// The voting booth's cryptography (docs/elections-protocol.md §1–5), with no DOM: the page
// (booth.js) and the node tests (tools/booth/test/) both import this module. The curve and
// hash maths come from the vendored, audited noble libraries; the audit's re-encryption
// (`reencryptIndependently`) deliberately does not, so that a fault in one path shows up as
// a mismatch in the other.
import {
  bytesToHex,
  concatBytes,
  hexToBytes,
  schnorr,
  secp256k1,
  sha256,
  utf8ToBytes,
} from "../vendor/noble/noble-secp256k1.js";

const Point = secp256k1.Point;

/** The order of the secp256k1 group. */
export const N = Point.Fn.ORDER;
/** The field prime of secp256k1 (used only by the independent re-encryption). */
export const P = Point.Fp.ORDER;
export const G = Point.BASE;
export const IDENTITY = Point.ZERO;
export const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

const HEX64 = /^[0-9a-f]{64}$/;
const HEX66 = /^[0-9a-f]{66}$/;
const HEX128 = /^[0-9a-f]{128}$/;

export class BoothError extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

// ---------------------------------------------------------------------------------------------
// §1 Encodings

function compareCodePoints(x, y) {
  // Python sorts dict keys by code point; JavaScript's default sort compares UTF-16 units.
  const a = Array.from(x);
  const b = Array.from(y);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = a[i].codePointAt(0) - b[i].codePointAt(0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function canonical(value) {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new BoothError("json", `not an integer: ${value}`);
    return String(value);
  }
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value).sort(compareCodePoints);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  throw new BoothError("json", `cannot encode ${typeof value}`);
}

/** Canonical JSON (§1): sorted keys, no spaces, UTF-8, integers only. Returns bytes. */
export function cjson(value) {
  return utf8ToBytes(canonical(value));
}

/** A small non-negative integer as 8 bytes big-endian. */
export function small(i) {
  const out = new Uint8Array(8);
  let v = BigInt(i);
  if (v < 0n || v >= 1n << 64n) throw new BoothError("small", `out of range: ${i}`);
  for (let k = 7; k >= 0; k--) {
    out[k] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function lengthPrefixed(item) {
  const b = typeof item === "string" ? utf8ToBytes(item) : item;
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, b.length, false);
  return concatBytes(len, b);
}

/** H32(domain, items…): SHA-256 over the length-prefixed domain and items (strings as UTF-8). */
export function hash32(domain, ...items) {
  return sha256(concatBytes(...[domain, ...items].map(lengthPrefixed)));
}

export function bytesToBigInt(bytes) {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytesToHex(bytes)}`);
}

/** Hs(domain, items…): H32 read as a big-endian integer, reduced mod n. */
export function hashScalar(domain, ...items) {
  return bytesToBigInt(hash32(domain, ...items)) % N;
}

export function sha256Hex(bytes) {
  return bytesToHex(sha256(bytes));
}

export function scalarHex(k) {
  return mod(k).toString(16).padStart(64, "0");
}

export function scalarBytes(k) {
  return hexToBytes(scalarHex(k));
}

export function scalarFromHex(s) {
  if (typeof s !== "string" || !HEX64.test(s)) throw new BoothError("scalar", "a scalar is 64 hex characters");
  const k = BigInt(`0x${s}`);
  if (k >= N) throw new BoothError("scalar", "scalar out of range");
  return k;
}

export function pointBytes(p) {
  return p.is0() ? new Uint8Array([0]) : p.toBytes(true);
}

export function pointHex(p) {
  return p.is0() ? "00" : p.toHex(true);
}

export function pointFromHex(s) {
  if (s === "00") return IDENTITY;
  if (typeof s !== "string" || !HEX66.test(s)) throw new BoothError("point", "a point is 66 hex characters");
  try {
    return Point.fromHex(s);
  } catch {
    throw new BoothError("point", "not a point of the curve");
  }
}

function mod(k) {
  const r = k % N;
  return r < 0n ? r + N : r;
}

/** k·Q for any integer k (reduced mod n; 0 gives the identity). */
function mul(q, k) {
  const e = mod(k);
  if (e === 0n || q.is0()) return IDENTITY;
  return q.multiply(e);
}

/** A uniformly random scalar in [1, n) from the platform's CSPRNG. */
export function randomScalar() {
  const buf = new Uint8Array(32);
  for (;;) {
    globalThis.crypto.getRandomValues(buf);
    const k = bytesToBigInt(buf);
    if (k > 0n && k < N) return k;
  }
}

// ---------------------------------------------------------------------------------------------
// §3 Credentials

/** The credential's 20 characters, with dashes and spaces dropped; BoothError("credential") otherwise. */
export function normaliseCredential(text) {
  const s = String(text).replace(/[-\s]/g, "");
  if (s.length !== 20 || [...s].some((ch) => !ALPHABET.includes(ch))) {
    throw new BoothError("credential", "a credential is 20 characters of the base58 alphabet");
  }
  return s;
}

export function isCredential(text) {
  try {
    normaliseCredential(text);
    return true;
  } catch {
    return false;
  }
}

export function credentialSecret(election, credential) {
  const x = hashScalar("amanat/v1/credential", election, normaliseCredential(credential));
  if (x === 0n) throw new BoothError("credential", "this credential cannot be used");
  return x;
}

/** The BIP-340 x-only public key of the secret, hex 64. */
export function publicCredential(secret) {
  return bytesToHex(schnorr.getPublicKey(scalarBytes(secret)));
}

/** BIP-340 signature (hex 128) over a 32-byte message; aux: 32 bytes, random when omitted. */
export function sign(secret, message32, aux) {
  const auxRand = aux === undefined ? globalThis.crypto.getRandomValues(new Uint8Array(32)) : aux;
  return bytesToHex(schnorr.sign(message32, scalarBytes(secret), auxRand));
}

export function verifySignature(publicHex, message32, sigHex) {
  try {
    if (!HEX64.test(publicHex) || !HEX128.test(sigHex)) return false;
    return schnorr.verify(hexToBytes(sigHex), message32, hexToBytes(publicHex));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// §4 Encryption and proofs

/** Enc(m; r) = (r·G, m·G + r·Y). Returns {a, b} as points. */
export function encrypt(Y, m, r) {
  return { a: mul(G, r), b: mul(G, BigInt(m)).add(mul(Y, r)) };
}

export function ciphertextJson(ct) {
  return { a: pointHex(ct.a), b: pointHex(ct.b) };
}

export function ciphertextFromJson(d) {
  if (d === null || typeof d !== "object" || Array.isArray(d)) throw new BoothError("shape", "a ciphertext is {a, b}");
  const keys = Object.keys(d).sort();
  if (keys.length !== 2 || keys[0] !== "a" || keys[1] !== "b") throw new BoothError("shape", "a ciphertext is {a, b}");
  const a = pointFromHex(d.a);
  const b = pointFromHex(d.b);
  if (a.is0() || b.is0()) throw new BoothError("point", "the identity cannot appear in a ballot");
  return { a, b };
}

function addCiphertexts(x, y) {
  return { a: x.a.add(y.a), b: x.b.add(y.b) };
}

function rangeChallenge(hE, cred, Y, ct, values, commitments) {
  return hashScalar(
    "amanat/v1/range",
    hE,
    cred,
    pointBytes(Y),
    pointBytes(ct.a),
    pointBytes(ct.b),
    small(values.length),
    ...values.map(small),
    ...commitments.flatMap(([A, B]) => [pointBytes(A), pointBytes(B)]),
  );
}

function simulatedCommitment(Y, ct, v, c, s) {
  // A_v = s·G − c·a, B_v = s·Y − c·(b − v·G)
  const A = mul(G, s).subtract(mul(ct.a, c));
  const B = mul(Y, s).subtract(mul(ct.b.subtract(mul(G, BigInt(v))), c));
  return [A, B];
}

/**
 * CDS proof that ct encrypts one of `values`, knowing it is `value` with randomness r (§4).
 * Randomness is drawn from rng in the order of `values`: (c_v, s_v) for each v ≠ value, w at
 * the position of value — the order votecrypto.proofs.prove_range uses.
 */
export function proveRange(hE, cred, Y, ct, r, value, values, rng = randomScalar) {
  const at = values.indexOf(value);
  if (at < 0) throw new BoothError("value", `value ${value} is not among ${values}`);
  const cs = new Array(values.length);
  const ss = new Array(values.length);
  const commitments = new Array(values.length);
  let w = 0n;
  values.forEach((v, i) => {
    if (i === at) {
      w = rng();
      commitments[i] = [mul(G, w), mul(Y, w)];
    } else {
      cs[i] = mod(rng());
      ss[i] = mod(rng());
      commitments[i] = simulatedCommitment(Y, ct, v, cs[i], ss[i]);
    }
  });
  const c = rangeChallenge(hE, cred, Y, ct, values, commitments);
  cs[at] = mod(c - cs.reduce((acc, x, i) => (i === at ? acc : acc + x), 0n));
  ss[at] = mod(w + cs[at] * r);
  return values.map((_, i) => ({ c: scalarHex(cs[i]), s: scalarHex(ss[i]) }));
}

/** Checks a range proof; never throws: anything malformed is simply false. */
export function verifyRange(hE, cred, Y, ct, proof, values) {
  try {
    if (!Array.isArray(proof) || proof.length !== values.length) return false;
    const cs = [];
    const commitments = proof.map((item, i) => {
      if (item === null || typeof item !== "object" || Object.keys(item).length !== 2) throw new BoothError("shape");
      const c = scalarFromHex(item.c);
      const s = scalarFromHex(item.s);
      cs.push(c);
      return simulatedCommitment(Y, ct, values[i], c, s);
    });
    const c = rangeChallenge(hE, cred, Y, ct, values, commitments);
    return mod(cs.reduce((acc, x) => acc + x, 0n)) === c;
  } catch {
    return false;
  }
}

export function choiceValues(minChoices, maxChoices) {
  const out = [];
  for (let v = minChoices; v <= maxChoices; v++) out.push(v);
  return out;
}

// ---------------------------------------------------------------------------------------------
// §5 Ballot

export function ballotHash(ballot) {
  const rest = { ...ballot };
  delete rest.signature;
  return sha256(cjson(rest));
}

export function tracker(ballot) {
  return bytesToHex(ballotHash(ballot));
}

/** The tracker in groups of eight hex digits, easier to read aloud and compare. */
export function groupTracker(hex, size = 8) {
  return hex.match(new RegExp(`.{1,${size}}`, "g")).join(" ");
}

/** The manifest's hash as the server computes it: SHA-256 of its canonical JSON. */
export function manifestHash(manifest) {
  return sha256Hex(cjson(manifest));
}

/** The 0/1 vector (one entry per candidate, manifest order) for the chosen candidate indices. */
export function selectionVector(count, indices) {
  const chosen = new Set(indices);
  return Array.from({ length: count }, (_, i) => (chosen.has(i) ? 1 : 0));
}

function checkSelections(manifest, selections) {
  if (
    !Array.isArray(selections) ||
    selections.length !== manifest.candidates.length ||
    selections.some((m) => m !== 0 && m !== 1)
  ) {
    throw new BoothError("selection", "one 0 or 1 per candidate");
  }
  const count = selections.reduce((acc, m) => acc + m, 0);
  if (count < manifest.min_choices || count > manifest.max_choices) {
    throw new BoothError("count", `between ${manifest.min_choices} and ${manifest.max_choices} choices`);
  }
  return count;
}

/**
 * Encrypts and signs a ballot (§4–5). `selections` has one 0 or 1 per candidate, in the
 * manifest's order (as votecrypto.ballot.make_ballot). rng draws, in order (as the Python
 * code, so that the shared test vectors reproduce byte for byte): r for each candidate; each
 * candidate's range proof; the sum proof; then, when `aux` is not given, one more scalar whose
 * 32 bytes are the signature's auxiliary randomness. Returns {ballot, randomness, tracker};
 * the credential is used here only.
 */
export function makeBallot(manifest, hashHex, credential, selections, { rng = randomScalar, aux } = {}) {
  if (manifestHash(manifest) !== hashHex) throw new BoothError("manifest", "the manifest does not match its hash");
  const count = checkSelections(manifest, selections);
  const x = credentialSecret(manifest.election, credential);
  const credHex = publicCredential(x);
  const cred = hexToBytes(credHex);
  const hE = hexToBytes(hashHex);
  const Y = pointFromHex(manifest.public_key);
  const randomness = selections.map(() => mod(rng()));
  const cts = selections.map((m, i) => encrypt(Y, m, randomness[i]));
  const proofs = cts.map((ct, i) => proveRange(hE, cred, Y, ct, randomness[i], selections[i], [0, 1], rng));
  const total = cts.reduce(addCiphertexts);
  const rSum = mod(randomness.reduce((acc, r) => acc + r, 0n));
  const values = choiceValues(manifest.min_choices, manifest.max_choices);
  const sumProof = proveRange(hE, cred, Y, total, rSum, count, values, rng);
  const ballot = {
    election: manifest.election,
    manifest: hashHex,
    credential: credHex,
    choices: cts.map(ciphertextJson),
    proofs,
    sum_proof: sumProof,
  };
  ballot.signature = sign(x, ballotHash(ballot), aux === undefined ? scalarBytes(rng()) : aux);
  return { ballot, randomness, tracker: tracker(ballot) };
}

const BALLOT_KEYS = ["choices", "credential", "election", "manifest", "proofs", "signature", "sum_proof"];

/** The checks of §5 (except the credential list, which only the server holds). Throws BoothError. */
export function verifyBallot(ballot, manifest, hashHex) {
  if (ballot === null || typeof ballot !== "object" || Array.isArray(ballot)) throw new BoothError("shape");
  if (Object.keys(ballot).sort().join() !== BALLOT_KEYS.join()) throw new BoothError("shape", "wrong keys");
  if (ballot.election !== manifest.election) throw new BoothError("election");
  if (ballot.manifest !== hashHex) throw new BoothError("manifest");
  if (!HEX64.test(ballot.credential)) throw new BoothError("credential");
  const k = manifest.candidates.length;
  const { choices, proofs } = ballot;
  if (!Array.isArray(choices) || !Array.isArray(proofs) || choices.length !== k || proofs.length !== k) {
    throw new BoothError("shape", "one ciphertext and one proof per candidate");
  }
  const hE = hexToBytes(hashHex);
  const cred = hexToBytes(ballot.credential);
  const Y = pointFromHex(manifest.public_key);
  const cts = choices.map(ciphertextFromJson);
  cts.forEach((ct, i) => {
    if (!verifyRange(hE, cred, Y, ct, proofs[i], [0, 1])) throw new BoothError("proof", `candidate ${i}`);
  });
  const total = cts.reduce(addCiphertexts);
  const values = choiceValues(manifest.min_choices, manifest.max_choices);
  if (!verifyRange(hE, cred, Y, total, ballot.sum_proof, values)) throw new BoothError("sum_proof");
  if (!verifySignature(ballot.credential, ballotHash(ballot), ballot.signature)) throw new BoothError("signature");
}

// ---------------------------------------------------------------------------------------------
// Audit: an independent re-encryption in plain BigInt arithmetic (Jacobian coordinates on
// y² = x³ + 7), sharing no point code with noble, compared byte for byte with the ballot.

function fp(v) {
  const r = v % P;
  return r < 0n ? r + P : r;
}

function fpPow(base, exp) {
  let result = 1n;
  let b = fp(base);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}

const GX = 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n;
const GY = 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n;
const INFINITY = null;

function jDouble(p) {
  if (p === INFINITY || p[1] === 0n) return INFINITY;
  const [X, Y, Z] = p;
  const yy = fp(Y * Y);
  const s = fp(4n * X * yy);
  const m = fp(3n * X * X);
  const x3 = fp(m * m - 2n * s);
  const y3 = fp(m * (s - x3) - 8n * yy * yy);
  const z3 = fp(2n * Y * Z);
  return [x3, y3, z3];
}

function jAdd(p, q) {
  if (p === INFINITY) return q;
  if (q === INFINITY) return p;
  const [X1, Y1, Z1] = p;
  const [X2, Y2, Z2] = q;
  const z1z1 = fp(Z1 * Z1);
  const z2z2 = fp(Z2 * Z2);
  const u1 = fp(X1 * z2z2);
  const u2 = fp(X2 * z1z1);
  const s1 = fp(Y1 * Z2 * z2z2);
  const s2 = fp(Y2 * Z1 * z1z1);
  if (u1 === u2) return s1 === s2 ? jDouble(p) : INFINITY;
  const h = fp(u2 - u1);
  const r = fp(s2 - s1);
  const hh = fp(h * h);
  const hhh = fp(h * hh);
  const v = fp(u1 * hh);
  const x3 = fp(r * r - hhh - 2n * v);
  const y3 = fp(r * (v - x3) - s1 * hhh);
  const z3 = fp(h * Z1 * Z2);
  return [x3, y3, z3];
}

function jMul(p, k) {
  let acc = INFINITY;
  let e = mod(k);
  let base = p;
  while (e > 0n) {
    if (e & 1n) acc = jAdd(acc, base);
    base = jDouble(base);
    e >>= 1n;
  }
  return acc;
}

function jEncode(p) {
  if (p === INFINITY) return "00";
  const zi = fpPow(p[2], P - 2n);
  const zi2 = fp(zi * zi);
  const x = fp(p[0] * zi2);
  const y = fp(p[1] * zi2 * zi);
  return (y & 1n ? "03" : "02") + x.toString(16).padStart(64, "0");
}

function jDecode(hex) {
  // Lift a compressed point: y = (x³ + 7)^((p + 1) / 4), with the parity the prefix says.
  const x = BigInt(`0x${hex.slice(2)}`);
  let y = fpPow(fp(x * x * x + 7n), (P + 1n) / 4n);
  if (fp(y * y) !== fp(x * x * x + 7n)) throw new BoothError("point", "not on the curve");
  if ((y & 1n) !== (hex.startsWith("03") ? 1n : 0n)) y = fp(-y);
  return [x, y, 1n];
}

/** (r·G, m·G + r·Y) as hex, computed without noble. */
export function reencryptIndependently(publicKeyHex, m, r) {
  const g = [GX, GY, 1n];
  const y = jDecode(publicKeyHex);
  return { a: jEncode(jMul(g, r)), b: jEncode(jAdd(jMul(g, BigInt(m)), jMul(y, r))) };
}

/**
 * "Audit this ballot": with the revealed randomness and choices (0/1 per candidate), re-encrypt every candidate
 * independently and compare; check the proofs, the signature and the tracker too. Returns
 * {ok, items: [{index, choice, match}], proofs, tracker}. The audited ballot must never be cast.
 */
export function auditBallot(ballot, randomness, selections, manifest, hashHex) {
  const items = manifest.candidates.map((_, i) => {
    const m = selections[i] ? 1 : 0;
    const again = reencryptIndependently(manifest.public_key, m, randomness[i]);
    const ct = ballot.choices[i] || {};
    return { index: i, choice: m, match: again.a === ct.a && again.b === ct.b };
  });
  let proofs = true;
  try {
    verifyBallot(ballot, manifest, hashHex);
  } catch {
    proofs = false;
  }
  const ok = items.length === ballot.choices.length && items.every((it) => it.match) && proofs;
  return { ok, items, proofs, tracker: tracker(ballot) };
}

/** What the voter copies after an audit: the ballot, its randomness and the plain choices, in
 * the form votecrypto.ballot.audit_ballot takes them. */
export function auditRecord(ballot, randomness, selections) {
  return {
    ballot,
    randomness: randomness.map(scalarHex),
    selections,
    tracker: tracker(ballot),
  };
}
