/** `rxdesk` with only the serve, keys and audit commands registered (tests start it without loading every other command). */
import { Command } from "commander";
import { register as registerAudit } from "../../src/cli/commands/audit.js";
import { register as registerKeys } from "../../src/cli/commands/keys.js";
import { register as registerServe } from "../../src/cli/commands/serve.js";

const program = new Command("rxdesk");
registerServe(program);
registerKeys(program);
registerAudit(program);
await program.parseAsync(process.argv);
