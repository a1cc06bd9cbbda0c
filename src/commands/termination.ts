/**
 * A closed terminal or a kill ends the command with the signal's exit code (143 for SIGTERM, 129
 * for SIGHUP), after `cleanup` (the CLI ends its bash children's process groups there). The CLI
 * and the `route` fast path both call this, so a parent sees the same ending from either.
 */
export function exitOnTermination(cleanup: () => Promise<unknown> = async () => undefined): void {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      void cleanup()
        .catch(() => undefined)
        .finally(() => process.exit(signal === 'SIGTERM' ? 143 : 129));
    });
  }
}
