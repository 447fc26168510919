/**
 * `rxdesk` command line. Each file in ./commands exports `register(program)`; adding a subcommand means adding a
 * file there, nothing else.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Command } from "commander";
import { CliError } from "./errors.js";

export interface CommandModule {
  register(program: Command): void;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command("rxdesk")
    .description("rxdesk — dispensing terminal for Taiwanese community pharmacies (健保藥局調劑)")
    .showHelpAfterError();
  const dir = join(dirname(fileURLToPath(import.meta.url)), "commands");
  const all = readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.test\.|\.d\.ts$/.test(f))
    .sort();
  // Start-up speed: a subcommand named after its file loads only that file (the UI, scans at the counter);
  // help, or a command registered elsewhere, loads them all.
  const first = argv[2];
  const own = first && !first.startsWith("-") ? all.filter((f) => f.replace(/\.(ts|js)$/, "") === first) : [];
  const files = own.length > 0 ? own : all;
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Partial<CommandModule>;
    mod.register?.(program);
  }
  await program.parseAsync(argv);
}

main(process.argv).catch((error: unknown) => {
  // A bad environment variable (src/config.ts, not imported here: zod would slow every command's start): say which
  // and why, without a stack trace.
  if (error instanceof Error && error.name === "ConfigError") {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  // A CliError is a message for the person at the terminal; anything else is a bug, shown with its stack.
  const text =
    error instanceof CliError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${text}\n`);
  process.exit(1);
});
