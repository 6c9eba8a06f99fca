// Brotli-compress files with Node's own zlib (run by build_tools/precompress.py: Python's stdlib has no brotli).
// Usage: node brotli.mjs <src> <dest> [<src> <dest> ...]; quality 11 (the smallest), the size hint given.
import { readFileSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";

const args = process.argv.slice(2);
for (let i = 0; i + 1 < args.length; i += 2) {
  const data = readFileSync(args[i]);
  const params = {
    [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
    [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
  };
  writeFileSync(args[i + 1], brotliCompressSync(data, { params }));
}
