/**
 * lectern in the benchmark, run like its peers in a child process
 * (`node dist/bench/lectern_peer.js <cpu|webgpu>`, JSON request on stdin).
 * Every workload is written with the public API a student would use.
 */
import * as lt from "../index.js";
import { nn, optim } from "../index.js";
import {
  highWaterMB,
  MEMORY_SUFFIX,
  measure,
  type PeerRequest,
  type PeerResult,
  readStdin,
} from "./timing.js";

const F = nn.functional;
type Device = "cpu" | "webgpu";
type Setup = (device: Device) => () => unknown;

/** Waits for queued device work: a scalar read-back (no-op cost on CPU). */
const sync = (t: lt.Tensor) => t.item();

function sgemm(n: number): Setup {
  return (device) => {
    const a = lt.randn([n, n], { device });
    const b = lt.randn([n, n], { device });
    return () => sync(a.matmul(b).sum());
  };
}

function trainStep(model: nn.Module, x: lt.Tensor, y: lt.Tensor): () => unknown {
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  return () => {
    opt.zeroGrad();
    const loss = F.crossEntropy(model(x), y);
    loss.backward();
    opt.step();
    return sync(loss);
  };
}

class BasicBlock extends nn.Module {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  constructor(c: number) {
    super();
    this.conv1 = new nn.Conv2d(c, c, 3, { padding: 1, bias: false });
    this.bn1 = new nn.BatchNorm2d(c);
    this.conv2 = new nn.Conv2d(c, c, 3, { padding: 1, bias: false });
    this.bn2 = new nn.BatchNorm2d(c);
  }
  override forward(x: lt.Tensor): lt.Tensor {
    const out = F.relu(this.bn1(this.conv1(x)));
    return F.relu(this.bn2(this.conv2(out)).add(x));
  }
}

const N16M = 16 * 1024 * 1024;

const workloads: Record<string, Setup> = {
  "sgemm-256": sgemm(256),
  "sgemm-512": sgemm(512),
  "sgemm-1024": sgemm(1024),
  "sgemm-2048": sgemm(2048),
  "conv2d-fwd": (device) => {
    const x = lt.randn([32, 64, 56, 56], { device });
    const w = lt.randn([64, 64, 3, 3], { device });
    return () => sync(F.conv2d(x, w, undefined, { padding: 1 }).sum());
  },
  "conv2d-bwd": (device) => {
    const x = lt.randn([32, 64, 56, 56], { device, requiresGrad: true });
    const w = lt.randn([64, 64, 3, 3], { device, requiresGrad: true });
    const y = F.conv2d(x, w, undefined, { padding: 1 });
    const g = lt.randnLike(y);
    return () => {
      const [gx] = lt.autograd.grad([y], [x, w], { gradOutputs: [g], retainGraph: true });
      return sync(gx!.sum());
    };
  },
  "mlp-step": (device) =>
    trainStep(
      new nn.Sequential(
        new nn.Flatten(),
        new nn.Linear(784, 256),
        new nn.ReLU(),
        new nn.Linear(256, 10),
      ).to(device),
      lt.randn([128, 1, 28, 28], { device }),
      lt.randint(0, 10, [128], { device }),
    ),
  "lenet-step": (device) =>
    trainStep(
      new nn.Sequential(
        new nn.Conv2d(1, 6, 5, { padding: 2 }),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Conv2d(6, 16, 5),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Flatten(),
        new nn.Linear(16 * 5 * 5, 120),
        new nn.ReLU(),
        new nn.Linear(120, 84),
        new nn.ReLU(),
        new nn.Linear(84, 10),
      ).to(device),
      lt.randn([64, 1, 28, 28], { device }),
      lt.randint(0, 10, [64], { device }),
    ),
  "resblock-step": (device) => {
    const block = new BasicBlock(64).to(device);
    const x = lt.randn([32, 64, 32, 32], { device });
    return () => {
      block.zeroGrad();
      const out = block(x).sum();
      out.backward();
      return sync(out);
    };
  },
  "lstm-step": (device) => {
    const lstm = new nn.LSTM(64, 128).to(device);
    const x = lt.randn([50, 32, 64], { device });
    return () => {
      lstm.zeroGrad();
      const [out] = lstm(x);
      const s = out.sum();
      s.backward();
      return sync(s);
    };
  },
  "softmax-16M": (device) => {
    const x = lt.randn([N16M / 1024, 1024], { device });
    return () => lt.softmax(x, 1);
  },
  "layernorm-16M": (device) => {
    const x = lt.randn([N16M / 1024, 1024], { device });
    return () => F.layerNorm(x, [1024]);
  },
  "add-16M": (device) => {
    const a = lt.randn([N16M], { device });
    const b = lt.randn([N16M], { device });
    return () => a.add(b);
  },
};

async function main(): Promise<void> {
  const device = (process.argv[2] ?? "cpu") as Device;
  const req = JSON.parse(await readStdin()) as PeerRequest;
  lt.manualSeed(0);
  let version = `lectern (${device})`;
  if (device === "webgpu") {
    // GPU rows are labelled with the adapter: on a software adapter
    // (lavapipe) they are correctness-only numbers.
    const gpu = (await lt.devices()).find((d) => d.device === "webgpu");
    if (gpu && gpu.device === "webgpu")
      version += ` on ${gpu.name}${gpu.software ? " (software adapter: correctness only)" : ""}`;
  }
  const out: PeerResult = { version, threads: req.threads, results: {} };
  for (const name of req.workloads) {
    const memory = name.endsWith(MEMORY_SUFFIX);
    const setup = workloads[memory ? name.slice(0, -MEMORY_SUFFIX.length) : name];
    if (setup === undefined) {
      out.results[name] = { error: "no lectern version of this workload" };
      continue;
    }
    try {
      out.results[name] = {
        times: memory
          ? [await highWaterMB(() => setup(device))]
          : await measure(setup(device), req.samples, req.minSampleMs, req.budgetMs, req.clock),
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
