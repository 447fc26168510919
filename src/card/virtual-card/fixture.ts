/**
 * A virtual card's description on disk (fixtures/cards/*.json): how it behaves, its ATR and the profile bytes it
 * answers, plus what reading it must give (used by the tests).
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod/v4";
import { fromHex } from "../apdu.js";
import type { AppletConfig } from "./applet.js";

const hex = z.string().regex(/^([0-9A-Fa-f]{2})*$/, "hex bytes");

export const cardFixtureSchema = z.object({
  id: z.string().min(1),
  description: z.string(),
  behavior: z.enum(["nhi", "wrong-aid", "mute", "short-profile", "read-error"]),
  atr: hex.min(2),
  /** Readable copy of what profileHex encodes (absent when the bytes are deliberately broken or missing). */
  profile: z
    .object({
      cardNumber: z.string(),
      name: z.string(),
      nationalId: z.string(),
      birthDate: z.string(),
      sex: z.string(),
      issueDate: z.string(),
      padding: z.enum(["space", "nul"]).optional(),
    })
    .optional(),
  profileHex: hex,
  readStatus: hex.length(4).optional(),
  expect: z.union([
    z.object({
      ok: z.literal(true),
      identity: z.object({
        source: z.literal("ic-card"),
        nationalId: z.string(),
        name: z.string(),
        birthDate: z.string(),
        sex: z.enum(["M", "F"]),
        cardNumber: z.string(),
      }),
      nationalIdKind: z.enum(["citizen", "resident", "resident-old"]),
      nameUserDefinedChars: z.number().int().min(0),
    }),
    z.object({ ok: z.literal(false), code: z.string() }),
  ]),
});

export type CardFixture = z.infer<typeof cardFixtureSchema>;

export const CARD_FIXTURE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../fixtures/cards");

export function parseCardFixture(json: unknown, source = "fixture"): CardFixture {
  const result = cardFixtureSchema.safeParse(json);
  if (!result.success) {
    throw new Error(
      `${source}: not a card fixture: ${result.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
    );
  }
  return result.data;
}

export function loadCardFixture(file: string): CardFixture {
  return parseCardFixture(JSON.parse(readFileSync(file, "utf8")), file);
}

/** Every fixture in fixtures/cards, by id. */
export function loadCardFixtures(dir = CARD_FIXTURE_DIR): Map<string, CardFixture> {
  const out = new Map<string, CardFixture>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const fixture = loadCardFixture(join(dir, file));
    if (fixture.id !== basename(file, ".json"))
      throw new Error(`${file}: id ${fixture.id} does not match the file name`);
    out.set(fixture.id, fixture);
  }
  return out;
}

export function appletConfig(fixture: CardFixture): AppletConfig {
  return {
    behavior: fixture.behavior,
    profile: fromHex(fixture.profileHex),
    readStatus: fixture.readStatus ? Number.parseInt(fixture.readStatus, 16) : undefined,
  };
}
