/** Whether a captured screen shows a text (or matches a pattern): the one test the UI harnesses' waits share. */
export const shows = (screen: string, what: string | RegExp): boolean =>
  typeof what === "string" ? screen.includes(what) : what.test(screen);
