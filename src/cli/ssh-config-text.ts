/** `vlab ssh-config`'s text: one OpenSSH `Host` block per SSH guest of the lab. Pure. */
import type { SshConfigEntry } from '../lab/ssh.js';

/** A value as ssh_config reads it: in double quotes when it has a space. */
const value = (v: string) => (/\s/.test(v) ? `"${v}"` : v);

/** Keywords whose value is the rest of the line, as is (ssh_config does not unquote them: a shell command). */
const RAW = new Set(['ProxyCommand']);

export function formatSshConfig(lab: string, entries: SshConfigEntry[]): string {
  if (!entries.length) return `# lab '${lab}' has no guest reached over SSH (every guest uses exec: agent)\n`;
  const blocks = entries.map((e) =>
    [
      `Host ${e.host}`,
      `  HostName ${e.hostName}`,
      `  User ${e.user}`,
      `  Port ${e.port}`,
      `  IdentityFile ${value(e.identityFile)}`,
      ...e.options.map(([k, v]) => `  ${k} ${RAW.has(k) ? v : value(v)}`),
    ].join('\n'),
  );
  return `# vlab lab '${lab}': \`ssh ${entries[0]!.host}\` after adding this to ~/.ssh/config (\`vlab ssh-config ${lab} >> ~/.ssh/config\`), or \`ssh -F FILE ...\`\n${blocks.join('\n\n')}\n`;
}
