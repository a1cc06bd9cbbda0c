// `sudo kirikae …` from a user's shell: the agent's commands would run as root, and every file
// kirikae writes under that user's home (the ledger, sessions, the config, caches) would belong
// to root, so the next plain run could not append to its own ledger. A root shell of its own (a
// container, CI) has no SUDO_UID and is left alone.

/** Why kirikae will not run under sudo, or undefined when it is not under sudo. */
export function sudoRefusal(
  env: NodeJS.ProcessEnv,
  uid: number | undefined = process.getuid?.(),
): string | undefined {
  if (uid !== 0 || !env.SUDO_UID || env.SUDO_UID === '0') return undefined;
  const user = env.SUDO_USER ? ` as ${env.SUDO_USER}` : '';
  return (
    `kirikae: refusing to run under sudo: its commands would run as root and the files it writes in your ` +
    `home (ledger, config, sessions) would belong to root. Run it without sudo${user}.`
  );
}
