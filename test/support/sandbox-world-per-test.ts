/** A fresh sandbox world for every test (vitest hooks), with the helpers the central-rule tests share. */
import { afterEach, beforeEach, expect } from "vitest";
import type { UploadRecord } from "../../src/nhi/sandbox/format-bridge.js";
import { CLINIC, createWorld, DAY_MS, type World } from "./sandbox-world.js";

export interface WorldPerTest {
  /** The current test's world. */
  readonly w: World;
  /** An instant `days` days before the world's clock. */
  ago(days: number): Date;
  /** Uploads and expects every record accepted. */
  uploaded(records: UploadRecord[], institution?: string): Promise<void>;
}

export function worldPerTest(): WorldPerTest {
  let current: World | undefined;
  beforeEach(async () => {
    current = await createWorld();
  });
  afterEach(async () => {
    await current?.close();
  });
  const t: WorldPerTest = {
    get w() {
      if (!current) throw new Error("worldPerTest: used outside a test");
      return current;
    },
    ago: (days) => new Date(t.w.clock.now.getTime() - days * DAY_MS),
    async uploaded(records, institution = CLINIC) {
      expect((await t.w.upload(institution, records)).codes).toEqual([]);
    },
  };
  return t;
}
