/** An error the command line reports as its message alone (zh-TW / English), without a stack trace. */
export class CliError extends Error {
  override readonly name = "CliError";
}
