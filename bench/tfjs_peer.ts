/**
 * TensorFlow.js peer for `lectern bench`, run in its own process per backend
 * (`node dist/bench/tfjs_peer.js <cpu|wasm>` with a JSON request on stdin) so
 * the two backends never share state. Its cpu and wasm backends run ops
 * synchronously, so no read-back is timed. Prints one JSON object like
 * bench/torch_peer.py.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import {
  highWaterMB,
  MEMORY_SUFFIX,
  measure,
  type PeerRequest,
  type PeerResult,
  readStdin,
} from "./timing.js";

type Setup = () => () => void;

function sgemm(n: number): Setup {
  return () => {
    const a = tf.randomNormal([n, n]);
    const b = tf.randomNormal([n, n]);
    return () => tf.tidy(() => tf.matMul(a, b));
  };
}

function trainStep(model: tf.Sequential, xShape: number[], classes: number): () => void {
  const opt = tf.train.sgd(0.01);
  const x = tf.randomNormal(xShape);
  const y = tf.oneHot(tf.randomUniform([xShape[0]!], 0, classes, "int32") as tf.Tensor1D, classes);
  return () => {
    tf.tidy(() => {
      const cost = opt.minimize(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar,
        true,
      );
      cost?.dispose();
    });
  };
}

const N16M = 16 * 1024 * 1024;

const workloads: Record<string, Setup> = {
  "sgemm-256": sgemm(256),
  "sgemm-512": sgemm(512),
  "sgemm-1024": sgemm(1024),
  "sgemm-2048": sgemm(2048),
  "conv2d-fwd": () => {
    const x = tf.randomNormal([32, 56, 56, 64]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 64, 64]) as tf.Tensor4D;
    return () => tf.tidy(() => tf.conv2d(x, w, 1, "same"));
  },
  "conv2d-bwd": () => {
    const x = tf.randomNormal([32, 56, 56, 64]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 64, 64]) as tf.Tensor4D;
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same"),
    );
    return () => tf.tidy(() => g([x, w]));
  },
  "mlp-step": () =>
    trainStep(
      tf.sequential({
        layers: [
          tf.layers.flatten({ inputShape: [28, 28, 1] }),
          tf.layers.dense({ units: 256, activation: "relu" }),
          tf.layers.dense({ units: 10 }),
        ],
      }),
      [128, 28, 28, 1],
      10,
    ),
  "lenet-step": () =>
    trainStep(
      tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [28, 28, 1],
            filters: 6,
            kernelSize: 5,
            padding: "same",
            activation: "relu",
          }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: "relu" }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 120, activation: "relu" }),
          tf.layers.dense({ units: 84, activation: "relu" }),
          tf.layers.dense({ units: 10 }),
        ],
      }),
      [64, 28, 28, 1],
      10,
    ),
  "softmax-16M": () => {
    const x = tf.randomNormal([N16M / 1024, 1024]);
    return () => tf.tidy(() => tf.softmax(x));
  },
  "layernorm-16M": () => {
    const x = tf.randomNormal([N16M / 1024, 1024]);
    return () =>
      tf.tidy(() => {
        const { mean, variance } = tf.moments(x, 1, true);
        return x.sub(mean).div(variance.add(1e-5).sqrt());
      });
  },
  "add-16M": () => {
    const a = tf.randomNormal([N16M]);
    const b = tf.randomNormal([N16M]);
    return () => tf.tidy(() => tf.add(a, b));
  },
};

async function main(): Promise<void> {
  const backend = process.argv[2] ?? "cpu";
  if (backend === "wasm") {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve("@tensorflow/tfjs-backend-wasm/package.json");
    setWasmPaths(`${dirname(pkg)}/dist/`);
  }
  await tf.setBackend(backend);
  await tf.ready();
  const req = JSON.parse(await readStdin()) as PeerRequest;
  const out: PeerResult = {
    version: `tfjs ${tf.version.tfjs} (${backend})`,
    threads: 1,
    results: {},
  };
  for (const name of req.workloads) {
    const memory = name.endsWith(MEMORY_SUFFIX);
    const setup = workloads[memory ? name.slice(0, -MEMORY_SUFFIX.length) : name];
    if (setup === undefined) {
      out.results[name] = { error: "no tfjs version of this workload" };
      continue;
    }
    try {
      out.results[name] = {
        times: memory
          ? [await highWaterMB(() => setup())]
          : await measure(setup(), req.samples, req.minSampleMs, req.budgetMs, req.clock),
      };
    } catch (err) {
      out.results[name] = {
        error: err instanceof Error ? err.message.split("\n")[0]! : String(err),
      };
    }
  }
  process.stdout.write(JSON.stringify(out));
}

await main();
