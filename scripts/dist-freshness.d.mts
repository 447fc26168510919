/** Whether dist/ is at least as new as src/, ui-terminal/ and schemas/ under the repository folder `root`. */
export function compiledIsFresh(root: string): boolean;
