// Reads {manifest, manifest_hash, credential, selections} as JSON on stdin, writes
// {ballot, randomness (hex), tracker} on stdout: a ballot made by booth-core.js with fresh
// randomness, for the Python tests to check with votecrypto.ballot.verify_ballot.
import { readFileSync } from "node:fs";
import * as core from "../../static/elections/booth-core.js";

const input = JSON.parse(readFileSync(0, "utf8"));
const made = core.makeBallot(input.manifest, input.manifest_hash, input.credential, input.selections);
process.stdout.write(
  JSON.stringify({ ballot: made.ballot, randomness: made.randomness.map(core.scalarHex), tracker: made.tracker }),
);
