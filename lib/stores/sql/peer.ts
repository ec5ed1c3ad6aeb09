/**
 * The SQL stores' drivers are optional peer dependencies (package.json `peerDependenciesMeta`),
 * loaded when a store is created: an app without one gets a message naming what to install,
 * not Node's "Cannot find module" from somewhere inside dist/.
 */

/**
 * Runs `load` (a literal `require("driver")`, so bundlers still see the dependency). The major
 * version must match package.json's peerDependencies; a test keeps them in step.
 */
export function loadPeer<T>(name: string, major: number, user: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!isMissing(error, name)) throw error;
    // No `cause`: Node's require stack would bury the one line that says what to do.
    throw new Error(`${user} needs ${name}, an optional peer dependency of express-scim: npm install ${name}@${major}`);
  }
}

/**
 * Only the driver itself: an installed driver that fails to load (a dependency of its own
 * missing, a native module built for another Node) keeps its own error.
 */
function isMissing(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === "MODULE_NOT_FOUND" && typeof message === "string" && message.startsWith(`Cannot find module '${name}'`)
  );
}
