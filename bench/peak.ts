import { readFileSync } from "node:fs";
import { cpus } from "node:os";

/** The machine's theoretical fp32 peak, for the GEMM rows' "% of peak" column. */
export interface Peak {
  gflopsPerCore: number;
  cores: number;
  description: string;
}

/**
 * cores × clock × FLOP/cycle of the widest FMA the CPU advertises: two FMA
 * pipes of 16 (AVX-512), 8 (AVX2+FMA) or 4 (SSE, no FMA: mul+add) fp32 lanes.
 * Some cores (AMD Zen 4) split 512-bit FMAs in two; set
 * LECTERN_PEAK_FLOP_PER_CYCLE to override when the flags overstate it.
 */
export function theoreticalPeak(): Peak {
  let flags = "";
  let mhz = cpus()[0]?.speed ?? 0;
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    flags = info.match(/^flags\s*:(.*)$/m)?.[1] ?? "";
    // Virtual machines often report speed 0 to os.cpus(); cpuinfo still has the clock.
    if (mhz === 0) mhz = Number(info.match(/^cpu MHz\s*:\s*([\d.]+)/m)?.[1] ?? 0);
  } catch {
    // Not Linux: fall back to the scalar estimate below.
  }
  const has = (f: string) => new RegExp(`\\b${f}\\b`).test(flags);
  let perCycle = has("avx512f") ? 64 : has("avx2") && has("fma") ? 32 : 8;
  let isa = has("avx512f") ? "AVX-512 FMA" : has("avx2") && has("fma") ? "AVX2 FMA" : "SSE";
  const override = Number(process.env.LECTERN_PEAK_FLOP_PER_CYCLE);
  if (override > 0) {
    perCycle = override;
    isa = "LECTERN_PEAK_FLOP_PER_CYCLE";
  }
  const ghz = mhz / 1000;
  return {
    gflopsPerCore: ghz * perCycle,
    cores: cpus().length,
    description: `${cpus().length} cores × ${ghz.toFixed(2)} GHz × ${perCycle} FLOP/cycle (${isa})`,
  };
}
