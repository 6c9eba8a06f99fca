// Brotli-compress files with Node's own zlib (run by build_tools/precompress.py: Python's stdlib has no brotli).
// Usage: node brotli.mjs <quality> <src> <dest> [<quality> <src> <dest> ...], with the size hint given.
import { readFileSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";

const args = process.argv.slice(2);
for (let i = 0; i + 2 < args.length; i += 3) {
  const data = readFileSync(args[i + 1]);
  const params = {
    [constants.BROTLI_PARAM_QUALITY]: Number(args[i]),
    [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
  };
  writeFileSync(args[i + 2], brotliCompressSync(data, { params }));
}
