/**
 * `lt.save` / `lt.load`: state dicts in the safetensors format, so weights
 * move between lectern and PyTorch (`safetensors.torch.load_file`) both
 * ways. Files are written atomically: a temporary file beside the target is
 * written, flushed to disk and renamed over it, so a crash mid-save never
 * leaves a truncated checkpoint.
 */
import { open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ValueError } from "../tensor/errors.js";
import { tensor as makeTensor } from "../tensor/index.js";
import { Tensor } from "../tensor/tensor.js";
import { Module, type StateDict } from "./module.js";
import { decodeSafetensors, encodeSafetensors, type RawTensor } from "./safetensors.js";

/**
 * Saves a state dict (or a module's `stateDict()`) to `path` as
 * safetensors. Tensors on a GPU are read back first. `metadata` is stored
 * in the header as strings.
 *
 * @example
 * await lt.save(model.stateDict(), "mlp.safetensors");
 * // Python: safetensors.torch.load_file("mlp.safetensors")
 */
export async function save(
  obj: StateDict | Map<string, Tensor> | Module,
  path: string,
  options: { metadata?: Record<string, string> } = {},
): Promise<void> {
  const dict = obj instanceof Module ? obj.stateDict() : obj;
  const entries = dict instanceof Map ? [...dict] : Object.entries(dict);
  const tensors = new Map<string, RawTensor>();
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) {
      throw new ValueError(
        `save: "${name}" is ${t === null ? "null" : `a ${typeof t}`}, not a Tensor; safetensors files hold tensors only (put other values in { metadata })`,
      );
    }
    const data = await t.contiguous().data();
    tensors.set(name, { dtype: t.dtype, shape: [...t.shape], data: data as RawTensor["data"] });
  }
  const bytes = encodeSafetensors(tensors, { format: "pt", ...options.metadata });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const file = await open(tmp, "w");
  try {
    await file.writeFile(bytes);
    await file.sync();
  } catch (e) {
    await file.close();
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await file.close();
  await rename(tmp, path);
}

/**
 * Loads a safetensors file as a state dict of CPU tensors (int64 becomes
 * int32, float64/float16 become float32). Feed it to `loadStateDict`.
 *
 * @example
 * model.loadStateDict(await lt.load("mlp.safetensors"));
 */
export async function load(path: string): Promise<StateDict> {
  const { tensors } = decodeSafetensors(await readFile(path), path);
  const out: StateDict = {};
  for (const [name, raw] of tensors)
    out[name] = makeTensor(raw.data, { dtype: raw.dtype }).reshape(raw.shape);
  return out;
}

/** The string metadata stored in a safetensors file's header. */
export async function loadMetadata(path: string): Promise<Record<string, string>> {
  return decodeSafetensors(await readFile(path), path).metadata;
}
