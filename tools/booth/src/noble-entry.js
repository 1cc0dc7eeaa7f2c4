// What the voting booth takes from the audited noble libraries, and nothing else.
export { schnorr, secp256k1 } from "@noble/curves/secp256k1.js";
export { sha256 } from "@noble/hashes/sha2.js";
export { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
