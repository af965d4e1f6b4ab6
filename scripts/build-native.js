// `npm install` / `npm ci` lifecycle step: builds lectern's optional native
// CPU kernels (binding.gyp → build/Release/lectern_native.node) with the
// node-gyp bundled in npm. A failed build (no compiler, no Node headers) is
// reported in one line and never fails the install: lectern then runs its
// TypeScript kernels, which give the same results, only slower.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

if (process.env.LECTERN_NATIVE === "0") {
  console.log("lectern: LECTERN_NATIVE=0, skipping the native kernels");
  process.exit(0);
}
if (!existsSync("binding.gyp")) process.exit(0);
const gyp = process.env.npm_config_node_gyp;
// Use the headers installed with Node itself (Debian's nodejs ships them in
// /usr/include/node) unless npm was told where they are, so that node-gyp
// never tries to download them.
const prefix = dirname(dirname(process.execPath));
const headers =
  !process.env.npm_config_nodedir && existsSync(join(prefix, "include", "node", "node_api.h"));
const gypArgs = ["rebuild", ...(headers ? [`--nodedir=${prefix}`] : [])];
const [cmd, args] = gyp ? [process.execPath, [gyp, ...gypArgs]] : ["node-gyp", gypArgs];
const result = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], timeout: 300_000 });
if (result.status === 0) {
  console.log("lectern: built the native CPU kernels");
} else {
  const why =
    result.error?.message ?? result.stderr?.toString().trim().split("\n").slice(-3).join(" | ");
  console.log(`lectern: native CPU kernels not built, using the TypeScript kernels (${why})`);
}
