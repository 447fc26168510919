/**
 * rxdesk's configuration from the environment, in one place: a zod schema, parsed once (at start-up by the CLI,
 * else on first use) instead of environment variables read wherever and whenever a module loads. README's
 * Configuration table documents the same settings; command-line options override them where a command has one.
 */
import { resolve } from "node:path";
import * as z from "zod/v4";
import en from "zod/v4/locales/en.js";
import { checkNationalId } from "./domain/national-id.js";

// zod's English messages. Loading zod sets them, but the bundled commands (scripts/bundle-*.mjs) import only the
// parts of zod this module uses, without the 40 other languages' messages, and with them that setting: say it here.
z.config(en());

const optionalText = z
  .string()
  .trim()
  .transform((s) => (s === "" ? undefined : s))
  .optional();

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const EnvSchema = z.object({
  /** The data folder: SQLite database (keys and audit included), sandbox state, slips, exports. */
  RXDESK_DATA_DIR: optionalText,
  /** PostgreSQL instead of the SQLite file. */
  RXDESK_DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: "must be a postgres:// or postgresql:// URL" })
      .optional(),
  ),
  /** Our institution (M05): ten digits. */
  RXDESK_PHARMACY_CODE: optionalText.pipe(
    z
      .string()
      .regex(/^\d{10}$/, { message: "must be the 10-digit NHI institution code (M05)" })
      .optional(),
  ),
  RXDESK_PHARMACY_NAME: optionalText,
  RXDESK_PHARMACY_PHONE: optionalText,
  RXDESK_PHARMACY_ADDRESS: optionalText,
  /** M06 at the terminal UI and `rxdesk dispense` (the API takes it from the key). */
  RXDESK_PHARMACIST_ID: optionalText.pipe(
    z
      .string()
      .transform((s) => s.toUpperCase())
      .refine((s) => checkNationalId(s).valid, { message: "must be a valid national ID (M06)" })
      .optional(),
  ),
  RXDESK_LOG_LEVEL: optionalText.pipe(z.enum(LOG_LEVELS).optional()),
  /** libpq's user name, for a PostgreSQL URL that names none (else the OS user: peer authentication). */
  PGUSER: optionalText,
  /** The terminal type: `linux` is the kernel's text console, which has no CJK glyphs. */
  TERM: optionalText,
});

export interface RxdeskConfig {
  /** Absolute path of the data folder. */
  dataDir: string;
  databaseUrl: string | undefined;
  pharmacy: { pharmacyCode: string; name: string; phone: string | undefined; address: string | undefined };
  pharmacistId: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  /** PostgreSQL user when the URL names none; undefined = the OS user. */
  pgUser: string | undefined;
  /** Running on the Linux text console (TERM=linux): the terminal UI starts in English. */
  linuxConsole: boolean;
}

export const DEMO_PHARMACY = { pharmacyCode: "5901012345", name: "rxdesk 示範藥局" } as const;
/** The terminal UI's pharmacist when none is configured (a demo ID). */
export const DEMO_PHARMACIST_ID = "B223456782";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`設定錯誤 / invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}

/** Parses a configuration from an environment; every bad variable is named in one ConfigError. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): RxdeskConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const e = parsed.data;
  return {
    dataDir: resolve(cwd, e.RXDESK_DATA_DIR ?? "data"),
    databaseUrl: e.RXDESK_DATABASE_URL,
    pharmacy: {
      pharmacyCode: e.RXDESK_PHARMACY_CODE ?? DEMO_PHARMACY.pharmacyCode,
      name: e.RXDESK_PHARMACY_NAME ?? DEMO_PHARMACY.name,
      phone: e.RXDESK_PHARMACY_PHONE,
      address: e.RXDESK_PHARMACY_ADDRESS,
    },
    pharmacistId: e.RXDESK_PHARMACIST_ID,
    logLevel: e.RXDESK_LOG_LEVEL ?? "info",
    pgUser: e.PGUSER,
    linuxConsole: e.TERM === "linux",
  };
}

let loaded: RxdeskConfig | undefined;

/** The configuration of this process: parsed from the environment the first time, then the same object. */
export function rxdeskConfig(): RxdeskConfig {
  loaded ??= parseConfig();
  return loaded;
}

/** The data folder: the one given (a command-line option), else the configured one. Absolute. */
export function dataDirOf(dataDir?: string): string {
  return dataDir === undefined ? rxdeskConfig().dataDir : resolve(dataDir);
}
