// Bundles the parts of @noble/curves and @noble/hashes the booth uses into one committed ES
// module, static/vendor/noble/noble-secp256k1.js, and copies their licences beside it. The
// versions are pinned in package.json / package-lock.json; the output is deterministic, so
// anyone can rebuild it and compare its SHA-256 with the one the site publishes.
//   cd tools/booth && npm ci && npm run build
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "static", "vendor", "noble");
const version = (name) => JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"))).version;
const curves = version("@noble/curves");
const hashes = version("@noble/hashes");

mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, "src", "noble-entry.js")],
  outfile: join(out, "noble-secp256k1.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2020",
  minify: false,
  legalComments: "inline",
  banner: {
    js: `/*! @noble/curves ${curves}, @noble/hashes ${hashes} (MIT, Paul Miller) — bundled by tools/booth/build.mjs */`,
  },
});
const licence = (name) => `${name} ${version(name)}\n\n${readFileSync(join(here, "node_modules", name, "LICENSE"), "utf8")}`;
writeFileSync(join(out, "LICENSE"), `${licence("@noble/curves")}\n${licence("@noble/hashes")}`);
const bundle = readFileSync(join(out, "noble-secp256k1.js"));
console.log(`noble-secp256k1.js ${bundle.length} bytes, sha256 ${createHash("sha256").update(bundle).digest("hex")}`);
