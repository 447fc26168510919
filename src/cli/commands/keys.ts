/**
 * `rxdesk keys create|list|revoke`: the per-terminal API keys `rxdesk serve` accepts, in the data folder's database
 * (the SQLite file, or RXDESK_DATABASE_URL). Every create and revoke is audited, naming the command line and the OS
 * user; any number of these may run at once, beside a running server.
 */
import { userInfo } from "node:os";
import type { Command } from "commander";
import { withApiStore } from "../../api/api-store.js";
import { type KeyChangeActor, KeyStoreError, publicKeyView, ROLES, type Role } from "../../api/keys.js";
import { dataDirOf } from "../../config.js";

export const DATA_DIR_HELP = "data folder (default RXDESK_DATA_DIR or ./data)";

/** The command line as the audit trail names it. */
export function cliActor(): KeyChangeActor {
  return { data: { via: "cli", osUser: userInfo().username } };
}

export function register(program: Command): void {
  const keys = program.command("keys").description("API keys for `rxdesk serve` (stored hashed in the database)");
  keys
    .command("create")
    .description("create a key for a terminal; prints it once")
    .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`)
    .requiredOption("--terminal <id>", "terminal id (counter-1, pickup-tablet, office …)")
    .option("--pharmacist-id <nationalId>", "the pharmacist's national ID (M06); required for pharmacist keys")
    .option("--label <text>", "a name to recognize the key by")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--json", "print JSON")
    .action(
      async (opts: {
        role: string;
        terminal: string;
        pharmacistId?: string;
        label?: string;
        dataDir?: string;
        json?: boolean;
      }) => {
        try {
          const created = await withApiStore(dataDirOf(opts.dataDir), ({ keys }) =>
            keys.create(
              {
                role: opts.role as Role,
                terminalId: opts.terminal,
                ...(opts.pharmacistId ? { pharmacistId: opts.pharmacistId } : {}),
                ...(opts.label ? { label: opts.label } : {}),
              },
              cliActor(),
            ),
          );
          if (opts.json) {
            process.stdout.write(`${JSON.stringify({ key: created.key, record: publicKeyView(created.record) })}\n`);
          } else {
            process.stdout.write(`${created.key}\n`);
            process.stderr.write(
              `金鑰只顯示這一次，請存到終端機 / shown once: store it on the terminal (id ${created.record.id}, ` +
                `${created.record.role}@${created.record.terminalId}, ${dataDirOf(opts.dataDir)})\n`,
            );
          }
        } catch (error) {
          if (!(error instanceof KeyStoreError)) throw error;
          process.stderr.write(`金鑰資料不正確 / invalid key request: ${error.message}\n`);
          process.exitCode = 2;
        }
      },
    );
  keys
    .command("list")
    .description("list keys (never their secrets)")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (opts: { dataDir?: string }) => {
      for (const record of await withApiStore(dataDirOf(opts.dataDir), ({ keys }) => keys.list())) {
        process.stdout.write(`${JSON.stringify(publicKeyView(record))}\n`);
      }
    });
  keys
    .command("revoke")
    .description("revoke a key by id")
    .argument("<id>", "key id (16 hex digits)")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (id: string, opts: { dataDir?: string }) => {
      const revoked = await withApiStore(dataDirOf(opts.dataDir), ({ keys }) => keys.revoke(id, cliActor()));
      if (!revoked) {
        process.stderr.write(`找不到金鑰 / no such key: ${id}\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(`${JSON.stringify(publicKeyView(revoked))}\n`);
    });
}
