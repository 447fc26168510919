/** Faults on demand: slow answers, 5xx, dropped connections and garbled reports, for reliability tests. */
import type { FaultSettings, SandboxFaults, SandboxOperation } from "./types.js";

const CONTROL_SOFTWARE_OPERATIONS = new Set<SandboxOperation>(["passCard", "offlineVisitId"]);

export class FaultSwitch implements SandboxFaults {
  private settings: FaultSettings = {};

  set(settings: FaultSettings): void {
    if (settings.slowMs !== undefined && (!Number.isFinite(settings.slowMs) || settings.slowMs < 0)) {
      throw new RangeError("slowMs must be a non-negative number of milliseconds");
    }
    if (typeof settings.serverError === "number" && (settings.serverError < 500 || settings.serverError > 599)) {
      throw new RangeError("serverError must be a 5xx status");
    }
    this.settings = { ...settings };
  }

  clear(): void {
    this.settings = {};
  }

  get current(): Readonly<FaultSettings> {
    return this.settings;
  }

  /**
   * The faults that apply to one operation. Central operations: all, unless `only` leaves them out. The local
   * control software's operations (card pass, API 1.54) only when `only` names them: a central outage does not
   * break the software on the pharmacy's machine.
   */
  for(operation: SandboxOperation): FaultSettings {
    const s = this.settings;
    if (s.only ? !s.only.includes(operation) : CONTROL_SOFTWARE_OPERATIONS.has(operation)) return {};
    return s;
  }

  /** The operation fails outright (5xx or dropped connection). */
  cuts(operation: SandboxOperation): boolean {
    return this.serverErrorStatus(operation) !== undefined || !!this.for(operation).drop;
  }

  serverErrorStatus(operation: SandboxOperation): number | undefined {
    const e = this.for(operation).serverError;
    if (e === undefined || e === false) return undefined;
    return e === true ? 503 : e;
  }
}

/** A report damaged the way a broken transfer would leave it: cut short, with bytes flipped. */
export function garble(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.subarray(0, Math.max(1, Math.floor(bytes.length * 0.6))));
  for (let i = 0; i < out.length; i += 7) out[i] = out[i]! ^ 0xa5;
  return out;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
