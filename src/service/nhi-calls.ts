/** Calling NHI with a deadline: anything slower than `timeoutMs` counts as unreachable, like a dropped line. */
import { NhiUnavailableError } from "../nhi/client.js";

export async function withTimeout<T>(what: string, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NhiUnavailableError(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref?.();
  });
  try {
    return await Promise.race([call(), timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

export function isUnavailable(error: unknown): error is NhiUnavailableError {
  return error instanceof NhiUnavailableError || (error instanceof Error && error.name === "NhiUnavailableError");
}
