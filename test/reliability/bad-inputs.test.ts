/**
 * The corpus of real-looking bad inputs in fixtures/bad/ (cli-cases.json, api-cases.json) through the real CLI and
 * the API over the real service: each one ends with a clear message (zh-TW, and English where both are shown), no
 * stack trace, and nothing changed in the data folder (dispensings, outbox, keys).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import { createRxdesk } from "../../src/service/bootstrap.js";
import { type RealApi, startRealApi } from "../support/api-real.js";
import { ROOT, runRxdesk } from "../support/process.js";
import { COUNTER_PHARMACIST } from "../support/reliability/counter.js";
import { sized } from "../support/reliability/mode.js";

const BAD = join(ROOT, "fixtures", "bad");
const CJK = /[\u4e00-\u9fff]/;
const STACK = /\n\s+at .+:\d+:\d+/;

interface CliCase {
  name: string;
  args: string[];
  exit: number;
}
interface ApiCase {
  name: string;
  method: "POST" | "PATCH" | "DELETE";
  path: string;
  key?: "owner";
  body: unknown;
  status: number | "4xx";
}

function load<T>(file: string): T[] {
  return (JSON.parse(readFileSync(join(BAD, file), "utf8")) as { cases: T[] }).cases;
}

/** What no bad input may change: the dispensings, the outbox and the API keys (table or file). */
async function snapshot(dataDir: string): Promise<string> {
  const h = await openDatabase({ engine: "sqlite", file: join(dataDir, "rxdesk.sqlite3") });
  try {
    const tables = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(h.db);
    const kept = tables.rows.map((t) => t.name).filter((n) => /^(dispensings|outbox|api_keys|keys)$/.test(n));
    const dump: Record<string, unknown> = {};
    for (const name of kept.sort()) {
      dump[name] = (await sql.raw(`SELECT * FROM "${name}" ORDER BY 1`).execute(h.db)).rows;
    }
    const keyFile = join(dataDir, "api-keys.json");
    if (existsSync(keyFile)) dump.keyFile = readFileSync(keyFile, "utf8");
    return JSON.stringify(dump);
  } finally {
    await h.close();
  }
}

describe("bad inputs through the CLI", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "rxdesk-bad-cli-"));
  let before: string;
  beforeAll(async () => {
    const rx = await createRxdesk({ dataDir, demo: true });
    const c = rx.demo!.cases.oneOff;
    const made = await rx.service.dispense({
      visitIdInput: c.originalVisitId,
      refillNo: 1,
      pharmacistId: COUNTER_PHARMACIST,
      card: { source: "ic-card", nationalId: c.nationalId, birthDate: c.birthDate, cardNumber: "000012345678" },
    });
    expect(made.ok).toBe(true);
    await rx.close();
    before = await snapshot(dataDir);
    expect(before).toContain(c.originalVisitId);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const cases = load<CliCase>("cli-cases.json");
  it.each(
    sized(
      cases,
      cases.filter((_, i) => i % 6 === 0),
    ),
  )("$name", async (c) => {
    const args = c.args.map((a) => a.replace("{bad}", BAD).replace("{data}", dataDir));
    const run = await runRxdesk(...args, ...(args[0] === "dispense" ? ["--pharmacist", COUNTER_PHARMACIST] : []));
    const shown = `${run.out}\n${run.err}`;
    expect(run.code, shown).toBe(c.exit);
    expect(shown).toMatch(CJK);
    expect(shown).not.toMatch(STACK);
    expect(await snapshot(dataDir)).toBe(before);
  });
});

describe("bad inputs through the API", () => {
  let h: RealApi;
  let before: string;
  beforeAll(async () => {
    h = await startRealApi();
    before = await snapshot(h.dir);
  });
  afterAll(async () => h.close());

  it.each(load<ApiCase>("api-cases.json"))("$name", async (c) => {
    const body = JSON.stringify(c.body).replace(
      /\{(\w+)\}/g,
      (_, name: keyof RealApi["cases"]) => h.cases[name].originalVisitId,
    );
    const res = await fetch(`${h.url}${c.path}`, {
      method: c.method,
      headers: {
        authorization: `Bearer ${c.key === "owner" ? h.ownerKey : h.pharmacistKey}`,
        "content-type": "application/json",
      },
      body,
    });
    const answer = (await res.json()) as { message: { zh: string; en: string } };
    if (c.status === "4xx") expect(res.status).toBeGreaterThanOrEqual(400);
    else expect(res.status, JSON.stringify(answer)).toBe(c.status);
    expect(res.status).toBeLessThan(500);
    expect(answer.message.zh).toMatch(CJK);
    expect(answer.message.en.length).toBeGreaterThan(0);
    expect(JSON.stringify(answer)).not.toMatch(STACK);
    expect(await snapshot(h.dir)).toBe(before);
  });
});
