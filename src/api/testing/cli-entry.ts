/** `rxdesk` with only the serve/keys commands registered (tests start it without loading every other command). */
import { Command } from "commander";
import { register } from "../../cli/commands/serve.js";

const program = new Command("rxdesk");
register(program);
await program.parseAsync(process.argv);
